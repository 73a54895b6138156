// The scale bench's simulated pull requests: random draws of real benchmark processes, fed to the
// action's own decision (comparePerformance, then verdict with fail-on `regression`), so the
// figures follow whatever compare.ts decides today. Pure: data in, counts out.
//
// A draw takes whole ABBA rounds: the runs of every subject (variant x head/base) that ran side by
// side in one round of the real measurement. So a simulated pull request keeps what its real
// counterpart would have: head's runs come from real head processes and base's from real base
// processes (never pooled, so a bias between the two trees stays in), a pair shares its moment of
// the machine as the paired test expects, and the benchmarks of one process share its luck.
import { comparePerformance, type MeasuredVariant } from '../src/domain/compare.js';
import { verdict } from '../src/domain/findings.js';
import { normalizeByProcessSpeed, type ProcessTimings } from '../src/domain/process-speed.js';
import type { BenchmarkMetric, Finding } from '../src/domain/report.js';
import { median, mulberry32, quantile } from '../src/domain/stats.js';

/** Per benchmark: one value per process (its median, seconds per iteration) and its ABBA round. */
export type SubjectSamples = Record<string, { samples: number[]; rounds: number[] }>;

/** What scale-measure.ts saves (and `--from FILE` reads back). */
export interface ScaleSamples {
  readonly schema: 'cpv-bench-scale/1';
  readonly measuredAt: string;
  readonly variants: readonly string[];
  readonly reference: string;
  readonly command: string;
  readonly runs: number;
  readonly secondsPerProcess: number;
  /** By subject key, `${variant}@head` or `${variant}@base`. */
  readonly subjects: Record<string, SubjectSamples>;
  /** Per variant and benchmark: the median time of one round, seconds. */
  readonly roundSeconds: Record<string, Record<string, number>>;
  readonly timerResolution: Record<string, { declared: number; smallestStep: number }>;
  /** Per subject and benchmark, each kept process's rounds (by kept round), where saved. */
  readonly roundData?: Record<string, Record<string, number[][]>>;
}

/** A per-process figure computed from its rounds, to try against the median the action keeps. */
export type ProcessStatistic = (rounds: readonly number[]) => number;

/** The per-process figures the bench can compare (CPV_SCALE_STATISTICS). */
export const PROCESS_STATISTICS: Readonly<Record<string, ProcessStatistic>> = {
  median: (xs) => median(xs),
  min: (xs) => quantile(xs, 0),
  q10: (xs) => quantile(xs, 0.1),
  q25: (xs) => quantile(xs, 0.25),
  lowhalf: (xs) => {
    const low = [...xs].sort((a, b) => a - b).slice(0, Math.max(1, Math.ceil(xs.length / 2)));
    return low.reduce((a, b) => a + b, 0) / low.length;
  },
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
};

export type DrawMode = 'with-replacement' | 'without-replacement';

export interface SimulationOptions {
  readonly data: ScaleSamples;
  /** Runs a side, as the action would get them. */
  readonly runsPerSide: number;
  readonly prs: number;
  readonly threshold: number;
  readonly seed: number;
  readonly draw: DrawMode;
  /** Slow down `count` benchmarks (drawn afresh per pull request) by `factor` on head. */
  readonly inject?: { readonly count: number; readonly factor: number };
  /** The per-process figure, from the saved rounds; without it, the median the action kept. */
  readonly statistic?: ProcessStatistic;
}

export interface SimulationResult {
  readonly prs: number;
  readonly runsPerSide: number;
  /** Pull requests whose verdict, with fail-on `regression`, is fail. */
  readonly failedGate: number;
  /** Pull requests with at least one head-vs-base regression that was not injected. */
  readonly withFalseRegression: number;
  /** Head-vs-base regressions of benchmarks that were not injected, over all pull requests. */
  readonly falseRegressions: number;
  readonly falseImprovements: number;
  /** Injected slowdowns (benchmark x variant) and how many came out as head-vs-base regressions. */
  readonly injected: { readonly total: number; readonly caught: number };
}

const key = (variant: string, side: 'head' | 'base'): string => `${variant}@${side}`;

/** The benchmarks every subject has figures for: the ones a simulated pull request compares. */
export function commonBenchmarks(data: ScaleSamples): string[] {
  const keys = data.variants.flatMap((v) => [key(v, 'head'), key(v, 'base')]);
  const [first, ...rest] = keys.map((k) => new Set(Object.keys(data.subjects[k] ?? {})));
  return [...(first ?? [])].filter((name) => rest.every((s) => s.has(name))).sort();
}

