import { describe, expect, it } from 'vitest';
import {
  comparePairs,
  comparePerformance,
  medianHalfWidth,
  measureChange,
  signedRankInterval,
  signedRankTest,
  type MeasuredSide,
} from '../../src/domain/compare.js';
import type { BenchmarkMetric, StartupMetric } from '../../src/domain/report.js';
import { median, mulberry32 } from '../../src/domain/stats.js';

// Lognormal noise around `center`: the shape process timings have (skewed, never negative).
function timings(options: { center: number; n: number; sigma: number; seed: number }): number[] {
  const random = mulberry32(options.seed);
  return Array.from({ length: options.n }, () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return options.center * Math.exp(options.sigma * normal);
  });
}

const startup = (samples: number[], name = 'python -c pass'): StartupMetric => ({
  name,
  kind: name.startsWith('import') ? 'import' : 'interpreter',
  samples,
  median: median(samples),
});

const bench = (name: string, samples: number[]): BenchmarkMetric => ({
  name,
  samples,
  median: median(samples),
  unit: 's',
});

const side = (over: Partial<MeasuredSide> = {}): MeasuredSide => ({ startup: [], benchmarks: [], ...over });

describe('comparePerformance against base', () => {
  const base = timings({ center: 20, n: 30, sigma: 0.05, seed: 1 });
  /** 3.13's `python -c pass` on head, these samples, against `base`. */
  const startupAgainstBase = (head: number[]) =>
    comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ startup: [startup(head)] }),
          base: side({ startup: [startup(base)] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });

  it.each([
    {
      label: 'identical code (a second draw of the same distribution)',
      factor: 1,
      kind: null,
      verdict: 'unchanged',
    },
    { label: 'shifted by 5% (half the threshold)', factor: 1.05, kind: null, verdict: 'unchanged' },
    { label: 'shifted by 30%', factor: 1.3, kind: 'regression', verdict: 'regression' },
    { label: 'faster by 30%', factor: 1 / 1.3, kind: 'improvement', verdict: 'improvement' },
  ])('$label', ({ factor, kind, verdict }) => {
    const head = timings({ center: 20 * factor, n: 30, sigma: 0.05, seed: 2 });
    const result = startupAgainstBase(head);
    const findings = result.findings.filter((f) => f.against === 'base');
    if (kind === null) expect(findings).toEqual([]);
    else {
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        kind,
        variant: '3.13',
        against: 'base',
        metric: 'startup',
        name: 'python -c pass',
      });
      expect(findings[0]!.change).toBeCloseTo(factor, 1);
      expect(findings[0]!.detail).toMatch(/^p = .+, 95% interval .+x to .+x, at least 30 samples a side$/);
    }
    const summary = result.variants.get('3.13')!.startup[0]!.vsBase!;
    expect(summary.ratio).toBeCloseTo(median(head) / median(base), 10);
    expect(summary.verdict).toBe(verdict);
  });

  it('heavy tails: the same code with a few 10x outliers on one side is no regression', () => {
    const head = timings({ center: 20, n: 30, sigma: 0.05, seed: 3 });
    for (const i of [3, 11, 17, 25]) head[i] = head[i]! * 10;
    const result = startupAgainstBase(head);
    expect(result.findings).toEqual([]);
  });

  it('bimodal: runs landing on a slow or a fast core in equal shares on both sides are no regression', () => {
    const mixed = (seed: number) =>
      timings({ center: 1, n: 24, sigma: 0.03, seed }).map((x, i) => (i % 2 === 0 ? x * 100 : x * 160));
    const result = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ benchmarks: [bench('b', mixed(4))] }),
          base: side({ benchmarks: [bench('b', mixed(5))] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    expect(result.findings).toEqual([]);
  });

  it('tiny n: two runs a side are inconclusive even at 2x', () => {
    const result = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ benchmarks: [bench('b', [2, 2.01])] }),
          base: side({ benchmarks: [bench('b', [1, 1.01])] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    expect(result.findings).toEqual([]);
    expect(result.variants.get('3.13')!.benchmarks[0]!.vsBase!.verdict).toBe('inconclusive');
  });

  it('names the modules that moved most in an import regression', () => {
    const baseImport: StartupMetric = {
      ...startup(timings({ center: 5, n: 20, sigma: 0.03, seed: 6 }), 'import pkg'),
      heaviest: [
        { module: 'pkg.core', cumulativeUs: 3000 },
        { module: 'json', cumulativeUs: 1500 },
      ],
    };
    const headImport: StartupMetric = {
      ...startup(timings({ center: 35, n: 20, sigma: 0.03, seed: 7 }), 'import pkg'),
      heaviest: [
        { module: 'pkg.slow', cumulativeUs: 30_100 },
        { module: 'pkg.core', cumulativeUs: 3100 },
        { module: 'json', cumulativeUs: 1500 },
      ],
    };
    const { findings } = comparePerformance({
      variants: [
        { variant: '3.13t', head: side({ startup: [headImport] }), base: side({ startup: [baseImport] }) },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'regression', name: 'import pkg', against: 'base' });
    expect(findings[0]!.detail).toContain('changed most: pkg.slow new, 30.1 ms');
  });
});

