// The statistics behind every timing verdict. Timings are skewed, heavy-tailed and sometimes
// bimodal (one process lands on a slow core), so everything here is rank- or median-based:
// a handful of 10x outliers moves neither a median nor a rank test much, where it would wreck a
// mean and a t-test.

/** Median of a non-empty sample; the mean of the two middle values for an even count. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty sample');
  return sortedMedian(Float64Array.from(xs).sort());
}

// (a + b) / 2 rather than an interpolation, so figures agree to the last bit with Python's
// statistics.median, which pytest-benchmark and pyperf use for the medians they print.
function sortedMedian(sorted: Float64Array): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The q-quantile (0 <= q <= 1) by linear interpolation between order statistics, the definition
 * numpy and R use by default (Hyndman & Fan type 7), so figures can be checked against them.
 */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  return sortedQuantile(Float64Array.from(xs).sort(), q);
}

function sortedQuantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below]!;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return lower + (upper - lower) * (position - below);
}

/** The mean of ratios: the one summary of "x times slower" figures that is symmetric in direction. */
export function geometricMean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('geometric mean of an empty sample');
  let logSum = 0;
  for (const x of xs) {
    if (!(x > 0) || !Number.isFinite(x))
      throw new RangeError(`geometric mean needs positive values, got ${x}`);
    logSum += Math.log(x);
  }
  return Math.exp(logSum / xs.length);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same report, run after run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MannWhitneyResult {
  /** U of the first sample: pairs where a > b, ties counting one half (scipy's `statistic`). */
  readonly u: number;
  /** Two-sided. */
  readonly pValue: number;
}

// Below this combined size, and without ties, the exact null distribution is cheap (C(40, 20) is
// about 1.4e11, still exact in a double) and the normal approximation is poor: at n = 5 per side
// it is off by a factor of two in the tail that decides.
const EXACT_MAX_TOTAL = 40;

/**
 * Two-sided Mann-Whitney U test. Exact when there are no ties and the samples are small; otherwise
 * the normal approximation with tie and continuity corrections, as scipy.stats.mannwhitneyu.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs two non-empty samples');
  const { rankSumA, tieTerm } = rankSum(a, b);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const uMax = Math.max(u, n1 * n2 - u);
  if (tieTerm === 0 && n1 + n2 <= EXACT_MAX_TOTAL) {
    return { u, pValue: Math.min(1, 2 * exactUpperTail({ n1, n2, k: uMax })) };
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, pValue: 1 };
  const z = (uMax - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, erfc(z / Math.SQRT2)) };
}

/** Rank sum of `a` in the pooled sample (mid-ranks for ties) and the tie term sum(t^3 - t). */
function rankSum(a: readonly number[], b: readonly number[]): { rankSumA: number; tieTerm: number } {
  const pooled = [...a.map((value) => ({ value, fromA: 1 })), ...b.map((value) => ({ value, fromA: 0 }))];
  pooled.sort((x, y) => x.value - y.value);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length;) {
    let end = start + 1;
    while (end < pooled.length && pooled[end]!.value === pooled[start]!.value) end++;
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) rankSumA += pooled[i]!.fromA * midRank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { rankSumA, tieTerm };
}

// The null distribution depends on the sizes alone, and a run tests hundreds of benchmarks with
// the same sizes: each is counted once.
const nullCounts = new Map<string, Float64Array>();

/** P(U >= k) under the null, from the count of arrangements of n1 + n2 ranks giving each U. */
function exactUpperTail(options: { n1: number; n2: number; k: number }): number {
  const { n1, n2, k } = options;
  const key = `${n1},${n2}`;
  let counts = nullCounts.get(key);
  if (counts === undefined) {
    counts = arrangementsByU(n1, n2);
    nullCounts.set(key, counts);
  }
  let total = 0;
  let tail = 0;
  for (let u = 0; u < counts.length; u++) {
    total += counts[u]!;
    if (u >= k) tail += counts[u]!;
  }
  return tail / total;
}

