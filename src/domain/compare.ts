// From timings to findings: every variant against the reference variant (the cost of that build)
// and against itself on the PR's base commit (what the PR did).
//
// Samples come in rounds: every subject (variant x head/base) once a round, a variant's head and
// base back to back (ABBA). Where two sides share at least MIN_PAIRS rounds the comparison is
// paired, round by round, because on a shared runner much of the noise is the moment a process
// runs in, which a pair shares (simulated with that noise, drift sigma 0.25, own sigma 0.08, 10
// rounds: a 35% slowdown caught 94% of the time paired, 11% unpaired); and unpaired too, because
// the rest is a process's own luck, which pairing turns against the test (measureChange). With
// fewer pairs compareSamples decides (Mann-Whitney, bootstrap). Either way a change is reported
// only when it is at least the threshold AND the evidence says so; anything else is "unchanged"
// or "inconclusive", never a finding.
import { FAMILY_ALPHA, holmAdjust, pValueFloor } from './multiplicity.js';
import { splitByProcessSpeed, type SplitFigures } from './process-speed.js';
import type {
  BenchmarkMetric,
  DecisionGroup,
  DecisionStatistics,
  Finding,
  RatioSummary,
  StartupMetric,
} from './report.js';
import {
  compareSamples,
  DEFAULT_ALPHA,
  DEFAULT_CONFIDENCE,
  geometricMean,
  median,
  upperNormalTail,
  type Verdict,
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
  /** Family-wise error rate over all of the run's comparisons (Holm); FAMILY_ALPHA when absent. */
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
    /** Benchmarks whose comparison stayed undecided: the geometric mean is no verdict then. */
    readonly undecided: { readonly vsReference: number; readonly vsBase: number };
    /**
     * Suites of at least MIN_BENCHMARKS_TO_SPLIT benchmarks: the processes' overall speeds
     * compared, the one test of a change to everything (process-speed.ts).
     */
    readonly suite?: { readonly vsReference?: RatioSummary; readonly vsBase?: RatioSummary };
  };
}

export interface PerformanceComparison {
  readonly variants: ReadonlyMap<string, ComparedVariant>;
  readonly findings: readonly Finding[];
  /** How the family of comparisons was decided, and how many stayed undecided. */
  readonly statistics: DecisionStatistics;
}