describe('comparePerformance against the reference', () => {
  const ref = timings({ center: 1e-3, n: 9, sigma: 0.02, seed: 10 });
  const slower = timings({ center: 1.4e-3, n: 9, sigma: 0.02, seed: 11 });
  const same = timings({ center: 1e-3, n: 9, sigma: 0.02, seed: 12 });

  it('reports the cost of a build per benchmark, and the geometric mean of the ratios', () => {
    const result = comparePerformance({
      variants: [
        { variant: '3.13', head: side({ benchmarks: [bench('a', ref), bench('b', ref)] }) },
        { variant: '3.13t', head: side({ benchmarks: [bench('a', slower), bench('b', same)] }) },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'regression',
        variant: '3.13t',
        against: 'reference',
        metric: 'throughput',
        name: 'a',
      }),
    ]);
    const t = result.variants.get('3.13t')!.throughput;
    const ratioA = median(slower) / median(ref);
    const ratioB = median(same) / median(ref);
    expect(t.vsReference).toBeCloseTo(Math.sqrt(ratioA * ratioB), 12);
    expect(t.vsBase).toBeNull();
    expect(t.benchmarks).toBe(2);
    // The reference is not compared with itself.
    expect(result.variants.get('3.13')!.benchmarks[0]!.vsReference).toBeUndefined();
    expect(result.variants.get('3.13')!.throughput.vsReference).toBeNull();
  });

  it('a benchmark missing on one side is a finding, with the error when there is one', () => {
    const result = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ benchmarks: [bench('a', ref), bench('b', ref)] }),
          base: side({ benchmarks: [bench('a', ref)] }),
        },
        {
          variant: '3.13t',
          head: side({
            benchmarks: [
              bench('a', same),
              { name: 'b', samples: [], median: null, unit: 's', error: 'exited with 2' },
            ],
          }),
          base: side({ benchmarks: [bench('a', ref), bench('b', ref)] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    const missing = result.findings.filter((f) => f.kind === 'missing-benchmark');
    expect(missing).toEqual([
      {
        kind: 'missing-benchmark',
        variant: '3.13t',
        against: 'base',
        metric: 'throughput',
        name: 'b',
        change: null,
        detail: 'exited with 2 (it ran on the base commit)',
      },
    ]);
  });
});

describe('medianHalfWidth', () => {
  it.each([
    { xs: [1, 2, 3], expected: Number.POSITIVE_INFINITY },
    // n = 20: the 95% interval of the median runs from the 6th to the 15th value.
    { xs: Array.from({ length: 20 }, (_, i) => 100 + i), expected: (114 - 105) / 2 / 109.5 },
    { xs: Array.from({ length: 9 }, () => 7), expected: 0 },
  ])('$xs.length values', ({ xs, expected }) => {
    expect(medianHalfWidth(xs)).toBeCloseTo(expected, 12);
  });

  it('shrinks like 1 / sqrt(n)', () => {
    const wide = medianHalfWidth(timings({ center: 10, n: 25, sigma: 0.1, seed: 20 }));
    const narrow = medianHalfWidth(timings({ center: 10, n: 400, sigma: 0.1, seed: 20 }));
    expect(narrow).toBeLessThan(wide / 2.5);
  });
});

/** Samples taken side by side in rounds: each round's machine factor hits both sides alike. */
function drifting(options: { n: number; ratio: number; drift: number; own: number; seed: number }) {
  const machine = timings({ center: 1, n: options.n, sigma: options.drift, seed: options.seed });
  const own = (seed: number) => timings({ center: 1, n: options.n, sigma: options.own, seed });
  const candidate = own(options.seed + 1).map((x, i) => x * machine[i]! * options.ratio * 1e-3);
  const baseline = own(options.seed + 2).map((x, i) => x * machine[i]! * 1e-3);
  const rounds = machine.map((_, i) => i);
  return { candidate, baseline, rounds };
}

