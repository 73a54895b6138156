// Startup and throughput of every ready variant, on head and (when given) on the PR's base commit,
// sampled interleaved, and the findings they make. measure-minutes is one budget for all of it.
import { join } from 'node:path';
import { comparePerformance, MIN_PAIRS } from '../domain/compare.js';
import { runsNeeded } from '../domain/multiplicity.js';
import { MIN_BENCHMARKS_TO_SPLIT } from '../domain/process-speed.js';
import { projectPackages } from '../domain/project.js';
import type {
  BenchmarkMetric,
  DecisionStatistics,
  Finding,
  Note,
  RatioSummary,
  StartupMetric,
  ThreadScaling,
} from '../domain/report.js';
import { threadScaling } from '../domain/thread-scaling.js';
import type { Variant } from '../domain/variants.js';
import type { ProcessRunner, Toolkit } from '../ports.js';
import { measureBenchmarks, type BenchmarkCrashes, type BenchmarkOutcome } from './benchmarks.js';
import { readProjectFiles } from './prepare.js';
import { measureStartup } from './startup.js';
import type { PlatformFacts } from '../domain/platform.js';

/** One interpreter + venv + project tree to measure: a variant on the head commit (or on base). */
export interface PerformanceSubject {
  readonly variant: Variant;
  /** The venv's python. */
  readonly python: string;
  /** Its exact version, from the probe: benchmark results from another interpreter are refused. */
  readonly pythonVersion?: string;
  readonly env: Readonly<Record<string, string>>;
  /** The project tree (the checkout, or the base commit's worktree). */
  readonly cwd: string;
}

/** How hard to sample; the defaults suit a pull request check, tests and the bench pass less. */
export interface SamplingPlan {
  readonly startupMinSamples: number;
  readonly startupMaxSamples: number;
  readonly startupWarmups: number;
  readonly benchmarkMinRuns: number;
  readonly benchmarkMaxRuns: number;
  readonly benchmarkWarmups: number;
  /** Share of measure-minutes the benchmarks leave to startup, which runs after them. */
  readonly startupReserve: number;
}

// Comparisons pair the samples of one round; MIN_PAIRS rounds are the fewest at which the paired
// test can reach p < 0.002 (with 9, even nine signs alike give p = 0.0039).
export const DEFAULT_SAMPLING: SamplingPlan = {
  startupMinSamples: 15,
  startupMaxSamples: 200,
  // One: the import check before sampling has already written the .pyc files.
  startupWarmups: 1,
  benchmarkMinRuns: MIN_PAIRS,
  // On a shared 2-core runner a few runs in twenty land on a busy core; cheap benchmarks may take
  // more runs to outvote them, and measure-minutes bounds the dear ones anyway.
  benchmarkMaxRuns: 30,
  benchmarkWarmups: 1,
  startupReserve: 0.3,
};

export interface PerformanceOptions {
  readonly runner: ProcessRunner;
  readonly toolkit: Toolkit;
  readonly head: readonly PerformanceSubject[];
  /** The same variants on the PR's base commit, when compare-base is on. */
  readonly base: readonly PerformanceSubject[];
  readonly reference: string;
  readonly threshold: number;
  readonly startupImports: readonly string[] | null;
  readonly startupCommand: string | null;
  readonly benchmarkCommand: string | null;
  readonly measureMinutes: number;
  /** Scratch folder for benchmark JSON files. */
  readonly workDir: string;
  /** Per command (command-timeout-minutes); 30 minutes when absent. */
  readonly timeoutMs?: number;
  readonly sampling?: Partial<SamplingPlan>;
  /** How the startup driver spawns and joins PYTHONPATH; the host's when absent. */
  readonly platform?: PlatformFacts;
}

export interface VariantPerformance {
  readonly startup: StartupMetric[];
  readonly benchmarks: BenchmarkMetric[];
  readonly base?: { readonly startup: StartupMetric[]; readonly benchmarks: BenchmarkMetric[] };
  /** Geometric mean of the benchmarks' ratios of medians, against the reference and against base. */
  readonly throughput?: {
    readonly vsReference: number | null;
    readonly vsBase: number | null;
    readonly benchmarks: number;
    /** Suites split by process speed: the processes' overall speeds compared (process-speed.ts). */
    readonly suite?: { readonly vsReference?: RatioSummary; readonly vsBase?: RatioSummary };
  };
  /** Its benchmarks that take a thread count, as curves (thread-scaling.ts). */
  readonly threadScaling?: readonly ThreadScaling[];
  /** Benchmark processes of this variant that died by a signal or a fatal error. */
  readonly benchmarkCrashes?: BenchmarkCrashes;
  readonly baseBenchmarkCrashes?: BenchmarkCrashes;
}

