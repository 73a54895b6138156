// Many comparisons, one verdict. A run compares every benchmark and import of every variant with
// the reference and with the base commit: 200 benchmarks x 3 variants x 2 baselines is 1,200
// tests, and at p < 0.002 each, a same-code pull request would still fail one time in ten. The
// gate needs the chance that *any* of them is a false regression held at alpha: Holm's step-down
// procedure does that (family-wise error rate, under any dependence between the tests) and
// rejects at least what Bonferroni does, more where a few changes are large.
import { upperNormalTail } from './stats.js';

// 95% power: the z that 95% of outcomes stay above.
const SPLIT_POWER_Z = 1.645;

/** The family-wise error rate of one run: a same-code pull request fails at most this often. */
export const FAMILY_ALPHA = 0.05;

/**
 * Holm-adjusted p-values, in the input's order: p_(i) scaled by (m - i + 1), made monotone so a
 * smaller raw p never gets a larger adjusted one, capped at 1. Reject where adjusted < alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`a p-value must lie in [0, 1], got ${p}`);
  }
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * The smallest two-sided p-value a test can give with these sample sizes, whatever the data: a
 * comparison whose floor is not below alpha / family cannot be decided by Holm, however clear the
 * change, so it is "too few runs" rather than "noisy".
 */
export function pValueFloor(options: {
  method: 'paired' | 'independent' | 'normalized';
  n: number;
  m?: number;
}): number {
  const { n } = options;
  if (options.method === 'paired') return Math.min(1, 2 / 2 ** n);
  // Mann-Whitney, complete separation: 2 / C(n + m, n).
  const m = options.m ?? n;
  let logChoose = 0;
  for (let i = 1; i <= n; i++) logChoose += Math.log((m + i) / i);
  return Math.min(1, 2 * Math.exp(-logChoose));
}

/**
 * Runs a side needed to see a real change at the corrected level.
 *  - 'paired' (startup, and suites too small to split by process speed): with that many pairs the
 *    signed-rank test reaches alpha / family even when the two smallest pairs point the wrong way
 *    (a run landing on a busy core), which a change of twice the threshold gives now and then,
 *    and its p is doubled (measureChange runs Mann-Whitney beside it and takes the better).
 *  - 'split' (a suite split by process speed, Mann-Whitney): enough runs a side that a change of
 *    twice the threshold reaches alpha / family 95 times in 100, on the noise measured on 200 real
 *    benchmarks of tens of µs on a shared 2-core machine (npm run bench:scale): with each process's
 *    speed taken out, a 20% slower benchmark's figure still came out below a figure of the
 *    unchanged side in 17% of pairs (per-process modes of 1.3-1.8x that no correction removes).
 *    So the expected Mann-Whitney z must clear the level's z by 1.645. A quiet day on the same
 *    kind of machine did far better (6% of pairs with the median round, 4% with the fastest, the
 *    figure pytest-benchmark runs give now): the plan is for the noisy day, which shared runners
 *    have.
 */
export function runsNeeded(options: { family: number; alpha?: number; method?: 'paired' | 'split' }): number {
  const alpha = options.alpha ?? FAMILY_ALPHA;
  const family = Math.max(1, options.family);
  if (options.method === 'split') {
    const level = alpha / family;
    for (let n = 10; n < 200; n++) {
      // U expected at 83% of n^2 (normal approximation, continuity-corrected, two-sided): its z
      // must stand SPLIT_POWER_Z above the level's.
      const z = (0.33 * n * n - 0.5) / Math.sqrt((n * n * (2 * n + 1)) / 12) - SPLIT_POWER_Z;
      if (2 * upperNormalTail(z) <= level) return n;
    }
    return 200;
  }
  // Two wrong-signed pairs of the smallest ranks leave 5 sign patterns as extreme: p = 10 / 2^n,
  // doubled for the two tests.
  return Math.max(10, Math.ceil(Math.log2((20 * family) / alpha)));
}