export function comparePerformance(options: ComparePerformanceOptions): PerformanceComparison {
  const reference = options.variants.find((v) => v.variant === options.reference);
  const alpha = options.alpha ?? FAMILY_ALPHA;
  // First every comparison's figures, then one Holm correction over all of them, then verdicts:
  // a finding needs its p-value to survive the whole family, not just itself.
  const pending: Pending[] = [];
  const measure = (candidate: Timed, baseline: Timed, place: Omit<Pending, 'change'>): void => {
    const change = measureChange({ candidate, baseline });
    if (change) pending.push({ ...place, change });
  };
  for (const [v, measured] of options.variants.entries()) {
    const againstReference = reference && reference !== measured ? reference.head : undefined;
    const sides: readonly { against: Against; baseline: MeasuredSide | undefined }[] = [
      { against: 'reference', baseline: againstReference },
      { against: 'base', baseline: measured.base },
    ];
    for (const { against, baseline } of sides) {
      measured.head.startup.forEach((metric, index) => {
        const other = baseline?.startup.find((m) => m.kind === metric.kind && m.name === metric.name);
        if (other) measure(metric, other, { v, index, against, metric: 'startup', other });
      });
      if (!baseline) continue;
      // A suite large enough to tell each process's speed: the suite's change, then each
      // benchmark's beyond it (process-speed.ts); else each benchmark on its own figures.
      const split = splitByProcessSpeed({
        candidate: measured.head.benchmarks.filter((b) => !b.error),
        baseline: baseline.benchmarks.filter((b) => !b.error),
      });
      const suiteIndex = pending.length;
      if (split) {
        pending.push({
          v,
          index: -1,
          against,
          metric: 'throughput',
          other: null,
          change: splitChange(split.suite),
          suite: { benchmarks: split.benchmarks.size },
        });
      }
      measured.head.benchmarks.forEach((metric, index) => {
        const other = baseline.benchmarks.find((m) => m.name === metric.name);
        if (!other || metric.error || other.error) return;
        const place = { v, index, against, metric: 'throughput', other } as const;
        const beyond = split?.benchmarks.get(metric.name);
        if (beyond) pending.push({ ...place, change: splitChange(beyond), suiteIndex });
        else measure(metric, other, place);
      });
    }
  }
  const own = decideFamily({
    changes: pending.map((p) => p.change),
    threshold: options.threshold,
    alpha,
  });
  // A benchmark of a split comparison was decided beyond its suite: its figures and verdict are
  // the whole change, the suite's and its own together.
  const summaries = pending.map((p, i) =>
    p.suiteIndex === undefined
      ? own[i]!
      : withSuite({ own: own[i]!, suite: own[p.suiteIndex]!, threshold: options.threshold, alpha }),
  );

  const findings: Finding[] = [];
  const variants = new Map<string, ComparedVariant>();
  for (const [v, measured] of options.variants.entries()) {
    const startup: StartupMetric[] = [...measured.head.startup];
    const benchmarks: BenchmarkMetric[] = [...measured.head.benchmarks];
    const ratios: Record<Against, number[]> = { reference: [], base: [] };
    const undecided: Record<Against, number> = { reference: 0, base: 0 };
    const suites: Partial<Record<Against, RatioSummary>> = {};
    pending.forEach((p, i) => {
      if (p.v !== v) return;
      const summary = summaries[i]!;
      const key = p.against === 'reference' ? 'vsReference' : 'vsBase';
      if (p.suite) {
        suites[p.against] = summary;
        const finding = timingFinding({
          variant: measured.variant,
          against: p.against,
          metric: 'throughput',
          name: `the whole suite (${p.suite.benchmarks} benchmarks)`,
          summary,
          unit: 'processes',
          hint: '',
        });
        if (finding) findings.push(finding);
        return;
      }
      if (p.metric === 'startup') {
        startup[p.index] = { ...startup[p.index]!, [key]: summary };
      } else {
        benchmarks[p.index] = { ...benchmarks[p.index]!, [key]: summary };
        ratios[p.against].push(summary.ratio);
        if (summary.verdict === 'inconclusive') undecided[p.against]++;
      }
      const head =
        p.metric === 'startup' ? measured.head.startup[p.index]! : measured.head.benchmarks[p.index]!;
      const finding = timingFinding({
        variant: measured.variant,
        against: p.against,
        metric: p.metric,
        name: head.name,
        summary,
        unit: p.metric === 'startup' ? 'samples' : 'runs',
        hint:
          p.against === 'base' && p.metric === 'startup'
            ? movedModules(head as StartupMetric, p.other as StartupMetric)
            : '',
      });
      if (finding) findings.push(finding);
    });
    const againstReference = reference && reference !== measured ? reference.head : undefined;
    findings.push(...missingBenchmarks({ measured, reference: againstReference, all: options.variants }));
    const mean = (against: Against): SuiteChange | null =>
      ratios[against].length > 0
        ? { ratio: geometricMean(ratios[against]), undecided: undecided[against] }
        : null;
    variants.set(measured.variant, {
      startup,
      benchmarks,
      throughput: {
        vsReference: mean('reference')?.ratio ?? null,
        vsBase: mean('base')?.ratio ?? null,
        benchmarks: measured.head.benchmarks.filter((b) => !b.error && b.samples.length > 0).length,
        undecided: { vsReference: undecided.reference, vsBase: undecided.base },
        ...(suites.reference || suites.base
          ? {
              suite: {
                ...(suites.reference ? { vsReference: suites.reference } : {}),
                ...(suites.base ? { vsBase: suites.base } : {}),
              },
            }
          : {}),
      },
    });
  }
  return { variants, findings, statistics: familyStatistics({ pending, summaries, alpha }) };
}

interface Pending {
  readonly v: number;
  /** Into the head side's startup or benchmarks; -1 for a suite. */
  readonly index: number;
  readonly against: Against;
  readonly metric: 'startup' | 'throughput';
  readonly other: StartupMetric | BenchmarkMetric | null;
  readonly change: MeasuredChange;
  /** The suite of a split comparison: its processes' speeds. */
  readonly suite?: { readonly benchmarks: number };
  /** A benchmark of a split comparison: its suite's entry. */
  readonly suiteIndex?: number;
}

