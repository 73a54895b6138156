// From timings to findings: every variant against the reference variant (the cost of that build)
// and against itself on the PR's base commit (what the PR did).
//
// Samples come in rounds: every subject (variant x head/base) once a round, a variant's head and
// base back to back (ABBA). Where two sides share at least MIN_PAIRS rounds the comparison is
// paired, round by round (comparePairs), because on a shared runner most of the noise is the
// moment and the core a process gets, which a pair shares: simulated with that noise (drift sigma
// 0.25, own sigma 0.08, 10 rounds), a 35% slowdown is caught 94% of the time paired and 11%
// unpaired, with no false alarm either way. With fewer pairs compareSamples decides (Mann-Whitney,
// bootstrap). Either way a change is reported only when it is at least the threshold AND the
// evidence says so; anything else is "unchanged" or "inconclusive", never a finding.
import type { BenchmarkMetric, Finding, RatioSummary, StartupMetric } from './report.js';
import {
  compareSamples,
  DEFAULT_ALPHA,
  DEFAULT_CONFIDENCE,
  geometricMean,
  median,
  type Comparison,
} from './stats.js';

export interface MeasuredSide {
  readonly startup: readonly StartupMetric[];
  readonly benchmarks: readonly BenchmarkMetric[];
}

export interface MeasuredVariant {
  readonly variant: string;
  readonly head: MeasuredSide;
  /** The same interpreter on the PR's base commit, when it was measured. */
  readonly base?: MeasuredSide;
}

export interface ComparePerformanceOptions {
  readonly variants: readonly MeasuredVariant[];
  readonly reference: string;
  /** 0.10 for 10%. */
  readonly threshold: number;
  /** Significance level of the Mann-Whitney and signed-rank tests; compareSamples' default when absent. */
  readonly alpha?: number;
}

type Against = 'reference' | 'base';

export interface ComparedVariant {
  /** The head metrics with vsReference / vsBase filled in. */
  readonly startup: StartupMetric[];
  readonly benchmarks: BenchmarkMetric[];
  /**
   * Geometric mean over benchmarks of their changes (RatioSummary.ratio): one "x times slower" for
   * the whole suite, symmetric in direction. null where no benchmark has figures on both sides.
   */
  readonly throughput: {
    readonly vsReference: number | null;
    readonly vsBase: number | null;
    readonly benchmarks: number;
  };
}

export interface PerformanceComparison {
  readonly variants: ReadonlyMap<string, ComparedVariant>;
  readonly findings: readonly Finding[];
}

export function comparePerformance(options: ComparePerformanceOptions): PerformanceComparison {
  const reference = options.variants.find((v) => v.variant === options.reference);
  const findings: Finding[] = [];
  const variants = new Map<string, ComparedVariant>();
  const decide = (candidate: Timed, baseline: Timed): RatioSummary | undefined =>
    compareTimings({ candidate, baseline, threshold: options.threshold, alpha: options.alpha });

  for (const measured of options.variants) {
    const againstReference = reference && reference !== measured ? reference.head : undefined;
    const sides: readonly { against: Against; baseline: MeasuredSide | undefined }[] = [
      { against: 'reference', baseline: againstReference },
      { against: 'base', baseline: measured.base },
    ];
    const startup = measured.head.startup.map((metric) => {
      let compared: StartupMetric = metric;
      for (const { against, baseline } of sides) {
        const other = baseline?.startup.find((m) => m.kind === metric.kind && m.name === metric.name);
        const summary = other ? decide(metric, other) : undefined;
        if (!summary || !other) continue;
        compared = { ...compared, [against === 'reference' ? 'vsReference' : 'vsBase']: summary };
        const finding = timingFinding({
          variant: measured.variant,
          against,
          metric: 'startup',
          name: metric.name,
          summary,
          unit: 'samples',
          hint: against === 'base' ? movedModules(metric, other) : '',
        });
        if (finding) findings.push(finding);
      }
      return compared;
    });

    const ratios: Record<Against, number[]> = { reference: [], base: [] };
    const benchmarks = measured.head.benchmarks.map((metric) => {
      let compared: BenchmarkMetric = metric;
      for (const { against, baseline } of sides) {
        const other = baseline?.benchmarks.find((m) => m.name === metric.name);
        const summary = other && !metric.error && !other.error ? decide(metric, other) : undefined;
        if (!summary || !other) continue;
        compared = { ...compared, [against === 'reference' ? 'vsReference' : 'vsBase']: summary };
        ratios[against].push(summary.ratio);
        const finding = timingFinding({
          variant: measured.variant,
          against,
          metric: 'throughput',
          name: metric.name,
          summary,
          unit: 'runs',
          hint: '',
        });
        if (finding) findings.push(finding);
      }
      return compared;
    });
    findings.push(...missingBenchmarks({ measured, reference: againstReference, all: options.variants }));
    variants.set(measured.variant, {
      startup,
      benchmarks,
      throughput: {
        vsReference: ratios.reference.length > 0 ? geometricMean(ratios.reference) : null,
        vsBase: ratios.base.length > 0 ? geometricMean(ratios.base) : null,
        benchmarks: measured.head.benchmarks.filter((b) => !b.error && b.samples.length > 0).length,
      },
    });
  }
  return { variants, findings };
}

