// Throughput: the benchmark command run again and again for every subject (variant x head/base),
// the subjects in ABBA order (forward, then backward, round after round) so that drift of the
// machine falls on both sides of every comparison alike. One process gives one sample, its figure
// (pytest-benchmark: its fastest round; see ParsedBenchmark.figure): rounds inside a process share
// its luck (its core, its memory layout, its neighbours), so they are not independent samples; the
// same code run twice here gave medians of 260 and 519 µs.
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
import { classifyProcessEnd, describeExitCode } from '../domain/crash.js';
import type { PlatformFacts } from '../domain/platform.js';
import { hostFacts } from '../host-facts.js';
import { median, mulberry32 } from '../domain/stats.js';
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
  /**
   * Runs per subject the comparisons need, given how many benchmarks the first round found (the
   * family correction asks more of each comparison as the suite grows). minRuns when absent.
   */
  readonly runsWanted?: (benchmarks: number) => number;
  /** Seeds the per-run randomisation; fixed in tests, the clock otherwise. */
  readonly seed?: number;
  /** How a crash shows in an exit code (Windows: an NTSTATUS); the host's when absent. */
  readonly platform?: PlatformFacts;
}

export interface BenchmarkOutcome {
  /** Per subject key: one metric per benchmark that gave figures, or errors. */
  readonly metrics: Map<string, BenchmarkMetric[]>;
  /** Per subject key: why the command gave nothing at all (every run failed). */
  readonly failures: Map<string, string>;
  readonly format: BenchmarkFormat | null;
  readonly runs: number;
  /** Per subject key: benchmark processes that died by a signal or a fatal error. */
  readonly crashes: Map<string, BenchmarkCrashes>;
  /** Runs per subject the budget afforded after the first round was timed, and the runs wanted. */
  readonly plan: { readonly fit: number | null; readonly wanted: number };
}

/** The crashed runs of one subject's benchmark command: a crash finding, not a missing benchmark. */
export interface BenchmarkCrashes {
  readonly signal: string | null;
  readonly fatalError: string | null;
  /** Runs that crashed, of the runs tried. */
  readonly crashed: number;
  readonly tried: number;
  readonly excerpt: string;
}

interface SubjectState {
  readonly subject: BenchmarkSubject;
  readonly samples: Map<string, number[]>;
  readonly rounds: Map<string, number[]>;
  readonly params: Map<string, Readonly<Record<string, string>>>;
  readonly iterations: Map<string, number>;
  failed?: string;
  /** Runs that gave no results in a row: a subject stops only when it never gave any. */
  failures: number;
  successes: number;
  tried: number;
  crash?: Omit<BenchmarkCrashes, 'tried'>;
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
    iterations: new Map(),
    failures: 0,
    successes: 0,
    tried: 0,
  }));
  const benchmarkNames = new Set<string>();
  let format: BenchmarkFormat | null = null;
  const started = Date.now();
  let kept = 0;
  // How many runs the comparisons need and how many the budget affords are known once the first
  // round is timed: say it then, before the budget is spent, not after.
  let minRuns = options.minRuns;
  let maxRuns = options.maxRuns;
  let fit: number | null = null;
  const random = mulberry32(options.seed ?? Date.now());
  for (let round = 0; round < options.warmups + maxRuns; round++) {
    const roundStarted = Date.now();
    const perRound = round > 0 ? (roundStarted - started) / round : 0;
    if (roundStarted + perRound > options.deadline) {
      if (kept < minRuns) {
        options.warn(
          `benchmarks: measure-minutes ran out after ${kept} run(s) per subject; the comparisons need ${minRuns}`,
        );
      }
      break;
    }
    const order = round % 2 === 0 ? states : [...states].reverse();
    for (const state of order) {
      if (state.failed !== undefined) continue;
      const outcome = await runOnce({ options, subject: state.subject, run: `${round}`, random });
      state.tried++;
      if (outcome.crash) {
        const seen = state.crash;
        state.crash = {
          signal: seen?.signal ?? outcome.crash.signal,
          fatalError: seen?.fatalError ?? outcome.crash.fatalError,
          crashed: (seen?.crashed ?? 0) + 1,
          excerpt: seen?.excerpt ?? outcome.crash.excerpt,
        };
      }
      if ('error' in outcome) {
        state.failures++;
        // A command that never gives results would fail the same way every round; one that did
        // (or may: a crash now and then) keeps the runs it has and is tried again.
        if (state.successes === 0 && state.failures >= 2) state.failed = outcome.error;
        else options.log(`${state.subject.key}: run ${round} gave no results: ${outcome.error}`);
        continue;
      }
      state.successes++;
      if (format === null) {
        format = outcome.results.format;
        if (!warned) warned = warnAboutPyperf({ command: options.command, format, warn: options.warn });
      }
      if (round < options.warmups) continue;
      for (const b of outcome.results.benchmarks) {
        state.samples.set(b.name, [...(state.samples.get(b.name) ?? []), b.figure]);
        state.rounds.set(b.name, [...(state.rounds.get(b.name) ?? []), round - options.warmups]);
        if (b.params) state.params.set(b.name, b.params);
        if (b.iterations !== undefined) state.iterations.set(b.name, b.iterations);
        benchmarkNames.add(b.name);
      }
    }
    if (round >= options.warmups) kept++;
    if (fit === null && benchmarkNames.size > 0 && round >= options.warmups - 1) {
      const roundMs = Math.max(1, Date.now() - roundStarted);
      fit = kept + Math.max(0, Math.floor((options.deadline - Date.now()) / roundMs));
      const wanted = options.runsWanted?.(benchmarkNames.size) ?? minRuns;
      minRuns = Math.max(minRuns, wanted);
      maxRuns = Math.max(maxRuns, wanted);
      options.log(
        `benchmarks: one round of ${states.length} subject(s) took ${(roundMs / 1000).toFixed(1)} s; ${fit} run(s) fit in measure-minutes, ${minRuns} wanted`,
      );
      if (fit < minRuns)
        options.warn(underpowered({ fit, wanted: minRuns, roundMs, command: options.command }));
    }
    const live = states.filter((s) => s.failed === undefined);
    if (live.length === 0) break;
    if (
      kept >= minRuns &&
      live.every((s) => [...s.samples.values()].every((xs) => medianHalfWidth(xs) <= options.precision))
    ) {
      break;
    }
  }
  const metrics = new Map<string, BenchmarkMetric[]>();
  const failures = new Map<string, string>();
  const crashes = new Map<string, BenchmarkCrashes>();
  for (const state of states) {
    if (state.failed !== undefined) failures.set(state.subject.key, state.failed);
    if (state.crash) crashes.set(state.subject.key, { ...state.crash, tried: state.tried });
    metrics.set(
      state.subject.key,
      [...state.samples].map(([name, samples]): BenchmarkMetric => {
        const params = state.params.get(name);
        const iterations = state.iterations.get(name);
        return {
          name,
          samples,
          rounds: state.rounds.get(name) ?? [],
          median: median(samples),
          unit: 's',
          ...(params ? { params } : {}),
          ...(iterations !== undefined ? { iterations } : {}),
        };
      }),
    );
  }
  return { metrics, failures, format, runs: kept, crashes, plan: { fit, wanted: minRuns } };
}