interface SuiteChange {
  readonly ratio: number;
  readonly undecided: number;
}

function familyStatistics(options: {
  pending: readonly Pending[];
  summaries: readonly RatioSummary[];
  alpha: number;
}): DecisionStatistics {
  const groups = new Map<string, DecisionGroup>();
  options.pending.forEach((p, i) => {
    const summary = options.summaries[i]!;
    const key = `${p.against}/${p.metric}`;
    const group = groups.get(key) ?? {
      against: p.against,
      metric: p.metric,
      compared: 0,
      undecided: 0,
      tooFewRuns: 0,
    };
    groups.set(key, {
      ...group,
      compared: group.compared + 1,
      undecided: group.undecided + (summary.verdict === 'inconclusive' ? 1 : 0),
      tooFewRuns: group.tooFewRuns + (summary.undecided === 'too-few-runs' ? 1 : 0),
    });
  });
  const splitSuites = options.pending.filter((p) => p.suite).length;
  return {
    method: 'holm',
    alpha: options.alpha,
    family: options.pending.length,
    groups: [...groups.values()],
    ...(splitSuites > 0 ? { splitSuites } : {}),
  };
}

export interface Timed {
  readonly samples: readonly number[];
  readonly rounds?: readonly number[];
}

/** Rounds with a sample on both sides, below which the paired test cannot reach p < 0.002. */
export const MIN_PAIRS = 10;

/** One comparison's figures before any verdict: what the family correction works on. */
export interface MeasuredChange {
  /**
   * median(candidate) / median(baseline), or, paired, the Hodges-Lehmann centre of the per-round
   * ratios (pairedChange).
   */
  readonly ratio: number;
  /** 95% interval of the ratio. */
  readonly low: number;
  readonly high: number;
  /** Two-sided p of this comparison alone. */
  readonly pValue: number;
  readonly method: 'paired' | 'independent' | 'normalized';
  /** Pairs, or the smaller side's samples. */
  readonly n: number;
  /** The smallest p this test could give with these sample sizes. */
  readonly floor: number;
}

/**
 * One timing against its baseline. Where MIN_PAIRS rounds have both sides, two tests see it:
 * paired by round (signed-rank), which cancels the noise of the moment (a busy runner slows both
 * of a round's processes), and Mann-Whitney on all samples, which a process's own luck does not
 * throw (a whole process on a contended core: in CI, 3 of 16 processes a side ran 2x slow, each
 * made its pair point the wrong way, and a 35% slowdown came out p = 0.013 and 0.021 paired,
 * 0.0012 and 0.0003 unpaired: undecided, where it had to be a regression). The smaller p,
 * doubled (Bonferroni over the two tests, so the family's error holds under either noise),
 * decides, with that test's ratio and interval. Simulated at 16 rounds, a 35% slowdown at
 * 0.05 / 6: round noise (drift sigma 0.25, own 0.08) caught 100% paired, 73% unpaired, 100% by
 * the two; a fifth of processes 2x slow, 27% paired, 80% unpaired, 74% by the two; same code, at
 * most 0.7% of comparisons significant by the two (the level: 0.83%). Fewer pairs: Mann-Whitney
 * and a bootstrap interval alone. undefined where a side has no samples or no ratio.
 */
export function measureChange(options: { candidate: Timed; baseline: Timed }): MeasuredChange | undefined {
  const { candidate, baseline } = options;
  if (candidate.samples.length === 0 || baseline.samples.length === 0) return undefined;
  const pairs = pairByRound(candidate, baseline);
  try {
    const independent = independentChange(candidate, baseline);
    if (pairs.length < MIN_PAIRS) return independent;
    const paired: MeasuredChange = {
      ...pairedChange(pairs),
      method: 'paired',
      n: pairs.length,
      floor: pValueFloor({ method: 'paired', n: pairs.length }),
    };
    const best = independent.pValue < paired.pValue ? independent : paired;
    return {
      ...best,
      pValue: Math.min(1, 2 * best.pValue),
      floor: Math.min(1, 2 * Math.min(paired.floor, independent.floor)),
    };
  } catch {
    // A zero or non-finite timing (a command faster than the clock can tell) has no ratio.
    return undefined;
  }
}