export interface Timed {
  readonly samples: readonly number[];
  readonly rounds?: readonly number[];
}

/** Rounds with a sample on both sides, below which the paired test cannot reach p < 0.002. */
export const MIN_PAIRS = 10;

/**
 * One timing against its baseline: paired by round where MIN_PAIRS rounds have both, else
 * Mann-Whitney and a bootstrap interval. undefined where a side has no samples or no ratio.
 */
export function compareTimings(options: {
  candidate: Timed;
  baseline: Timed;
  threshold: number;
  alpha: number | undefined;
}): RatioSummary | undefined {
  const { candidate, baseline } = options;
  if (candidate.samples.length === 0 || baseline.samples.length === 0) return undefined;
  const pairs = pairByRound(candidate, baseline);
  try {
    if (pairs.length >= MIN_PAIRS) {
      const paired = comparePairs({ pairs, threshold: options.threshold, alpha: options.alpha });
      return { ...paired, method: 'paired', n: pairs.length };
    }
    const comparison: Comparison = compareSamples({
      candidate: candidate.samples,
      baseline: baseline.samples,
      threshold: options.threshold,
      ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    });
    const { ratio, low, high, pValue, verdict, n } = comparison;
    return { ratio, low, high, pValue, verdict, method: 'independent', n: Math.min(n.candidate, n.baseline) };
  } catch {
    // A zero or non-finite timing (a command faster than the clock can tell) has no ratio.
    return undefined;
  }
}

function pairByRound(candidate: Timed, baseline: Timed): { candidate: number; baseline: number }[] {
  if (!candidate.rounds || !baseline.rounds) return [];
  const byRound = new Map<number, number>();
  baseline.rounds.forEach((round, i) => byRound.set(round, baseline.samples[i]!));
  const pairs: { candidate: number; baseline: number }[] = [];
  candidate.rounds.forEach((round, i) => {
    const other = byRound.get(round);
    if (other !== undefined) pairs.push({ candidate: candidate.samples[i]!, baseline: other });
  });
  return pairs;
}

// As in compareSamples: a change of exactly `threshold` counts, whatever the last bit of a division.
const RATIO_TOLERANCE = 1e-9;

/**
 * Paired comparison of per-round ratios candidate/baseline. The change is their median; the
 * interval is the distribution-free 95% interval of that median (order statistics, exact coverage
 * whatever the noise's shape); the evidence is a two-sided Wilcoxon signed-rank test on the
 * logarithms, or else the interval lying wholly beyond the threshold.
 *
 * Why the second way: on a shared runner some processes land on a busy core and run 1.7x slower,
 * so a few pairs of a real regression point the wrong way; two such pairs in 16 hold the
 * signed-rank p at 0.004 however clear the other 14 are. An interval above 1 + threshold asks
 * more of the size instead (for 16 pairs, 13 of the ratios at least that large): a change of
 * exactly the threshold passes it 2.5% of the time at most, and same-code runs far less.
 */
