// Throughput: the benchmark command run again and again for every subject (variant x head/base),
// the subjects in ABBA order (forward, then backward, round after round) so that drift of the
// machine falls on both sides of every comparison alike. One process gives one sample, its median
// round: rounds inside a process share its luck (its core, its memory layout, its neighbours), so
// they are not independent samples; the same code run twice here gave medians of 260 and 519 µs.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  parseBenchmarkResults,
  type BenchmarkFormat,
  type BenchmarkResults,
} from '../domain/benchmark-formats.js';
import { medianHalfWidth } from '../domain/compare.js';
import { wrongBenchmarkInterpreter } from '../domain/interpreter-check.js';
import type { BenchmarkMetric } from '../domain/report.js';
import { median } from '../domain/stats.js';
import type { ProcessRunner } from '../ports.js';

export interface BenchmarkSubject {
  /** Unique among the subjects, e.g. '3.13t@base'. */
  readonly key: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The variant's interpreter version: results written by another interpreter are refused. */
  readonly pythonVersion?: string;
}

export interface BenchmarkOptions {
  readonly runner: ProcessRunner;
  /** Ordered so that the two sides of a comparison sit next to each other (v1@head, v1@base, ...). */
  readonly subjects: readonly BenchmarkSubject[];
  /** `{json}` is replaced by a fresh path per run. */
  readonly command: string;
  readonly minRuns: number;
  readonly maxRuns: number;
  /** Runs stop early once every benchmark's median is known to within this fraction. */
  readonly precision: number;
  /** Rounds run first and thrown away; the first also tells a broken command before it is repeated. */
  readonly warmups: number;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly workDir: string;
  readonly log: (line: string) => void;
  readonly warn: (line: string) => void;
}

export interface BenchmarkOutcome {
  /** Per subject key: one metric per benchmark that gave figures, or errors. */
  readonly metrics: Map<string, BenchmarkMetric[]>;
  /** Per subject key: why the command gave nothing at all (every run failed). */
  readonly failures: Map<string, string>;
  readonly format: BenchmarkFormat | null;
  readonly runs: number;
}

interface SubjectState {
  readonly subject: BenchmarkSubject;
  readonly samples: Map<string, number[]>;
  readonly rounds: Map<string, number[]>;
  readonly params: Map<string, Readonly<Record<string, string>>>;
  failed?: string;
}

/** Runs the benchmark command in ABBA rounds until the medians are tight, maxRuns, or the deadline. */
export async function measureBenchmarks(options: BenchmarkOptions): Promise<BenchmarkOutcome> {
  mkdirSync(options.workDir, { recursive: true });
  let warned = warnAboutPyperf({ command: options.command, format: null, warn: options.warn });
  const states: SubjectState[] = options.subjects.map((subject) => ({
    subject,
    samples: new Map(),
    rounds: new Map(),
    params: new Map(),
  }));
  let format: BenchmarkFormat | null = null;
  const started = Date.now();
  let rounds = 0;
  let kept = 0;
  for (let round = 0; round < options.warmups + options.maxRuns; round++) {
    const perRound = rounds > 0 ? (Date.now() - started) / rounds : 0;
    if (Date.now() + perRound > options.deadline) {
      if (kept < options.minRuns) {
        options.warn(
          `benchmarks: measure-minutes ran out after ${kept} run(s) per variant; comparisons need ${options.minRuns} to be conclusive`,
        );
      }
      break;
    }
    const order = round % 2 === 0 ? states : [...states].reverse();
    for (const state of order) {
      if (state.failed !== undefined) continue;
      const outcome = await runOnce({ options, subject: state.subject, run: `${round}` });
      if ('error' in outcome) {
        // A command that fails from the start would fail the same way every round.
        if (round === 0 || state.samples.size === 0) state.failed = outcome.error;
        else options.log(`${state.subject.key}: run ${round} gave no results: ${outcome.error}`);
        continue;
      }
      if (format === null) {
        format = outcome.results.format;
        if (!warned) warned = warnAboutPyperf({ command: options.command, format, warn: options.warn });
      }
      if (round < options.warmups) continue;
      for (const b of outcome.results.benchmarks) {
        state.samples.set(b.name, [...(state.samples.get(b.name) ?? []), b.median]);
        state.rounds.set(b.name, [...(state.rounds.get(b.name) ?? []), round - options.warmups]);
        if (b.params) state.params.set(b.name, b.params);
      }
    }
    rounds++;
    if (round >= options.warmups) kept++;
    const live = states.filter((s) => s.failed === undefined);
    if (live.length === 0) break;
    if (
      kept >= options.minRuns &&
      live.every((s) => [...s.samples.values()].every((xs) => medianHalfWidth(xs) <= options.precision))
    ) {
      break;
    }
  }
  const metrics = new Map<string, BenchmarkMetric[]>();
  const failures = new Map<string, string>();
  for (const state of states) {
    if (state.failed !== undefined) failures.set(state.subject.key, state.failed);
    metrics.set(
      state.subject.key,
      [...state.samples].map(([name, samples]): BenchmarkMetric => {
        const params = state.params.get(name);
        return {
          name,
          samples,
          rounds: state.rounds.get(name) ?? [],
          median: median(samples),
          unit: 's',
          ...(params ? { params } : {}),
        };
      }),
    );
  }
  return { metrics, failures, format, runs: kept };
}