/** Mann-Whitney on all samples of both sides, with a bootstrap interval of the ratio of medians. */
function independentChange(candidate: Timed, baseline: Timed): MeasuredChange {
  const { ratio, low, high, pValue } = compareSamples({
    candidate: candidate.samples,
    baseline: baseline.samples,
    // The verdict is decided later, over the family; these figures do not depend on it.
    threshold: 1,
  });
  const n = Math.min(candidate.samples.length, baseline.samples.length);
  const floor =
    n < MIN_SAMPLES
      ? 1
      : pValueFloor({ method: 'independent', n: candidate.samples.length, m: baseline.samples.length });
  return { ratio, low, high, pValue, method: 'independent', n, floor };
}

/** A split comparison's figures (process-speed.ts) as a change for the family. */
function splitChange(figures: SplitFigures): MeasuredChange {
  return {
    ratio: figures.ratio,
    low: figures.low,
    high: figures.high,
    pValue: figures.pValue,
    method: 'normalized',
    n: figures.n,
    floor: figures.n < MIN_SAMPLES ? 1 : pValueFloor({ method: 'independent', n: figures.n, m: figures.m }),
  };
}

/**
 * A benchmark's whole change from its change beyond the suite (`own`) and the suite's: the ratios
 * multiply, and so do the interval's ends (wider than either: the suite's interval carries the
 * processes' luck). A regression needs the whole change at least 1 + threshold, and one of:
 *  - its own corrected test points up, and so does its own interval, and its own change (times the
 *    suite's where the suite's test decided it moved) is at least 1 + threshold: one benchmark
 *    made slower, caught on its own precise figures; a suite that merely may have moved neither
 *    makes nor breaks it;
 *  - the suite's corrected test points up and the whole interval is above 1: everything slower.
 * An improvement mirrors it; "unchanged" needs the whole interval inside the threshold band.
 */
function withSuite(options: {
  own: RatioSummary;
  suite: RatioSummary;
  threshold: number;
  alpha: number;
}): RatioSummary {
  const { own, suite, threshold, alpha } = options;
  const ratio = own.ratio * suite.ratio;
  const low = own.low * suite.low;
  const high = own.high * suite.high;
  const decided = (s: RatioSummary) => (s.adjustedP ?? 1) < alpha;
  const upper = (1 + threshold) * (1 - RATIO_TOLERANCE);
  const lower = (1 / (1 + threshold)) * (1 + RATIO_TOLERANCE);
  const ownSize = own.ratio * (decided(suite) ? suite.ratio : 1);
  const slower = ratio >= upper && ownSize >= upper;
  const faster = ratio <= lower && ownSize <= lower;
  let verdict: Verdict = 'inconclusive';
  let decidedBy = own;
  if (own.n < MIN_SAMPLES) verdict = 'inconclusive';
  else if (decided(own) && own.low > 1 && slower) verdict = 'regression';
  else if (decided(own) && own.high < 1 && faster) verdict = 'improvement';
  else if (decided(suite) && suite.low > 1 && ratio >= upper && low > 1) {
    verdict = 'regression';
    decidedBy = suite;
  } else if (decided(suite) && suite.high < 1 && ratio <= lower && high < 1) {
    verdict = 'improvement';
    decidedBy = suite;
  } else if (low >= 1 / (1 + threshold) && high <= 1 + threshold) verdict = 'unchanged';
  // Whether more runs would help is its own test's matter: the suite's decides only a change to all.
  const tooFew = own.undecided === 'too-few-runs';
  return {
    ratio,
    low,
    high,
    pValue: decidedBy.pValue,
    ...(decidedBy.adjustedP !== undefined ? { adjustedP: decidedBy.adjustedP } : {}),
    verdict,
    method: 'normalized',
    n: own.n,
    ...(verdict === 'inconclusive' ? { undecided: tooFew ? 'too-few-runs' : 'noisy' } : {}),
  } satisfies RatioSummary;
}

/**
 * Verdicts for a family of comparisons decided together: Holm-adjusted p-values at `alpha` (the
 * family-wise error rate), then size. A regression needs the ratio at least 1 + threshold, its
 * interval above 1, and its adjusted p below alpha; the interval alone never decides. "unchanged"
 * needs the whole interval inside the threshold band. The rest is "inconclusive": "too-few-runs"
 * where even a perfect sample of that size could not reach the corrected level, else "noisy".
 */