export function comparePairs(options: {
  pairs: readonly { candidate: number; baseline: number }[];
  threshold: number;
  alpha?: number | undefined;
}): Omit<RatioSummary, 'method' | 'n'> {
  const { pairs, threshold } = options;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const ratios = pairs.map((p) => {
    const r = p.candidate / p.baseline;
    if (!(p.candidate > 0 && p.baseline > 0) || !Number.isFinite(r)) {
      throw new RangeError(`timings must be positive and finite, got ${p.candidate} and ${p.baseline}`);
    }
    return r;
  });
  if (ratios.length === 0) throw new RangeError('nothing to compare: no pairs');
  const ratio = median(ratios);
  const pValue = signedRankTest(ratios.map((r) => Math.log(r)));
  const { low, high } = medianInterval(ratios, DEFAULT_CONFIDENCE);
  const upper = (1 + threshold) * (1 - RATIO_TOLERANCE);
  const lower = (1 / (1 + threshold)) * (1 + RATIO_TOLERANCE);
  const significant = pValue < alpha;
  const verdict: RatioSummary['verdict'] =
    ratio >= upper && low > 1 && (significant || low >= upper)
      ? 'regression'
      : ratio <= lower && high < 1 && (significant || high <= lower)
        ? 'improvement'
        : low >= 1 / (1 + threshold) && high <= 1 + threshold
          ? 'unchanged'
          : 'inconclusive';
  return { ratio, low, high, pValue, verdict };
}

/**
 * The distribution-free interval of a median: order statistics k and n + 1 - k, with k the
 * largest whose coverage, 1 - 2 P(Binomial(n, 1/2) < k), is at least `confidence`. With too few
 * values for that (n < 6 at 95%), the whole range.
 */
export function medianInterval(xs: readonly number[], confidence: number): { low: number; high: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  let k = 0;
  let below = 0;
  for (let j = 0; j < n; j++) {
    below += binomialHalf(n, j);
    if (2 * below > 1 - confidence) break;
    k = j + 1;
  }
  const index = Math.max(0, k - 1);
  return { low: sorted[index]!, high: sorted[n - 1 - index]! };
}

/** P(Binomial(n, 1/2) = j), through logarithms so that n in the hundreds stays finite. */
function binomialHalf(n: number, j: number): number {
  let log = -n * Math.LN2;
  for (let i = 1; i <= j; i++) log += Math.log((n - j + i) / i);
  return Math.exp(log);
}

// Up to here the exact null distribution (2^n sign patterns, counted by rank sum) is cheap and
// exact in a double; beyond it, or with ties, the normal approximation is good.
const EXACT_MAX_PAIRS = 50;

/** Two-sided Wilcoxon signed-rank test of "symmetric about 0"; zeros are dropped (Wilcoxon's rule). */
export function signedRankTest(differences: readonly number[]): number {
  const nonzero = differences.filter((d) => d !== 0);
  const n = nonzero.length;
  if (n === 0) return 1;
  const sorted = nonzero.map((d) => ({ size: Math.abs(d), positive: d > 0 })).sort((a, b) => a.size - b.size);
  let wPlus = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && sorted[end]!.size === sorted[start]!.size) end++;
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) if (sorted[i]!.positive) wPlus += midRank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  const total = (n * (n + 1)) / 2;
  const extreme = Math.max(wPlus, total - wPlus);
  if (tieTerm === 0 && n <= EXACT_MAX_PAIRS) {
    // counts[s]: sign patterns whose positive ranks sum to s.
    const counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (let rank = 1; rank <= n; rank++) {
      for (let s = total; s >= rank; s--) counts[s] = counts[s]! + counts[s - rank]!;
    }
    let upperTail = 0;
    for (let s = Math.ceil(extreme); s <= total; s++) upperTail += counts[s]!;
    return Math.min(1, (2 * upperTail) / 2 ** n);
  }
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  if (!(variance > 0)) return 1;
  const z = (extreme - total / 2 - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * upperNormalTail(z));
}