async function runOnce(context: {
  options: BenchmarkOptions;
  subject: BenchmarkSubject;
  run: string;
}): Promise<{ results: BenchmarkResults } | { error: string }> {
  const { options, subject } = context;
  const path = join(options.workDir, `${subject.key.replace(/[^A-Za-z0-9.]+/g, '_')}-${context.run}.json`);
  // pyperf refuses to write over a file; a stale one would be read as this run's.
  for (const p of [path, `${path}.gz`]) rmSync(p, { force: true });
  const result = await options.runner.run({
    argv: ['bash', '-c', options.command.replaceAll('{json}', shellQuote(path))],
    cwd: subject.cwd,
    env: subject.env,
    timeoutMs: options.timeoutMs,
    outputLimitBytes: 256 * 1024,
  });
  // pyperf compresses when the name ends in .gz, so `-o {json}.gz` is a fair way to write it.
  const written = [path, `${path}.gz`].find((p) => existsSync(p));
  const how = result.timedOut
    ? 'timed out'
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with ${result.exitCode}`;
  if (!written) {
    const why = result.exitCode === 0 ? 'exited with 0 but wrote nothing to {json}' : how;
    return { error: `the benchmark command ${why}: ${tail(`${result.stdout}\n${result.stderr}`)}` };
  }
  try {
    const raw = readFileSync(written);
    // By content, not name: gzip's magic number.
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const results = parseBenchmarkResults(text, 'the {json} file');
    const ranOn = results.interpreter;
    if (
      subject.pythonVersion !== undefined &&
      ranOn !== undefined &&
      ranOn.version !== subject.pythonVersion
    ) {
      // Figures from another interpreter are worse than none (`uv run`, tox, `python3.12 -m pytest`).
      return { error: wrongBenchmarkInterpreter({ expected: subject.pythonVersion, ran: ranOn }) };
    }
    // A failing command still wrote the benchmarks that passed; the rest show up as missing.
    if (result.exitCode !== 0)
      options.log(`${subject.key}: the benchmark command ${how}; using the results it wrote`);
    return { results };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * pyperf runs each benchmark in worker processes that get a scrubbed environment: without
 * `--inherit-environ=PYTHON_JIT,PYTHON_GIL` the +jit variant's workers run with the JIT off.
 */
export function warnAboutPyperf(options: {
  command: string;
  format: BenchmarkFormat | null;
  warn: (line: string) => void;
}): boolean {
  const usesPyperf = options.format === 'pyperf' || /\bpyperf(ormance)?\b/.test(options.command);
  if (!usesPyperf) return false;
  const inherited = /--inherit-environ[= ]\s*(\S+)/.exec(options.command)?.[1] ?? '';
  const missing = ['PYTHON_JIT', 'PYTHON_GIL'].filter((name) => !inherited.split(',').includes(name));
  if (missing.length === 0) return false;
  options.warn(
    `benchmark-command runs pyperf without --inherit-environ=${missing.join(',')}: its workers do not see ${missing.join(' and ')}, so the variants' settings (the JIT switched on, the GIL as the user set it) do not reach the benchmark. Add --inherit-environ=PYTHON_JIT,PYTHON_GIL.`,
  );
  return true;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n').slice(-600);
}
