import { describe, expect, it } from 'vitest';
import { comparePerformance, type MeasuredVariant } from '../../src/domain/compare.js';
import { holmAdjust, pValueFloor, runsNeeded } from '../../src/domain/multiplicity.js';
import { median, mulberry32 } from '../../src/domain/stats.js';

describe('holmAdjust', () => {
  // Hand-computed, and the same as R's p.adjust(p, "holm").
  it.each([
    { p: [0.01, 0.04, 0.03, 0.005], adjusted: [0.03, 0.06, 0.06, 0.02] },
    // Step-down: the smallest times m, the next times m - 1, made monotone.
    { p: [0.001, 0.01, 0.02, 0.2, 0.9], adjusted: [0.005, 0.04, 0.06, 0.4, 0.9] },
    { p: [0.5, 0.5], adjusted: [1, 1] },
    { p: [0.01, 0.01, 0.2], adjusted: [0.03, 0.03, 0.2] },
    { p: [0.04], adjusted: [0.04] },
    { p: [], adjusted: [] },
  ])('$p -> $adjusted', ({ p, adjusted }) => {
    const result = holmAdjust(p);
    expect(result).toHaveLength(adjusted.length);
    result.forEach((x, i) => expect(x).toBeCloseTo(adjusted[i]!, 12));
  });

  it('refuses what is not a p-value', () => {
    expect(() => holmAdjust([0.1, 1.5])).toThrow(RangeError);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });
});

describe('pValueFloor and runsNeeded', () => {
  it.each([
    { method: 'paired' as const, n: 10, floor: 2 / 1024 },
    { method: 'paired' as const, n: 16, floor: 2 / 65536 },
    // Mann-Whitney, 10 v 10: 2 / C(20, 10).
    { method: 'independent' as const, n: 10, floor: 2 / 184756 },
    { method: 'independent' as const, n: 3, floor: 2 / 20 },
  ])('$method, n = $n: $floor', ({ method, n, floor }) => {
    expect(pValueFloor({ method, n })).toBeCloseTo(floor, 12);
  });

  it.each([
    { family: 1, runs: 10 },
    { family: 20, runs: 13 },
    { family: 1200, runs: 19 },
  ])('a family of $family needs $runs paired runs', ({ family, runs }) => {
    expect(runsNeeded({ family })).toBe(runs);
    // With that many pairs, two wrong-signed small pairs still clear Holm's first step, doubled
    // for the two tests measureChange runs.
    expect(2 * (10 / 2 ** runs) * family).toBeLessThan(0.05);
  });

  it.each([
    { family: 1, runs: 21 },
    { family: 600, runs: 49 },
    { family: 1200, runs: 52 },
  ])('a family of $family split by process speed needs $runs runs a side', ({ family, runs }) => {
    expect(runsNeeded({ family, method: 'split' })).toBe(runs);
  });
});

/** n per-round timings of one process each: a shared per-round drift and each process's own noise. */
function rounds(options: { n: number; random: () => number; drift: number[]; factor: number }): number[] {
  const normal = (): number =>
    Math.sqrt(-2 * Math.log(Math.max(options.random(), 1e-12))) * Math.cos(2 * Math.PI * options.random());
  return Array.from(
    { length: options.n },
    (_, r) => options.factor * options.drift[r]! * Math.exp(0.06 * normal()),
  );
}

function suite(options: {
  benchmarks: number;
  n: number;
  seed: number;
  slower: ReadonlySet<number>;
}): MeasuredVariant {
  const random = mulberry32(options.seed);
  const drift = Array.from({ length: options.n }, () => Math.exp(0.2 * (random() - 0.5)));
  const side = (head: boolean) => ({
    startup: [],
    benchmarks: Array.from({ length: options.benchmarks }, (_, b) => {
      const samples = rounds({
        n: options.n,
        random,
        drift,
        factor: head && options.slower.has(b) ? 1.2 : 1,
      });
      return {
        name: `b${b}`,
        samples,
        rounds: samples.map((_, r) => r),
        median: median(samples),
        unit: 's' as const,
      };
    }),
  });
  return { variant: '3.13', head: side(true), base: side(false) };
}

describe('comparePerformance over a family', () => {
  it('same code, 200 benchmarks: at most a few of 60 pull requests fail, where uncorrected tests fail most', () => {
    let failed = 0;
    let uncorrected = 0;
    for (let trial = 0; trial < 60; trial++) {
      const variants = [suite({ benchmarks: 200, n: 16, seed: 1000 + trial, slower: new Set() })];
      const result = comparePerformance({ variants, reference: '3.13', threshold: 0.1 });
      if (result.findings.some((f) => f.kind === 'regression')) failed++;
      const raw = result.variants.get('3.13')!.benchmarks.map((b) => b.vsBase!);
      if (raw.some((s) => s.pValue < 0.05 && s.ratio > 1)) uncorrected++;
      // 200 benchmarks beyond the suite, and the suite itself (process-speed.ts).
      expect(result.statistics).toMatchObject({ method: 'holm', family: 201, alpha: 0.05 });
    }
    expect(failed).toBeLessThanOrEqual(3);
    expect(uncorrected).toBeGreaterThan(30);
  });

  it('a 20% slowdown in 10 of 200 benchmarks is caught, with no false one among the other 190', () => {
    const slower = new Set([3, 17, 40, 55, 90, 101, 130, 150, 170, 199]);
    const variants = [suite({ benchmarks: 200, n: 20, seed: 7, slower })];
    const result = comparePerformance({ variants, reference: '3.13', threshold: 0.1 });
    const flagged = new Set(result.findings.filter((f) => f.kind === 'regression').map((f) => f.name));
    expect([...slower].filter((b) => flagged.has(`b${b}`)).length).toBeGreaterThanOrEqual(9);
    expect([...flagged].filter((name) => !slower.has(Number(name!.slice(1))))).toEqual([]);
  });

  it('too few runs for the family: undecided, and said to be', () => {
    const variants = [suite({ benchmarks: 200, n: 5, seed: 8, slower: new Set([1]) })];
    const result = comparePerformance({ variants, reference: '3.13', threshold: 0.1 });
    // 5 runs a side: Mann-Whitney's p >= 2 / C(10, 5) = 0.0079, far above 0.05 / 201.
    expect(result.findings.filter((f) => f.kind === 'regression')).toEqual([]);
    const b1 = result.variants.get('3.13')!.benchmarks[1]!.vsBase!;
    expect(b1).toMatchObject({ verdict: 'inconclusive', undecided: 'too-few-runs' });
    expect(result.statistics.groups).toEqual([
      expect.objectContaining({ against: 'base', metric: 'throughput', compared: 201 }),
    ]);
    expect(result.statistics.groups[0]!.tooFewRuns).toBeGreaterThan(0);
  });

  it('10 runs a side: split by process speed, a 20% slowdown is caught where ten pairs could not reach the level', () => {
    const variants = [suite({ benchmarks: 200, n: 10, seed: 8, slower: new Set([1]) })];
    const result = comparePerformance({ variants, reference: '3.13', threshold: 0.1 });
    expect(result.findings.filter((f) => f.kind === 'regression').map((f) => f.name)).toEqual(['b1']);
    // Ten pairs' signed-rank test cannot go below 2 / 1024, far above 0.05 / 201.
    expect(pValueFloor({ method: 'paired', n: 10 })).toBeGreaterThan(0.05 / 201);
    expect(result.variants.get('3.13')!.benchmarks[1]!.vsBase).toMatchObject({
      verdict: 'regression',
      method: 'normalized',
    });
  });
});