export function decideFamily(options: {
  changes: readonly MeasuredChange[];
  threshold: number;
  alpha?: number;
}): RatioSummary[] {
  const alpha = options.alpha ?? FAMILY_ALPHA;
  const adjusted = holmAdjust(options.changes.map((c) => c.pValue));
  // Holm's first step tests at alpha / m: a floor above it can never be rejected.
  const reachable = alpha / Math.max(1, options.changes.length);
  return options.changes.map((change, i) => {
    const adjustedP = adjusted[i]!;
    const verdict = verdictOf({ change, threshold: options.threshold, significant: adjustedP < alpha });
    const tooFew = change.floor >= reachable || change.n < MIN_SAMPLES;
    return {
      ratio: change.ratio,
      low: change.low,
      high: change.high,
      pValue: change.pValue,
      adjustedP,
      verdict,
      method: change.method,
      n: change.n,
      ...(verdict === 'inconclusive' ? { undecided: tooFew ? 'too-few-runs' : 'noisy' } : {}),
    } satisfies RatioSummary;
  });
}

/**
 * One timing against its baseline, decided alone at `alpha` (a family of one): for figures that
 * are not gated together with the others, such as a thread-scaling curve's best point.
 */
export function compareTimings(options: {
  candidate: Timed;
  baseline: Timed;
  threshold: number;
  alpha: number | undefined;
}): RatioSummary | undefined {
  const change = measureChange(options);
  if (!change) return undefined;
  return decideFamily({
    changes: [change],
    threshold: options.threshold,
    alpha: options.alpha ?? DEFAULT_ALPHA,
  })[0];
}

// As in compareSamples: a change of exactly `threshold` counts, whatever the last bit of a division.
const RATIO_TOLERANCE = 1e-9;
const MIN_SAMPLES = 3;