export interface PerformanceResult {
  readonly variants: ReadonlyMap<string, VariantPerformance>;
  /** Regressions and improvements, vs the reference and vs base. */
  readonly findings: readonly Finding[];
  /** How the comparisons were decided together; absent when nothing was compared. */
  readonly statistics?: DecisionStatistics;
  /** What was not measured, or not enough: for report.json and the comment, not only the log. */
  readonly notes: readonly Note[];
  /** Seconds spent sampling startup and benchmarks. */
  readonly seconds: { readonly startup: number; readonly benchmarks: number };
}

const keyOf = (subject: PerformanceSubject, side: 'head' | 'base'): string =>
  `${subject.variant.name}@${side}`;

export async function measurePerformance(options: PerformanceOptions): Promise<PerformanceResult> {
  const plan = { ...DEFAULT_SAMPLING, ...options.sampling };
  const { toolkit } = options;
  const started = Date.now();
  const budgetMs = options.measureMinutes * 60_000;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const precision = options.threshold / 5;
  // head and base of one variant side by side: ABBA then alternates exactly the pairs compared.
  const subjects = options.head.flatMap((head) => {
    const base = options.base.find((b) => b.variant.name === head.variant.name);
    return [
      { subject: head, key: keyOf(head, 'head') },
      ...(base ? [{ subject: base, key: keyOf(base, 'base') }] : []),
    ];
  });
  const first = options.head[0];
  if (!first) return { variants: new Map(), findings: [], notes: [], seconds: { startup: 0, benchmarks: 0 } };
  const notes: Note[] = [];
  // Each metric is compared with the reference (off it) and with base (where base is measured):
  // the family the correction works over grows with both, and so do the runs each needs.
  const referenceMeasured = options.head.some((h) => h.variant.name === options.reference);
  const perMetric =
    (referenceMeasured ? options.head.length - 1 : 0) +
    options.head.filter((h) => options.base.some((b) => b.variant.name === h.variant.name)).length;

  const imports = options.startupImports ?? projectPackages(readProjectFiles(first.cwd));
  const startupMetrics = 1 + imports.length + (options.startupCommand ? 1 : 0);
  const familyFor = (benchmarks: number): number => Math.max(1, (benchmarks + startupMetrics) * perMetric);
  let benchmarkCount = 0;
  // Benchmarks first, in all but startupReserve of the budget; startup, whose sampling stops by
  // itself once its medians are tight, then has whatever is left, so neither wastes the other's time.
  const benchmarks = options.benchmarkCommand
    ? await toolkit.group('Benchmarks', async () => {
        const outcome = await measureBenchmarks({
          runner: options.runner,
          subjects: subjects.map(({ subject, key }) => ({
            key,
            env: subject.env,
            cwd: subject.cwd,
            ...(subject.pythonVersion ? { pythonVersion: subject.pythonVersion } : {}),
          })),
          command: options.benchmarkCommand as string,
          minRuns: plan.benchmarkMinRuns,
          maxRuns: plan.benchmarkMaxRuns,
          precision,
          warmups: plan.benchmarkWarmups,
          deadline: started + budgetMs * (1 - plan.startupReserve),
          timeoutMs,
          workDir: join(options.workDir, 'benchmarks'),
          log: (line) => toolkit.info(line),
          warn: (line) => toolkit.warning(line),
          ...(options.platform ? { platform: options.platform } : {}),
          runsWanted: (count) => {
            benchmarkCount = count;
            // A suite that is split by process speed is decided by Mann-Whitney, a smaller one paired.
            const method = count >= MIN_BENCHMARKS_TO_SPLIT ? 'split' : 'paired';
            return Math.min(plan.benchmarkMaxRuns * 2, runsNeeded({ family: familyFor(count), method }));
          },
        });
        toolkit.info(`${outcome.runs} run(s) per subject, ${outcome.format ?? 'no'} results`);
        for (const [key, error] of outcome.failures) toolkit.warning(`${key}: ${error}`);
        notes.push(...benchmarkNotes({ outcome, command: options.benchmarkCommand as string }));
        return {
          metrics: withFailures(outcome.metrics, outcome.failures),
          crashes: outcome.crashes,
        };
      })
    : { metrics: new Map<string, BenchmarkMetric[]>(), crashes: new Map<string, BenchmarkCrashes>() };
  const benchmarkSeconds = (Date.now() - started) / 1000;

  const startupStarted = Date.now();
  const startup = await toolkit.group('Startup', async () => {
    const measured = await measureStartup({
      runner: options.runner,
      subjects: subjects.map(({ subject, key }) => ({
        key,
        python: subject.python,
        env: subject.env,
        cwd: subject.cwd,
        pair: subject.variant.name,
      })),
      imports,
      command: options.startupCommand,
      precision,
      minSamples: Math.min(
        plan.startupMaxSamples,
        Math.max(plan.startupMinSamples, runsNeeded({ family: familyFor(benchmarkCount) })),
      ),
      maxSamples: plan.startupMaxSamples,
      warmups: plan.startupWarmups,
      deadline: started + budgetMs,
      timeoutMs,
      driverPython: first.python,
      ...(options.platform ? { platform: options.platform } : {}),
      workDir: join(options.workDir, 'startup'),
      log: (line) => toolkit.info(line),
    });
    for (const [key, metrics] of measured) {
      for (const m of metrics) {
        toolkit.info(
          `${key}: ${m.name}: ${m.error ?? `${m.median?.toFixed(2)} ms median of ${m.samples.length}`}`,
        );
      }
    }
    return measured;
  });
  const startupSeconds = (Date.now() - startupStarted) / 1000;

  const side = (subject: PerformanceSubject, which: 'head' | 'base') => ({
    startup: startup.get(keyOf(subject, which)) ?? [],
    benchmarks: benchmarks.metrics.get(keyOf(subject, which)) ?? [],
  });
  const measured = options.head.map((head) => {
    const base = options.base.find((b) => b.variant.name === head.variant.name);
    return {
      variant: head.variant.name,
      head: side(head, 'head'),
      ...(base ? { base: side(base, 'base') } : {}),
    };
  });
  notes.push(...startupNotes({ startup, wanted: runsNeeded({ family: familyFor(benchmarkCount) }) }));
  notes.push(...coarseRounds({ metrics: benchmarks.metrics, threshold: options.threshold }));
  const compared = comparePerformance({
    variants: measured,
    reference: options.reference,
    threshold: options.threshold,
  });
  const scaling = threadScaling({
    variants: measured.map((m) => ({ variant: m.variant, benchmarks: m.head.benchmarks })),
    reference: options.reference,
    threshold: options.threshold,
  });
  const variants = new Map<string, VariantPerformance>();
  for (const m of measured) {
    const c = compared.variants.get(m.variant);
    const curves = scaling.get(m.variant);
    const head = options.head.find((h) => h.variant.name === m.variant)!;
    const crashed = benchmarks.crashes.get(keyOf(head, 'head'));
    const baseCrashed = benchmarks.crashes.get(keyOf(head, 'base'));
    variants.set(m.variant, {
      startup: c?.startup ?? m.head.startup,
      benchmarks: c?.benchmarks ?? m.head.benchmarks,
      ...(m.base ? { base: m.base } : {}),
      ...(c && options.benchmarkCommand ? { throughput: c.throughput } : {}),
      ...(curves ? { threadScaling: curves } : {}),
      ...(crashed ? { benchmarkCrashes: crashed } : {}),
      ...(baseCrashed ? { baseBenchmarkCrashes: baseCrashed } : {}),
    });
  }
  return {
    variants,
    findings: compared.findings,
    ...(compared.statistics.family > 0 ? { statistics: compared.statistics } : {}),
    notes,
    seconds: { startup: startupSeconds, benchmarks: benchmarkSeconds },
  };
}