/** counts[u]: the arrangements of n1 + n2 distinct values in which the first sample's U is u. */
function arrangementsByU(n1: number, n2: number): Float64Array {
  // counts[j][u]: arrangements of i values from the first sample and j from the second with U = u,
  // built row by row over i: the largest value is either the first sample's (adding j to U) or not.
  let previous: Float64Array[] = Array.from({ length: n2 + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n1; i++) {
    const current: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n2; j++) {
      const row = new Float64Array(i * j + 1);
      const withoutLargestA = current[j - 1]!;
      const withLargestA = previous[j]!;
      for (let u = 0; u < withoutLargestA.length; u++) row[u] = withoutLargestA[u]!;
      for (let u = 0; u < withLargestA.length; u++) row[u + j] = row[u + j]! + withLargestA[u]!;
      current.push(row);
    }
    previous = current;
  }
  return previous[n2]!;
}

// Numerical Recipes' Chebyshev fit of erfc (erfcc), lowest order first.
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Complementary error function: relative error below 1.2e-7, plenty for p-values near alpha. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const result = t * Math.exp(-z * z + ERFC_COEFFICIENTS.reduceRight((sum, c) => c + t * sum, 0));
  return x >= 0 ? result : 2 - result;
}

export interface BootstrapOptions {
  readonly candidate: readonly number[];
  readonly baseline: readonly number[];
  /** e.g. 0.95 for the 2.5% and 97.5% percentiles. */
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
}