function verdictOf(options: { change: MeasuredChange; threshold: number; significant: boolean }): Verdict {
  const { change, threshold, significant } = options;
  const upper = (1 + threshold) * (1 - RATIO_TOLERANCE);
  const lower = (1 / (1 + threshold)) * (1 + RATIO_TOLERANCE);
  if (change.n < MIN_SAMPLES) return 'inconclusive';
  if (significant && change.ratio >= upper && change.low > 1) return 'regression';
  if (significant && change.ratio <= lower && change.high < 1) return 'improvement';
  if (change.low >= 1 / (1 + threshold) && change.high <= 1 + threshold) return 'unchanged';
  return 'inconclusive';
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

/**
 * Paired figures of per-round ratios candidate/baseline, all from the signed-rank test on their
 * logarithms, so that the evidence and the interval never disagree: the change is the
 * Hodges-Lehmann estimate (the median of the Walsh averages), the interval the Walsh averages that
 * invert the test (signedRankInterval), the evidence its two-sided p. The median of the ratios and
 * its order-statistic interval went with the sign test instead: in CI a 35% slowdown whose pairs
 * had 4 of 16 turned the wrong way (whole processes 2x slow) came out significant at p = 0.0013,
 * while the 4th smallest ratio, the interval's end, was 0.79; the Walsh interval was above 1.
 */
function pairedChange(pairs: readonly { candidate: number; baseline: number }[]): {
  ratio: number;
  low: number;
  high: number;
  pValue: number;
} {
  const logs = pairs.map((p) => {
    const r = p.candidate / p.baseline;
    if (!(p.candidate > 0 && p.baseline > 0) || !Number.isFinite(r)) {
      throw new RangeError(`timings must be positive and finite, got ${p.candidate} and ${p.baseline}`);
    }
    return Math.log(r);
  });
  if (logs.length === 0) throw new RangeError('nothing to compare: no pairs');
  const { estimate, low, high } = signedRankInterval(logs, DEFAULT_CONFIDENCE);
  return {
    ratio: Math.exp(estimate),
    low: Math.exp(low),
    high: Math.exp(high),
    pValue: signedRankTest(logs),
  };
}

/**
 * The Hodges-Lehmann estimate of the centre of `xs` and its distribution-free interval (Tukey):
 * of the n(n + 1)/2 Walsh averages (x_i + x_j)/2, i <= j, sorted, the k-th and the (N + 1 - k)-th,
 * with k - 1 the largest signed-rank statistic whose lower tail is at most (1 - confidence)/2
 * (exact up to 50 values, the normal approximation beyond). The interval holds the centres the
 * signed-rank test would not reject. Too few values for that: the whole range of the averages.
 */
export function signedRankInterval(
  xs: readonly number[],
  confidence: number,
): { estimate: number; low: number; high: number } {
  const n = xs.length;
  if (n === 0) throw new RangeError('no values');
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((xs[i]! + xs[j]!) / 2);
  walsh.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const total = walsh.length;
  let critical = -1;
  if (n <= EXACT_MAX_PAIRS) {
    const counts = signedRankCounts(n);
    let cumulative = 0;
    for (let c = 0; c <= total; c++) {
      cumulative += counts[c]! / 2 ** n;
      if (cumulative > tail) break;
      critical = c;
    }
  } else {
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    critical = Math.floor(total / 2 - normalQuantile(1 - tail) * sd - 0.5);
  }
  const k = Math.max(1, critical + 1);
  return { estimate: median(walsh), low: walsh[k - 1]!, high: walsh[total - k]! };
}

// The standard normal quantile by bisection on upperNormalTail: called once per comparison of
// more than 50 pairs, so simplicity beats a rational approximation.
function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - upperNormalTail(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A paired comparison decided alone at `alpha`. A busy core now and then makes a pair of a real
 * regression point the wrong way, which costs the signed-rank test power: more pairs buy it back,
 * a looser rule would not (an interval beyond the threshold is no test against the family).
 */
export function comparePairs(options: {
  pairs: readonly { candidate: number; baseline: number }[];
  threshold: number;
  alpha?: number | undefined;
}): Omit<RatioSummary, 'method' | 'n'> {
  const figures = pairedChange(options.pairs);
  const n = options.pairs.length;
  const change: MeasuredChange = {
    ...figures,
    method: 'paired',
    n,
    floor: pValueFloor({ method: 'paired', n }),
  };
  const decided = decideFamily({
    changes: [change],
    threshold: options.threshold,
    alpha: options.alpha ?? DEFAULT_ALPHA,
  })[0]!;
  return {
    ratio: decided.ratio,
    low: decided.low,
    high: decided.high,
    pValue: decided.pValue,
    verdict: decided.verdict,
    ...(decided.adjustedP !== undefined ? { adjustedP: decided.adjustedP } : {}),
    ...(decided.undecided ? { undecided: decided.undecided } : {}),
  };
}

// Up to here the exact null distribution (2^n sign patterns, counted by rank sum) is cheap and
// exact in a double; beyond it, or with ties, the normal approximation is good.
const EXACT_MAX_PAIRS = 50;

/** counts[s]: of the 2^n sign patterns of ranks 1..n, those whose positive ranks sum to s. */
function signedRankCounts(n: number): Float64Array {
  const total = (n * (n + 1)) / 2;
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank++) {
    for (let s = total; s >= rank; s--) counts[s] = counts[s]! + counts[s - rank]!;
  }
  return counts;
}

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
    const counts = signedRankCounts(n);
    let upperTail = 0;
    for (let s = Math.ceil(extreme); s <= total; s++) upperTail += counts[s]!;
    return Math.min(1, (2 * upperTail) / 2 ** n);
  }
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  if (!(variance > 0)) return 1;
  const z = (extreme - total / 2 - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * upperNormalTail(z));
}

function timingFinding(options: {
  variant: string;
  against: Against;
  metric: 'startup' | 'throughput';
  name: string;
  summary: RatioSummary;
  unit: 'samples' | 'runs' | 'processes';
  hint: string;
}): Finding | null {
  const { summary } = options;
  if (summary.verdict !== 'regression' && summary.verdict !== 'improvement') return null;
  const detail = [
    summary.adjustedP !== undefined
      ? `p = ${formatP(summary.pValue)} (${formatP(summary.adjustedP)} corrected for the run's comparisons)`
      : `p = ${formatP(summary.pValue)}`,
    `95% interval ${summary.low.toFixed(3)}x to ${summary.high.toFixed(3)}x`,
    summary.method === 'paired'
      ? `${summary.n} ${options.unit} a side, paired by round`
      : summary.method === 'normalized'
        ? `at least ${summary.n} ${options.unit} a side, each process's overall speed taken out`
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