/** A budget that could not afford the runs wanted, and subjects that gave no figures at all. */
function benchmarkNotes(options: { outcome: BenchmarkOutcome; command: string }): Note[] {
  const { outcome } = options;
  const notes: Note[] = [];
  const { fit, wanted } = outcome.plan;
  if (outcome.runs < wanted) {
    notes.push({
      kind: fit !== null && fit < wanted ? 'underpowered' : 'budget',
      message:
        fit !== null && fit < wanted
          ? `benchmarks: ${outcome.runs} run(s) per subject where ${wanted} are needed to detect a change of twice the threshold at the corrected significance; only ${fit} fit in measure-minutes`
          : `benchmarks: measure-minutes ran out after ${outcome.runs} run(s) per subject; ${wanted} were wanted`,
    });
  }
  for (const [key, error] of outcome.failures) {
    const [variant] = key.split('@');
    notes.push({
      kind: 'subject-dropped',
      message: `benchmarks under ${key.replace('@', ' on ')} gave no figures: ${error.slice(0, 300)}`,
      ...(variant ? { variant } : {}),
    });
  }
  return notes;
}

/**
 * Reading the clock costs tens of nanoseconds (perf_counter, 30-60 ns on the runners), and that
 * cost sits inside every round: against a round of a microsecond it is several percent, and it
 * pulls every ratio toward 1, so a 10% change reads as less and its noise as more. A round
 * shorter than TIMER_COST / (threshold / 5) leaves a change of the threshold within a fifth of it.
 */