type RunOutcome = ({ results: BenchmarkResults } | { error: string }) & {
  crash?: { signal: string | null; fatalError: string | null; excerpt: string };
};

/**
 * What a run that does not fit says, and what would make it fit: a shorter run (many short
 * processes decide sooner than a few long ones) or a larger budget.
 */
export function underpowered(options: {
  fit: number;
  wanted: number;
  roundMs: number;
  command: string;
}): string {
  const minutes = Math.ceil((options.wanted * options.roundMs) / 60_000 + 1);
  const pytestBenchmark = /pytest\b/.test(options.command) && !/--benchmark-max-time/.test(options.command);
  const shorter = pytestBenchmark
    ? 'add --benchmark-max-time=0.05 (or --benchmark-min-rounds=5) to benchmark-command so one run is shorter'
    : 'make one run of benchmark-command shorter';
  return `benchmarks: only ${options.fit} run(s) per subject fit in measure-minutes, and ${options.wanted} are needed to detect a change of twice the threshold at the corrected significance: ${shorter}, or raise measure-minutes to about ${minutes}`;
}

/**
 * Setup that cannot be made equal between two sides (the tree's path, the venv's) can still shift
 * the start of the stack and of the heap the same way in every process of one side, which turns
 * one side's benchmarks bimodal in step. An environment variable of random length per run moves
 * the stack by a random amount in every process, so such a bias becomes noise the tests see.
 */
const MAX_PAD = 4096;

async function runOnce(context: {
  options: BenchmarkOptions;
  subject: BenchmarkSubject;
  run: string;
  random: () => number;
}): Promise<RunOutcome> {
  const { options, subject } = context;
  const os = (options.platform ?? hostFacts()).os;
  // A random-length name too: the {json} path is in argv, which sits on the stack.
  const salt = 'x'.repeat(Math.floor(context.random() * 64));
  const path = join(
    options.workDir,
    `${subject.key.replace(/[^A-Za-z0-9.]+/g, '_')}-${context.run}${salt ? `-${salt}` : ''}.json`,
  );
  // pyperf refuses to write over a file; a stale one would be read as this run's.
  for (const p of [path, `${path}.gz`]) rmSync(p, { force: true });
  const result = await options.runner.run({
    argv: ['bash', '-c', options.command.replaceAll('{json}', shellQuote(path))],
    cwd: subject.cwd,
    env: { ...subject.env, CPV_PAD: 'x'.repeat(Math.floor(context.random() * MAX_PAD)) },
    timeoutMs: options.timeoutMs,
    outputLimitBytes: 256 * 1024,
  });
  // pyperf compresses when the name ends in .gz, so `-o {json}.gz` is a fair way to write it.
  const written = [path, `${path}.gz`].find((p) => existsSync(p));
  const how = result.timedOut
    ? 'timed out'
    : result.signal
      ? `was killed by ${result.signal}`
      : describeExitCode(result.exitCode, os);
  const output = `${result.stdout}\n${result.stderr}`;
  const end = classifyProcessEnd({
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    output,
    platform: os,
  });
  const crash =
    end.kind === 'crashed'
      ? { crash: { signal: end.signal, fatalError: end.fatalError, excerpt: tail(output) } }
      : {};
  if (!written) {
    const why = result.exitCode === 0 ? 'exited with 0 but wrote nothing to {json}' : how;
    return { error: `the benchmark command ${why}: ${tail(output)}`, ...crash };
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
    return { results, ...crash };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), ...crash };
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
