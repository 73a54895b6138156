// The scale bench's real measurements: the synthetic suite's head tree (the checkout, venvs by
// prepareVariant) and base tree (a worktree of the base commit, venvs by prepareBase), laid out
// under an output folder as run.ts lays them out, measured by the action's own measureBenchmarks
// (ABBA rounds, its environment, its cwd, whatever it randomises per process). Every process's
// per-benchmark median is kept, with its round, so the simulation can draw real runs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpawnRunner } from '../src/adapters/process.js';
import { scrubEnvironment } from '../src/domain/environment.js';
import { variantEnvironment } from '../src/domain/runtime-env.js';
import { median } from '../src/domain/stats.js';
import { parseVariant, type Variant } from '../src/domain/variants.js';
import type { Toolkit } from '../src/ports.js';
import type { Venv } from '../src/python/venv.js';
import { prepareBase } from '../src/suite/base.js';
import { measureBenchmarks, type BenchmarkSubject } from '../src/suite/benchmarks.js';
import { DEFAULT_SAMPLING } from '../src/suite/performance.js';
import { prepareVariant } from '../src/suite/prepare.js';
import { BENCHMARK_COMMAND } from './scale-suite.js';
import type { ScaleSamples, SubjectSamples } from './scale-simulate.js';

export interface MeasureOptions {
  readonly interpreters: Readonly<Record<string, string>>;
  readonly variants: readonly string[];
  readonly reference: string;
  readonly threshold: number;
  /** The repository, checked out at head. */
  readonly checkout: string;
  readonly baseSha: string;
  readonly installCommand: string;
  /** Plays the action's output directory: work/venvs, work/base, work/performance go under it. */
  readonly outputDir: string;
  readonly runs: number;
  readonly log: (line: string) => void;
}

const safeName = (name: string): string => name.replace(/[^A-Za-z0-9.]+/g, '_');

// measureBenchmarks names a run's file `${safeName(key)}-${round}` and, most of the time, a
// random-length salt: `-xxx`.
const RESULT_FILE = /^(.+)-(\d+)(?:-x+)?\.json$/;

interface ResultFile {
  readonly subject: string;
  readonly round: number;
  readonly benchmarks: {
    fullname?: string;
    stats?: { median?: number; iterations?: number; data?: number[] };
  }[];
}

function resultFiles(workDir: string): ResultFile[] {
  const out: ResultFile[] = [];
  for (const file of readdirSync(workDir)) {
    const match = RESULT_FILE.exec(file);
    if (!match) continue;
    try {
      const doc = JSON.parse(readFileSync(join(workDir, file), 'utf8'));
      out.push({ subject: match[1]!, round: Number(match[2]), benchmarks: doc.benchmarks ?? [] });
    } catch {
      continue;
    }
  }
  return out;
}

/**
 * Every kept process's rounds (seconds per iteration), per subject and benchmark, indexed by the
 * kept round: what lets the simulation try another per-process figure than the median.
 */
function roundData(options: {
  files: readonly ResultFile[];
  keys: readonly string[];
  warmups: number;
}): Record<string, Record<string, number[][]>> {
  const bySafeName = new Map(options.keys.map((k) => [safeName(k), k]));
  const out: Record<string, Record<string, number[][]>> = {};
  for (const file of options.files) {
    const key = bySafeName.get(file.subject);
    const round = file.round - options.warmups;
    if (!key || round < 0) continue;
    const subject = (out[key] ??= {});
    for (const b of file.benchmarks) {
      const data = b.stats?.data;
      if (!b.fullname || !Array.isArray(data)) continue;
      (subject[b.fullname] ??= [])[round] = data;
    }
  }
  return out;
}