/** Per subject and benchmark, its value in each real round (NaN where that run gave none). */
function byRound(
  data: ScaleSamples,
  names: readonly string[],
  statistic?: ProcessStatistic,
): { rounds: number; table: Map<string, Float64Array[]> } {
  if (statistic && !data.roundData) throw new Error('these samples were saved without their rounds');
  const all = new Set<number>();
  for (const subject of Object.values(data.subjects)) {
    for (const { rounds } of Object.values(subject)) for (const r of rounds) all.add(r);
  }
  const order = [...all].sort((a, b) => a - b);
  const position = new Map(order.map((r, i) => [r, i]));
  const table = new Map<string, Float64Array[]>();
  for (const [subjectKey, subject] of Object.entries(data.subjects)) {
    table.set(
      subjectKey,
      names.map((name) => {
        const values = new Float64Array(order.length).fill(Number.NaN);
        const { samples, rounds } = subject[name] ?? { samples: [], rounds: [] };
        const raw = data.roundData?.[subjectKey]?.[name];
        rounds.forEach((r, i) => {
          const own = statistic ? raw?.[r] : undefined;
          values[position.get(r)!] = statistic
            ? own && own.length > 0
              ? statistic(own)
              : Number.NaN
            : samples[i]!;
        });
        return values;
      }),
    );
  }
  return { rounds: order.length, table };
}