/** P(Z > z) for a standard normal Z: Abramowitz & Stegun 26.2.17, absolute error below 7.5e-8. */
function upperNormalTail(z: number): number {
  if (z < 0) return 1 - upperNormalTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

function timingFinding(options: {
  variant: string;
  against: Against;
  metric: 'startup' | 'throughput';
  name: string;
  summary: RatioSummary;
  unit: 'samples' | 'runs';
  hint: string;
}): Finding | null {
  const { summary } = options;
  if (summary.verdict !== 'regression' && summary.verdict !== 'improvement') return null;
  const detail = [
    `p = ${formatP(summary.pValue)}`,
    `95% interval ${summary.low.toFixed(3)}x to ${summary.high.toFixed(3)}x`,
    summary.method === 'paired'
      ? `${summary.n} ${options.unit} a side, paired by round`
      : `at least ${summary.n} ${options.unit} a side`,
    ...(options.hint ? [options.hint] : []),
  ].join(', ');
  return {
    kind: summary.verdict,
    variant: options.variant,
    against: options.against,
    metric: options.metric,
    name: options.name,
    change: summary.ratio,
    detail,
  };
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toPrecision(2);
}

const MOVED_SHOWN = 3;
// Below this a module's change is clock noise, not a lead worth printing.
const MOVED_MIN_US = 1000;

/** For an import, the modules whose cumulative time changed most: where to look first. */
function movedModules(head: StartupMetric, base: StartupMetric): string {
  if (!head.heaviest || !base.heaviest) return '';
  const before = new Map(base.heaviest.map((m) => [m.module, m.cumulativeUs]));
  const moved = head.heaviest
    .filter((m) => before.has(m.module))
    .map((m) => ({ module: m.module, deltaUs: m.cumulativeUs - (before.get(m.module) ?? 0) }))
    .filter((m) => Math.abs(m.deltaUs) >= MOVED_MIN_US)
    .sort((a, b) => Math.abs(b.deltaUs) - Math.abs(a.deltaUs))
    .slice(0, MOVED_SHOWN);
  const added = head.heaviest
    .filter((m) => !before.has(m.module) && m.cumulativeUs >= MOVED_MIN_US)
    .slice(0, 1);
  const parts = [
    ...moved.map(
      (m) => `${m.module} ${m.deltaUs > 0 ? '+' : '-'}${(Math.abs(m.deltaUs) / 1000).toFixed(1)} ms`,
    ),
    ...added.map((m) => `${m.module} new, ${(m.cumulativeUs / 1000).toFixed(1)} ms`),
  ];
  return parts.length > 0 ? `changed most: ${parts.join('; ')}` : '';
}

function usable(benchmarks: readonly BenchmarkMetric[] | undefined): Set<string> {
  return new Set((benchmarks ?? []).filter((b) => !b.error && b.samples.length > 0).map((b) => b.name));
}

/**
 * A benchmark that ran elsewhere but has no figures here errored or was not collected: saying so
 * beats a silently shorter table (and a geometric mean over fewer benchmarks).
 */
function missingBenchmarks(options: {
  measured: MeasuredVariant;
  reference: MeasuredSide | undefined;
  all: readonly MeasuredVariant[];
}): Finding[] {
  const { measured } = options;
  const here = usable(measured.head.benchmarks);
  const onBase = usable(measured.base?.benchmarks);
  const onReference = usable(options.reference?.benchmarks);
  const elsewhere = new Set(options.all.flatMap((v) => [...usable(v.head.benchmarks)]));
  const names = [...new Set([...onBase, ...onReference, ...elsewhere])].filter((n) => !here.has(n)).sort();
  return names.map((name): Finding => {
    const error = measured.head.benchmarks.find((b) => b.name === name)?.error;
    const against: Against | null = onBase.has(name) ? 'base' : onReference.has(name) ? 'reference' : null;
    const where =
      against === 'base'
        ? 'on the base commit'
        : against === 'reference'
          ? 'under the reference'
          : 'under another variant';
    return {
      kind: 'missing-benchmark',
      variant: measured.variant,
      against,
      metric: 'throughput',
      name,
      change: null,
      detail: error ? `${error} (it ran ${where})` : `no result here, though it ran ${where}`,
    };
  });
}

/**
 * How well the median of `xs` is known: half the width of its distribution-free 95% interval
 * (order statistics n/2 -+ 0.98 sqrt(n)), relative to the median. Infinity below 5 values. It
 * decides when sampling may stop, from each side alone, so the stopping rule never peeks at the
 * comparison it feeds.
 */
export function medianHalfWidth(xs: readonly number[]): number {
  if (xs.length < 5) return Number.POSITIVE_INFINITY;
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  const spread = 0.98 * Math.sqrt(n);
  const low = sorted[Math.max(0, Math.floor(n / 2 - spread))]!;
  const high = sorted[Math.min(n - 1, Math.ceil(n / 2 + spread) - 1)]!;
  const middle = median(sorted);
  return middle > 0 ? (high - low) / 2 / middle : Number.POSITIVE_INFINITY;
}