export async function measureScale(options: MeasureOptions): Promise<ScaleSamples> {
  const runner = new SpawnRunner();
  const cleanEnv = scrubEnvironment(process.env);
  const workRoot = join(options.outputDir, 'work');
  const timeoutMs = 10 * 60_000;
  const toolkit = quietToolkit(options.log);
  const variants = options.variants.map(parseVariant);
  const envFor = (variant: Variant, venv: Venv | null): Record<string, string> =>
    variantEnvironment({ base: cleanEnv, variant, ...(venv ? { venv } : {}) });

  const subjects: BenchmarkSubject[] = [];
  const base = await prepareBase({
    runner,
    toolkit,
    sha: options.baseSha,
    projectDir: options.checkout,
    workDir: join(workRoot, 'base'),
    variants: variants.map((variant) => ({
      variant,
      interpreter: interpreterOf(options.interpreters, variant.name),
      envFor: (venv: Venv | null) => envFor(variant, venv),
    })),
    installCommand: options.installCommand,
    timeoutMs,
    env: cleanEnv,
  });
  if (!base.ok) throw new Error(`the base tree could not be prepared: ${base.error}`);
  try {
    for (const variant of variants) {
      const head = await prepareVariant({
        runner,
        python: interpreterOf(options.interpreters, variant.name),
        venvDir: join(workRoot, 'venvs', safeName(variant.name)),
        projectDir: options.checkout,
        installCommand: options.installCommand,
        envFor: (venv) => envFor(variant, venv),
        timeoutMs,
      });
      if (!head.ok) throw new Error(`${variant.name} on head: ${head.error}`);
      const onBase = base.base.subjects.find((s) => s.variant.name === variant.name);
      if (!onBase) throw new Error(`${variant.name} on base: no venv (see the warning above)`);
      // As measurePerformance orders them: a variant's head and base side by side.
      subjects.push(
        { key: `${variant.name}@head`, env: envFor(variant, head.venv), cwd: options.checkout },
        { key: `${variant.name}@base`, env: onBase.env, cwd: onBase.cwd },
      );
    }
    const workDir = join(workRoot, 'performance', 'benchmarks');
    const started = Date.now();
    const outcome = await measureBenchmarks({
      runner,
      subjects,
      command: BENCHMARK_COMMAND,
      minRuns: options.runs,
      maxRuns: options.runs,
      precision: options.threshold / 5,
      warmups: DEFAULT_SAMPLING.benchmarkWarmups,
      // Generous: every run is wanted; the deadline is only a guard against a wedged machine.
      deadline: Date.now() + 45 * 60_000,
      timeoutMs,
      workDir,
      log: options.log,
      warn: (line) => options.log(`warning: ${line}`),
    });
    const seconds = (Date.now() - started) / 1000;
    for (const [key, error] of outcome.failures) throw new Error(`${key}: every run failed: ${error}`);
    const samples: Record<string, SubjectSamples> = {};
    for (const [key, metrics] of outcome.metrics) {
      samples[key] = Object.fromEntries(
        metrics.map((m) => [m.name, { samples: [...m.samples], rounds: [...(m.rounds ?? [])] }]),
      );
    }
    const processes = subjects.length * (outcome.runs + DEFAULT_SAMPLING.benchmarkWarmups);
    // Hundreds of files of 200 benchmarks' rounds each: read and parsed once for both tables.
    const files = resultFiles(workDir);
    return {
      schema: 'cpv-bench-scale/1',
      measuredAt: new Date().toISOString(),
      variants: [...options.variants],
      reference: options.reference,
      command: BENCHMARK_COMMAND,
      runs: outcome.runs,
      secondsPerProcess: seconds / processes,
      subjects: samples,
      roundSeconds: roundTimes({ files, variants: options.variants }),
      roundData: roundData({
        files,
        keys: subjects.map((s) => s.key),
        warmups: DEFAULT_SAMPLING.benchmarkWarmups,
      }),
      timerResolution: await timerResolutions({ runner, interpreters: options.interpreters, variants }),
    };
  } finally {
    await base.base.checkout.remove();
  }
}

function interpreterOf(interpreters: Readonly<Record<string, string>>, name: string): string {
  const path = interpreters[name];
  if (!path) throw new Error(`no interpreter for ${name}`);
  return path;
}

/**
 * Per variant and benchmark, the median over its processes of one round's time (the per-iteration
 * median times the iterations a round ran): what the timer had to resolve.
 */
function roundTimes(options: {
  files: readonly ResultFile[];
  variants: readonly string[];
}): Record<string, Record<string, number>> {
  const variantOf = new Map(
    options.variants.flatMap((v) => [
      [safeName(`${v}@head`), v],
      [safeName(`${v}@base`), v],
    ]),
  );
  const perVariant = new Map<string, Map<string, number[]>>();
  for (const file of options.files) {
    const variant = variantOf.get(file.subject);
    if (!variant) continue;
    const times = perVariant.get(variant) ?? new Map<string, number[]>();
    perVariant.set(variant, times);
    for (const b of file.benchmarks) {
      const { median: m, iterations } = b.stats ?? {};
      if (!b.fullname || typeof m !== 'number' || typeof iterations !== 'number') continue;
      times.set(b.fullname, [...(times.get(b.fullname) ?? []), m * iterations]);
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [variant, times] of perVariant) {
    out[variant] = Object.fromEntries([...times].map(([name, xs]) => [name, median(xs)]));
  }
  return out;
}

// pytest-benchmark's own estimate of the timer's precision: the smallest step perf_counter shows.
const TIMER_PROBE = [
  'import json, time',
  'steps = []',
  'for _ in range(200000):',
  '    a = time.perf_counter()',
  '    b = time.perf_counter()',
  '    if b > a:',
  '        steps.append(b - a)',
  "print(json.dumps({'declared': time.get_clock_info('perf_counter').resolution, 'smallestStep': min(steps)}))",
].join('\n');

async function timerResolutions(options: {
  runner: SpawnRunner;
  interpreters: Readonly<Record<string, string>>;
  variants: readonly Variant[];
}): Promise<Record<string, { declared: number; smallestStep: number }>> {
  const out: Record<string, { declared: number; smallestStep: number }> = {};
  for (const variant of options.variants) {
    const result = await options.runner.run({
      argv: [interpreterOf(options.interpreters, variant.name), '-c', TIMER_PROBE],
      env: variantEnvironment({ base: scrubEnvironment(process.env), variant }),
      timeoutMs: 60_000,
    });
    if (result.exitCode !== 0) throw new Error(`timer probe under ${variant.name} failed: ${result.stderr}`);
    out[variant.name] = JSON.parse(result.stdout);
  }
  return out;
}

function quietToolkit(log: (line: string) => void): Toolkit {
  return {
    info: () => undefined,
    warning: (m) => log(`warning: ${m}`),
    error: (m) => log(`error: ${m}`),
    notice: () => undefined,
    group: (_name, fn) => fn(),
    setOutput: () => undefined,
    appendSummary: async () => undefined,
    setFailed: () => undefined,
  };
}