const TIMER_COST_S = 50e-9;
const COARSE_SHOWN = 5;

export function coarseRounds(options: {
  metrics: ReadonlyMap<string, readonly BenchmarkMetric[]>;
  threshold: number;
}): Note[] {
  const shortest = TIMER_COST_S / (options.threshold / 5);
  const coarse = new Map<string, number>();
  for (const metric of [...options.metrics.values()].flat()) {
    if (metric.median === null || metric.error) continue;
    const round = metric.median * (metric.iterations ?? 1);
    if (round < shortest) coarse.set(metric.name, Math.min(round, coarse.get(metric.name) ?? round));
  }
  if (coarse.size === 0) return [];
  const names = [...coarse].sort(([, a], [, b]) => a - b);
  const shown = names
    .slice(0, COARSE_SHOWN)
    .map(([name, round]) => `${name} (${(round * 1e9).toFixed(0)} ns)`)
    .join(', ');
  const more = names.length > COARSE_SHOWN ? ` and ${names.length - COARSE_SHOWN} more` : '';
  return [
    {
      kind: 'timer-resolution',
      message: `${names.length} benchmark(s) time rounds shorter than ${(shortest * 1e6).toFixed(1)} µs, too short for the clock to tell a ${Math.round(options.threshold * 100)}% change reliably: ${shown}${more}. Time several calls per round (pytest-benchmark: a larger --benchmark-min-time, or benchmark.pedantic with iterations)`,
    },
  ];
}

/** Startup metrics that stopped short of the samples the family needs: the budget ran out. */
function startupNotes(options: { startup: ReadonlyMap<string, StartupMetric[]>; wanted: number }): Note[] {
  const counts = [...options.startup.values()]
    .flat()
    .filter((m) => !m.error)
    .map((m) => m.samples.length);
  if (counts.length === 0) return [];
  const fewest = Math.min(...counts);
  if (fewest >= options.wanted) return [];
  return [
    {
      kind: 'budget',
      message: `startup: measure-minutes ran out after ${fewest} sample(s) per metric; ${options.wanted} were wanted`,
    },
  ];
}

/** A subject whose command gave nothing gets an error metric for each benchmark the others ran. */
function withFailures(
  metrics: Map<string, BenchmarkMetric[]>,
  failures: ReadonlyMap<string, string>,
): Map<string, BenchmarkMetric[]> {
  const names = [...new Set([...metrics.values()].flat().map((m) => m.name))].sort();
  for (const [key, error] of failures) {
    const have = new Set((metrics.get(key) ?? []).map((m) => m.name));
    const missing = (names.length > 0 ? names : ['benchmark-command']).filter((n) => !have.has(n));
    metrics.set(key, [
      ...(metrics.get(key) ?? []),
      ...missing.map((name): BenchmarkMetric => ({ name, samples: [], median: null, unit: 's', error })),
    ]);
  }
  return metrics;
}