function drawRounds(options: {
  random: () => number;
  from: number;
  count: number;
  draw: DrawMode;
}): number[] {
  const { random, from, count } = options;
  if (options.draw === 'with-replacement') {
    return Array.from({ length: count }, () => Math.floor(random() * from));
  }
  if (count > from) throw new RangeError(`cannot draw ${count} of ${from} rounds without replacement`);
  const pool = Array.from({ length: from }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (from - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

function sideMetrics(options: {
  columns: readonly Float64Array[];
  names: readonly string[];
  picks: readonly number[];
  slowed: ReadonlySet<string>;
  factor: number;
}): BenchmarkMetric[] {
  return options.names.map((name, b) => {
    const samples: number[] = [];
    const rounds: number[] = [];
    const factor = options.slowed.has(name) ? options.factor : 1;
    options.picks.forEach((pick, simulatedRound) => {
      const value = options.columns[b]![pick]!;
      if (Number.isNaN(value)) return;
      samples.push(value * factor);
      rounds.push(simulatedRound);
    });
    return { name, samples, rounds, median: samples.length > 0 ? median(samples) : null, unit: 's' };
  });
}

/** Same-code (or, with `inject`, slowed-down) pull requests drawn from the real runs. */
export function simulatePullRequests(options: SimulationOptions): SimulationResult {
  const { data } = options;
  const names = commonBenchmarks(data);
  const { rounds, table } = byRound(data, names, options.statistic);
  const random = mulberry32(options.seed);
  const failOn = new Set(['regression'] as const);
  let failedGate = 0;
  let withFalseRegression = 0;
  let falseRegressions = 0;
  let falseImprovements = 0;
  let injectedTotal = 0;
  let caught = 0;
  for (let pr = 0; pr < options.prs; pr++) {
    const picks = drawRounds({ random, from: rounds, count: options.runsPerSide, draw: options.draw });
    const slowed = new Set(
      options.inject
        ? drawRounds({
            random,
            from: names.length,
            count: options.inject.count,
            draw: 'without-replacement',
          }).map((i) => names[i]!)
        : [],
    );
    const factor = options.inject?.factor ?? 1;
    const variants: MeasuredVariant[] = data.variants.map((variant) => ({
      variant,
      head: {
        startup: [],
        benchmarks: sideMetrics({ columns: table.get(key(variant, 'head'))!, names, picks, slowed, factor }),
      },
      base: {
        startup: [],
        benchmarks: sideMetrics({
          columns: table.get(key(variant, 'base'))!,
          names,
          picks,
          slowed,
          factor: 1,
        }),
      },
    }));
    const { findings } = comparePerformance({
      variants,
      reference: data.reference,
      threshold: options.threshold,
    });
    const vsBase = findings.filter((f: Finding) => f.against === 'base' && f.metric === 'throughput');
    const regressions = vsBase.filter((f) => f.kind === 'regression');
    const falseOnes = regressions.filter((f) => !slowed.has(f.name ?? ''));
    falseRegressions += falseOnes.length;
    falseImprovements += vsBase.filter((f) => f.kind === 'improvement').length;
    if (falseOnes.length > 0) withFalseRegression++;
    injectedTotal += slowed.size * data.variants.length;
    caught += regressions.filter((f) => slowed.has(f.name ?? '')).length;
    const decided = verdict({ findings, failOn, optionalVariants: new Set() });
    if (decided.verdict === 'fail') failedGate++;
  }
  return {
    prs: options.prs,
    runsPerSide: options.runsPerSide,
    failedGate,
    withFalseRegression,
    falseRegressions,
    falseImprovements,
    injected: { total: injectedTotal, caught },
  };
}

export interface BiasRow {
  readonly variant: string;
  readonly name: string;
  /** Median of all head runs over median of all base runs. */
  readonly ratio: number;
}

export interface BiasReport {
  /** Every benchmark's head/base ratio of medians over all runs, the furthest from 1 first. */
  readonly rows: readonly BiasRow[];
  /** Per variant: benchmarks whose head median is the larger, of how many. */
  readonly headSlower: Record<string, { slower: number; of: number }>;
  /** What the action decides on all the runs at once: head-vs-base findings. */
  readonly flagged: readonly Finding[];
}

/**
 * A bias detector: same code on both sides, so every ratio should sit near 1 and about half of
 * them above it. A tree, venv or launch that favours one side shows as ratios leaning one way.
 */
export function biasReport(options: { data: ScaleSamples; threshold: number }): BiasReport {
  const { data } = options;
  const names = commonBenchmarks(data);
  const metric = (subject: string, name: string): BenchmarkMetric => {
    const { samples, rounds } = data.subjects[subject]![name]!;
    return { name, samples, rounds, median: median(samples), unit: 's' };
  };
  const rows: BiasRow[] = [];
  const headSlower: Record<string, { slower: number; of: number }> = {};
  for (const variant of data.variants) {
    let slower = 0;
    for (const name of names) {
      const ratio =
        median(data.subjects[key(variant, 'head')]![name]!.samples) /
        median(data.subjects[key(variant, 'base')]![name]!.samples);
      if (ratio > 1) slower++;
      rows.push({ variant, name, ratio });
    }
    headSlower[variant] = { slower, of: names.length };
  }
  rows.sort((a, b) => Math.abs(Math.log(b.ratio)) - Math.abs(Math.log(a.ratio)));
  const { findings } = comparePerformance({
    variants: data.variants.map((variant) => ({
      variant,
      head: { startup: [], benchmarks: names.map((n) => metric(key(variant, 'head'), n)) },
      base: { startup: [], benchmarks: names.map((n) => metric(key(variant, 'base'), n)) },
    })),
    reference: data.reference,
    threshold: options.threshold,
  });
  const flagged = findings.filter(
    (f) => f.against === 'base' && (f.kind === 'regression' || f.kind === 'improvement'),
  );
  return { rows, headSlower, flagged };
}

export interface TimerRow {
  readonly variant: string;
  readonly name: string;
  readonly roundSeconds: number;
  /** Round time over the timer's resolution. */
  readonly ticks: number;
}

// A 10% change in a round of fewer than this many timer steps is within a step or two of rounding.
export const MIN_TICKS = 100;

/** Per variant and benchmark, a round's time in timer steps: those under MIN_TICKS are flagged. */
export function timerReport(data: ScaleSamples): { rows: TimerRow[]; resolution: Record<string, number> } {
  const rows: TimerRow[] = [];
  const resolution: Record<string, number> = {};
  for (const variant of data.variants) {
    const timer = data.timerResolution[variant];
    const step = Math.max(timer?.declared ?? 0, timer?.smallestStep ?? 0);
    resolution[variant] = step;
    for (const [name, roundSeconds] of Object.entries(data.roundSeconds[variant] ?? {})) {
      rows.push({
        variant,
        name,
        roundSeconds,
        ticks: step > 0 ? roundSeconds / step : Number.POSITIVE_INFINITY,
      });
    }
  }
  rows.sort((a, b) => a.ticks - b.ticks);
  return { rows, resolution };
}

/**
 * How far apart a change of `factor` sets the two sides, on this noise: per variant, the figures
 * with each process's speed taken out as the action takes it out (normalizeByProcessSpeed), the
 * share of (head, base) pairs of one benchmark in which head slowed by `factor` still comes out
 * the larger: the Mann-Whitney AUC that runsNeeded assumes. Averaged over benchmarks and variants.
 */
export function shiftAuc(options: {
  data: ScaleSamples;
  factor: number;
  statistic?: ProcessStatistic;
}): number {
  const { data } = options;
  const names = commonBenchmarks(data);
  const { table } = byRound(data, names, options.statistic);
  // Every real run as one process of its side, its NaNs (no figure) left out.
  const timings = (subject: string): ProcessTimings[] =>
    names.map((name, b) => {
      const samples: number[] = [];
      const rounds: number[] = [];
      table.get(subject)![b]!.forEach((value, round) => {
        if (Number.isNaN(value)) return;
        samples.push(value);
        rounds.push(round);
      });
      return { name, samples, rounds };
    });
  const shift = Math.log(options.factor);
  let total = 0;
  let count = 0;
  for (const variant of data.variants) {
    const sides = normalizeByProcessSpeed({
      candidate: timings(key(variant, 'head')),
      baseline: timings(key(variant, 'base')),
    });
    for (const { candidate, baseline } of sides?.benchmarks.values() ?? []) {
      let above = 0;
      for (const h of candidate)
        for (const x of baseline) above += h + shift > x ? 1 : h + shift === x ? 0.5 : 0;
      total += above / (candidate.length * baseline.length);
      count++;
    }
  }
  return count === 0 ? Number.NaN : total / count;
}
