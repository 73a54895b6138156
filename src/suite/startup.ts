// Startup time, sampled interleaved across variants so that a busy moment of the machine falls on
// every variant alike. Node's spawn adds milliseconds of its own to each run; we measure that
// overhead the same way (an empty process, interleaved) and subtract its median, as hyperfine does.
import type { StartupMetric } from '../domain/report.js';
import { median } from '../domain/stats.js';
import type { ProcessRunner } from '../ports.js';

export interface StartupSubject {
  readonly name: string;
  readonly python: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface StartupOptions {
  readonly runner: ProcessRunner;
  readonly subjects: readonly StartupSubject[];
  /** Samples kept per subject (after warmups). */
  readonly samples: number;
  readonly warmups: number;
  /** Stop sampling at this time (ms since epoch), keeping what was measured. */
  readonly deadline: number;
}

/** `python -c pass` for every subject, round-robin with a rotating start, minus the spawn overhead. */
export async function measureInterpreterStartup(options: StartupOptions): Promise<Map<string, StartupMetric>> {
  const raw = new Map<string, number[]>(options.subjects.map((s) => [s.name, []]));
  const failures = new Map<string, string>();
  const overhead: number[] = [];
  const total = options.warmups + options.samples;
  for (let round = 0; round < total && Date.now() < options.deadline; round++) {
    const order = options.subjects.map((_, i) => options.subjects[(i + round) % options.subjects.length]!);
    for (const subject of order) {
      if (failures.has(subject.name)) continue;
      const result = await options.runner.run({
        argv: [subject.python, '-c', 'pass'],
        env: subject.env,
        cwd: subject.cwd,
        timeoutMs: 60_000,
      });
      if (result.exitCode !== 0) {
        failures.set(subject.name, `python -c pass failed: ${result.signal ?? result.exitCode} ${result.stderr.slice(-300)}`);
        continue;
      }
      if (round >= options.warmups) raw.get(subject.name)!.push(result.durationMs);
    }
    const empty = await options.runner.run({ argv: ['true'], timeoutMs: 10_000 });
    if (round >= options.warmups && empty.exitCode === 0) overhead.push(empty.durationMs);
  }
  const spawnCost = overhead.length > 0 ? median(overhead) : 0;
  const metrics = new Map<string, StartupMetric>();
  for (const subject of options.subjects) {
    const samples = (raw.get(subject.name) ?? []).map((ms) => Math.max(0, ms - spawnCost));
    const error = failures.get(subject.name);
    metrics.set(subject.name, {
      name: 'python -c pass',
      kind: 'interpreter',
      samples,
      median: samples.length > 0 ? median(samples) : null,
      ...(error ? { error } : {}),
    });
  }
  return metrics;
}