describe('paired by round', () => {
  it.each([
    // The exact two-sided p-values of scipy.stats.wilcoxon(d) (and of counting all 2^n sign patterns).
    { d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 2 / 1024 },
    { d: [-1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 4 / 1024 },
    { d: [1, -2, 3, -4, 5, -6, 7, -8], p: 0.84375 },
    { d: [0, 0, 0], p: 1 },
    // Zeros dropped: the nine others, all positive.
    { d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], p: 2 / 512 },
  ])('signedRankTest($d) = $p', ({ d, p }) => {
    expect(signedRankTest(d)).toBeCloseTo(p, 12);
  });

  it('with ties, the normal approximation with tie and continuity corrections', () => {
    // scipy.stats.wilcoxon(d, correction=True, method='approx').pvalue
    expect(signedRankTest([1, 1, 1, 1, 2, 2, 2, -1, 3, 3, 3])).toBeCloseTo(0.007815795544847248, 6);
  });

  it('a 35% slowdown under heavy machine drift: caught paired, missed unpaired', () => {
    const { candidate, baseline, rounds } = drifting({
      n: 12,
      ratio: 1.35,
      drift: 0.25,
      own: 0.05,
      seed: 30,
    });
    const paired = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ benchmarks: [{ ...bench('b', candidate), rounds }] }),
          base: side({ benchmarks: [{ ...bench('b', baseline), rounds }] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    expect(paired.findings).toEqual([
      expect.objectContaining({
        kind: 'regression',
        against: 'base',
        name: 'b',
        detail: expect.stringContaining('12 runs a side, paired by round'),
      }),
    ]);
    expect(paired.findings[0]!.change).toBeGreaterThan(1.25);
    expect(paired.findings[0]!.change).toBeLessThan(1.45);
    const unpaired = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ benchmarks: [bench('b', candidate)] }),
          base: side({ benchmarks: [bench('b', baseline)] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    // Unpaired, the same runs carry far less evidence: a family of a few dozen comparisons would
    // leave it undecided. Paired, the signed-rank test gave the figures, its p doubled for the two
    // tests measureChange ran.
    const pairedSummary = paired.variants.get('3.13')!.benchmarks[0]!.vsBase!;
    const unpairedP = unpaired.variants.get('3.13')!.benchmarks[0]!.vsBase!.pValue;
    expect(pairedSummary).toMatchObject({ method: 'paired' });
    expect(unpaired.variants.get('3.13')!.benchmarks[0]!.vsBase).toMatchObject({ method: 'independent' });
    expect((pairedSummary.pValue / 2) * 10).toBeLessThan(unpairedP);
  });

  it.each([
    // Walsh averages k and N + 1 - k, k - 1 the signed-rank test's two-sided 5% critical value
    // from the published tables: 8 at n = 10, 29 at n = 16, 137 at n = 30.
    { n: 10, k: 9 },
    { n: 16, k: 30 },
    { n: 30, k: 138 },
    // Too few values for 95% (P(W = 0) = 1/32 > 0.025): the whole range.
    { n: 5, k: 1 },
  ])('signedRankInterval of 1..$n: the Walsh averages $k from either end', ({ n, k }) => {
    const xs = Array.from({ length: n }, (_, i) => n - i);
    const walsh: number[] = [];
    for (let i = 1; i <= n; i++) for (let j = i; j <= n; j++) walsh.push((i + j) / 2);
    walsh.sort((a, b) => a - b);
    expect(signedRankInterval(xs, 0.95)).toEqual({
      estimate: (n + 1) / 2,
      low: walsh[k - 1],
      high: walsh[walsh.length - k],
    });
  });

  it("the paired interval agrees with the paired test: CI's 4 of 16 pairs turned the wrong way", () => {
    // Round by round from CI of bff0649 (3.13, head 35% slower): base's processes 2x slow in 7
    // rounds, head's in 4. Significant, and the interval now says so too; the 4th smallest ratio
    // (the median's order-statistic interval) was 0.79.
    const head = [
      1.169, 1.16, 2.04, 1.251, 1.223, 1.227, 1.225, 1.222, 1.233, 2.075, 1.24, 1.227, 1.18, 2.121, 1.233,
      2.168,
    ];
    const base = [
      0.875, 0.858, 0.871, 0.881, 0.872, 1.598, 0.879, 0.892, 0.886, 1.53, 1.566, 1.612, 1.544, 1.605, 0.878,
      1.568,
    ];
    const pairs = head.map((h, i) => ({ candidate: h, baseline: base[i]! }));
    const decided = comparePairs({ pairs, threshold: 0.1, alpha: 0.05 });
    expect(decided.pValue).toBeLessThan(0.002);
    expect(decided.low).toBeGreaterThan(1);
    expect(decided.ratio).toBeGreaterThan(1.25);
    expect(decided.verdict).toBe('regression');
  });

  it('an interval wholly beyond the threshold no longer decides alone: the significance does', () => {
    // 2 of 16 pairs point the wrong way (runs on a busy core): signed-rank p = 0.0077 (ties: the
    // normal approximation). The median's order-statistic interval, [1.25, 1.43], lay beyond 1.1
    // and once made it a regression at alpha 0.002; the Walsh interval is [1.06, 1.41].
    const ratios = [
      1.3, 0.76, 1.57, 0.71, 1.2, 1.3, 1.43, 1.25, 1.48, 1.36, 1.42, 1.41, 1.27, 1.35, 1.41, 1.39,
    ];
    const pairs = ratios.map((r) => ({ candidate: r, baseline: 1 }));
    const strict = comparePairs({ pairs, threshold: 0.1, alpha: 0.002 });
    expect(strict.pValue).toBeGreaterThan(0.002);
    expect(strict.low).toBeCloseTo(1.0606, 4);
    expect(strict.ratio).toBeCloseTo(1.3376, 4);
    expect(strict).toMatchObject({ verdict: 'inconclusive', undecided: 'noisy' });
    expect(comparePairs({ pairs, threshold: 0.1, alpha: 0.05 })).toMatchObject({ verdict: 'regression' });
  });

  it('A/A under the same drift: 200 paired comparisons, no finding', () => {
    let flagged = 0;
    for (let seed = 100; seed < 300; seed++) {
      const { candidate, baseline, rounds } = drifting({
        n: 12,
        ratio: 1,
        drift: 0.25,
        own: 0.08,
        seed: seed * 3,
      });
      const verdict = comparePairs({
        pairs: rounds.map((i) => ({ candidate: candidate[i]!, baseline: baseline[i]! })),
        threshold: 0.1,
      }).verdict;
      if (verdict === 'regression' || verdict === 'improvement') flagged++;
    }
    expect(flagged).toBe(0);
  });

  // CI's own figures (3.13, head 35% slower than base, 16 rounds): 3 processes a side ran 2x slow
  // on a contended core, each on its own, so their pairs pointed the wrong way.
  const contendedHead = [
    2.181, 2.071, 1.159, 2.048, 1.141, 1.141, 1.154, 2.101, 1.142, 1.142, 1.144, 1.161, 1.14, 1.145, 1.145,
    1.147,
  ].map((ms) => ms * 1e-3);
  const contendedBase = [
    0.821, 0.831, 1.639, 0.837, 1.538, 0.852, 0.82, 0.823, 1.598, 0.819, 0.93, 0.816, 0.889, 0.823, 0.824,
    0.826,
  ].map((ms) => ms * 1e-3);

  it('whole processes 2x slow on their own: Mann-Whitney decides where pairing turned against the test', () => {
    const rounds = contendedHead.map((_, i) => i);
    const pairedAlone = signedRankTest(contendedHead.map((h, i) => Math.log(h / contendedBase[i]!)));
    expect(pairedAlone).toBeGreaterThan(0.01);
    const result = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ benchmarks: [{ ...bench('b', contendedHead), rounds }] }),
          base: side({ benchmarks: [{ ...bench('b', contendedBase), rounds }] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    const summary = result.variants.get('3.13')!.benchmarks[0]!.vsBase!;
    expect(summary).toMatchObject({ verdict: 'regression', method: 'independent', n: 16 });
    // Doubled for the two tests, and still ten times below what pairing alone gave.
    expect(summary.pValue * 10).toBeLessThan(pairedAlone);
    expect(summary.ratio).toBeGreaterThan(1.3);
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'regression',
        detail: expect.stringContaining('at least 16 runs a side'),
      }),
    ]);
  });

  it.each([
    { noise: 'drift shared by a round', slow: 0, drift: 0.25 },
    { noise: 'a fifth of processes 2x slow, each on its own', slow: 0.2, drift: 0 },
  ])('A/A, $noise: the better of the two tests, doubled, stays within its level', ({ slow, drift }) => {
    const random = mulberry32(77);
    const normal = () =>
      Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    const process = (machine: number) => machine * (random() < slow ? 2 : 1) * Math.exp(0.05 * normal());
    const rounds = Array.from({ length: 16 }, (_, i) => i);
    let below = 0;
    const draws = 1000;
    for (let d = 0; d < draws; d++) {
      const machine = rounds.map(() => Math.exp(drift * normal()));
      const change = measureChange({
        candidate: { samples: machine.map(process), rounds },
        baseline: { samples: machine.map(process), rounds },
      })!;
      if (change.pValue < 0.05) below++;
    }
    expect(below / draws).toBeLessThanOrEqual(0.05);
  });

  it('fewer than 10 rounds in common: the independent test decides', () => {
    const { candidate, baseline, rounds } = drifting({ n: 9, ratio: 1.5, drift: 0.01, own: 0.01, seed: 40 });
    const result = comparePerformance({
      variants: [
        {
          variant: '3.13',
          head: side({ startup: [{ ...startup(candidate), rounds }] }),
          base: side({ startup: [{ ...startup(baseline), rounds }] }),
        },
      ],
      reference: '3.13',
      threshold: 0.1,
    });
    expect(result.variants.get('3.13')!.startup[0]!.vsBase).toMatchObject({
      method: 'independent',
      n: 9,
      verdict: 'regression',
    });
  });
});