/** Percentile bootstrap interval of median(candidate) / median(baseline), each side resampled alone. */
export function bootstrapRatioInterval(options: BootstrapOptions): { low: number; high: number } {
  const { candidate, baseline, confidence, resamples } = options;
  if (candidate.length === 0 || baseline.length === 0) throw new RangeError('bootstrap of an empty sample');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} is outside (0, 1)`);
  const random = mulberry32(options.seed);
  const candidateScratch = new Float64Array(candidate.length);
  const baselineScratch = new Float64Array(baseline.length);
  const ratios = new Float64Array(Math.max(1, Math.floor(resamples)));
  for (let r = 0; r < ratios.length; r++) {
    ratios[r] =
      resampledMedian(candidate, candidateScratch, random) /
      resampledMedian(baseline, baselineScratch, random);
  }
  ratios.sort();
  const tail = (1 - confidence) / 2;
  return { low: sortedQuantile(ratios, tail), high: sortedQuantile(ratios, 1 - tail) };
}

function resampledMedian(xs: readonly number[], scratch: Float64Array, random: () => number): number {
  for (let i = 0; i < scratch.length; i++) scratch[i] = xs[Math.floor(random() * xs.length)]!;
  return sortedMedian(scratch.sort());
}

export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

export interface Comparison {
  /** median(candidate) / median(baseline): 1.42 = 42% slower. */
  readonly ratio: number;
  /** The bootstrap interval of the ratio. */
  readonly low: number;
  readonly high: number;
  /** Two-sided Mann-Whitney U. */
  readonly pValue: number;
  readonly verdict: Verdict;
  readonly n: { readonly candidate: number; readonly baseline: number };
}

export interface CompareOptions {
  /** Timings (any unit, the same on both sides; lower is better), one per process run. */
  readonly candidate: readonly number[];
  readonly baseline: readonly number[];
  /** Smallest change worth reporting: 0.10 = 10%. */
  readonly threshold: number;
  /** Significance level of the Mann-Whitney test. */
  readonly alpha?: number;
  /** Of the bootstrap interval. */
  readonly confidence?: number;
  readonly resamples?: number;
  readonly seed?: number;
}

export const DEFAULT_ALPHA = 0.002;
export const DEFAULT_CONFIDENCE = 0.95;
const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 0x5eed;
const MIN_SAMPLES = 3;
// A change of exactly `threshold` counts; the last bit of a float division must not decide that.
const RATIO_TOLERANCE = 1e-9;

/**
 * Decides whether candidate is slower, faster or the same as baseline.
 *
 * A regression needs the size AND the evidence: the ratio of medians at least 1 + threshold,
 * Mann-Whitney p < alpha, and the bootstrap interval above 1. The size alone is what noise gives
 * on every other run; significance alone flags 2% changes nobody acts on. Improvement mirrors it
 * (ratio <= 1 / (1 + threshold), so 10% means the same factor both ways). "unchanged" is a claim
 * too: it needs the whole interval inside [1 / (1 + threshold), 1 + threshold]. Everything else
 * (fewer than 3 samples a side, or too noisy to say) is "inconclusive", never a failure.
 *
 * alpha defaults to 0.002 (asv's choice), not 0.01: the action makes tens of comparisons per pull
 * request and fails the step on a regression. Same-code samples, n = 10 a side, lognormal
 * process-to-process noise of sigma 0.1 to 0.5, 4000 draws each: all three conditions held in
 * 0.3-0.4% of comparisons at p < 0.01 (with 20 comparisons, one pull request in fifteen fails for
 * nothing) and in 0.05% at p < 0.002; none at sigma 0.05, where 10% is beyond what noise moves.
 * The price: at 0.002 a regression needs 7 samples a side (6 v 6 cannot reach it exactly).
 */
export function compareSamples(options: CompareOptions): Comparison {
  const { candidate, baseline, threshold } = options;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  for (const [side, xs] of [
    ['candidate', candidate],
    ['baseline', baseline],
  ] as const) {
    if (xs.length === 0) throw new RangeError(`nothing to compare: the ${side} sample is empty`);
    const bad = xs.find((x) => !(x > 0) || !Number.isFinite(x));
    if (bad !== undefined)
      throw new RangeError(`timings must be positive and finite, the ${side} has ${bad}`);
  }
  if (!(threshold > 0)) throw new RangeError(`threshold must be positive, got ${threshold}`);
  const ratio = median(candidate) / median(baseline);
  const { pValue } = mannWhitneyU(candidate, baseline);
  const { low, high } = bootstrapRatioInterval({
    candidate,
    baseline,
    confidence: options.confidence ?? DEFAULT_CONFIDENCE,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
  });
  const upper = (1 + threshold) * (1 - RATIO_TOLERANCE);
  const lower = (1 / (1 + threshold)) * (1 + RATIO_TOLERANCE);
  const significant = pValue < alpha;
  const verdict: Verdict =
    candidate.length < MIN_SAMPLES || baseline.length < MIN_SAMPLES
      ? 'inconclusive'
      : ratio >= upper && significant && low > 1
        ? 'regression'
        : ratio <= lower && significant && high < 1
          ? 'improvement'
          : low >= 1 / (1 + threshold) && high <= 1 + threshold
            ? 'unchanged'
            : 'inconclusive';
  return { ratio, low, high, pValue, verdict, n: { candidate: candidate.length, baseline: baseline.length } };
}

/**
 * The Hodges-Lehmann shift of `candidate` over `baseline` (the median of all their pairwise
 * differences) and its 95% Moses interval: the differences of ranks k and nm + 1 - k, with k
 * from Mann-Whitney's null distribution (normal approximation, continuity-corrected). Rank-based
 * like the test it goes with, so one slow outlier moves neither; and 2,000 times cheaper than a
 * bootstrap, which matters where a run compares hundreds of benchmarks.
 */
export function shiftInterval(
  candidate: readonly number[],
  baseline: readonly number[],
): { shift: number; low: number; high: number } {
  const n = candidate.length;
  const m = baseline.length;
  if (n === 0 || m === 0) throw new RangeError('a shift needs two non-empty samples');
  const differences = new Float64Array(n * m);
  let at = 0;
  for (const c of candidate) for (const b of baseline) differences[at++] = c - b;
  differences.sort();
  const shift = sortedMedian(differences);
  // 1.959964: the standard normal's 97.5% point.
  const k = Math.floor((n * m) / 2 - 1.959964 * Math.sqrt((n * m * (n + m + 1)) / 12) - 0.5);
  if (k < 1) return { shift, low: differences[0]!, high: differences[n * m - 1]! };
  return { shift, low: differences[k - 1]!, high: differences[n * m - k]! };
}

/** P(Z > z) for a standard normal Z: Abramowitz & Stegun 26.2.17, absolute error below 7.5e-8. */
export function upperNormalTail(z: number): number {
  if (z < 0) return 1 - upperNormalTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}
