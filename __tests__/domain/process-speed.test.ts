import { describe, expect, it } from 'vitest';
import { comparePerformance, type MeasuredVariant } from '../../src/domain/compare.js';
import { MIN_BENCHMARKS_TO_SPLIT, splitByProcessSpeed } from '../../src/domain/process-speed.js';
import { median, mulberry32, shiftInterval } from '../../src/domain/stats.js';

/**
 * A side of `runs` processes running `benchmarks` benchmarks: each process slow by `slow(r)`
 * (its core, its moment), each figure with a little noise of its own, some benchmarks changed.
 */
function side(options: {
  benchmarks: number;
  runs: number;
  seed: number;
  slow: (round: number) => number;
  factor?: (benchmark: number) => number;
}) {
  const random = mulberry32(options.seed);
  return Array.from({ length: options.benchmarks }, (_, b) => {
    const samples = Array.from(
      { length: options.runs },
      (_, r) =>
        1e-5 *
        (1 + b / 10) *
        options.slow(r) *
        (options.factor?.(b) ?? 1) *
        Math.exp(0.04 * (random() - 0.5)),
    );
    return {
      name: `b${b}`,
      samples,
      rounds: samples.map((_, r) => r),
      median: median(samples),
      unit: 's' as const,
    };
  });
}

describe('shiftInterval', () => {
  it('is the median of the pairwise differences, with the whole range when too few for 95%', () => {
    expect(shiftInterval([1, 2, 3], [0])).toEqual({ shift: 2, low: 1, high: 3 });
  });

  it('gives the Moses interval: ranks k and nm + 1 - k of the differences', () => {
    // 10 v 10: k = floor(50 - 1.96 * sqrt(100 * 21 / 12) - 0.5) = 23, so ranks 23 and 78 of 100.
    const a = Array.from({ length: 10 }, (_, i) => i);
    const b = Array.from({ length: 10 }, (_, i) => i * 0.5);
    const differences = a.flatMap((x) => b.map((y) => x - y)).sort((x, y) => x - y);
    const { shift, low, high } = shiftInterval(a, b);
    expect(shift).toBe(median(differences));
    expect(low).toBe(differences[22]);
    expect(high).toBe(differences[77]);
  });

  it('is not moved by one slow outlier', () => {
    const base = [1, 1.01, 0.99, 1.02, 0.98, 1, 1.01, 0.99, 1, 1];
    const head = base.map((x) => x + 0.2);
    const outlier = [...base.slice(0, 9), 5];
    expect(shiftInterval(head, outlier).shift).toBeCloseTo(shiftInterval(head, base).shift, 2);
  });
});

describe('splitByProcessSpeed', () => {
  it('needs MIN_BENCHMARKS_TO_SPLIT benchmarks with rounds on both sides', () => {
    const few = side({ benchmarks: MIN_BENCHMARKS_TO_SPLIT - 1, runs: 10, seed: 1, slow: () => 1 });
    expect(splitByProcessSpeed({ candidate: few, baseline: few })).toBeNull();
    const noRounds = side({ benchmarks: 20, runs: 10, seed: 1, slow: () => 1 }).map(
      ({ rounds: _, ...b }) => b,
    );
    expect(splitByProcessSpeed({ candidate: noRounds, baseline: noRounds })).toBeNull();
  });

  it('takes out each process speed: a third of one side 1.4x slow leaves each benchmark near 1', () => {
    const candidate = side({ benchmarks: 50, runs: 12, seed: 2, slow: (r) => (r % 3 === 0 ? 1.4 : 1) });
    const baseline = side({ benchmarks: 50, runs: 12, seed: 3, slow: () => 1 });
    const split = splitByProcessSpeed({ candidate, baseline })!;
    for (const figures of split.benchmarks.values()) {
      expect(figures.ratio).toBeGreaterThan(0.97);
      expect(figures.ratio).toBeLessThan(1.03);
    }
    // The suite carries the slow processes: its interval reaches up to them.
    expect(split.suite.high).toBeGreaterThan(1.1);
  });
});

describe('comparePerformance, split by process speed', () => {
  const variant = (head: ReturnType<typeof side>, base: ReturnType<typeof side>): MeasuredVariant[] => [
    { variant: '3.13', head: { startup: [], benchmarks: head }, base: { startup: [], benchmarks: base } },
  ];

  it('same code, slow processes on one side only: no regression', () => {
    const head = side({ benchmarks: 100, runs: 12, seed: 4, slow: (r) => (r < 5 ? 1.45 : 1) });
    const base = side({ benchmarks: 100, runs: 12, seed: 5, slow: () => 1 });
    const result = comparePerformance({ variants: variant(head, base), reference: '3.13', threshold: 0.1 });
    expect(result.findings.filter((f) => f.kind === 'regression')).toEqual([]);
  });

  it('one benchmark 25% slower among 100, with slow processes on both sides: that one, alone', () => {
    const slow = (r: number) => (r % 4 === 1 ? 1.4 : 1);
    const head = side({ benchmarks: 100, runs: 12, seed: 6, slow, factor: (b) => (b === 42 ? 1.25 : 1) });
    const base = side({ benchmarks: 100, runs: 12, seed: 7, slow: (r) => (r % 3 === 0 ? 1.4 : 1) });
    const result = comparePerformance({ variants: variant(head, base), reference: '3.13', threshold: 0.1 });
    expect(result.findings.filter((f) => f.kind === 'regression').map((f) => f.name)).toEqual(['b42']);
    const b42 = result.variants.get('3.13')!.benchmarks[42]!.vsBase!;
    expect(b42.ratio).toBeGreaterThan(1.2);
    expect(b42.ratio).toBeLessThan(1.3);
  });

  it('everything 25% slower: the suite is a regression, and so is each benchmark, on the suite test', () => {
    const head = side({ benchmarks: 30, runs: 12, seed: 8, slow: () => 1.25 });
    const base = side({ benchmarks: 30, runs: 12, seed: 9, slow: () => 1 });
    const result = comparePerformance({ variants: variant(head, base), reference: '3.13', threshold: 0.1 });
    const regressions = result.findings.filter((f) => f.kind === 'regression');
    expect(regressions.map((f) => f.name)).toContain('the whole suite (30 benchmarks)');
    expect(regressions).toHaveLength(31);
    expect(result.variants.get('3.13')!.throughput.suite?.vsBase).toMatchObject({ verdict: 'regression' });
  });

  it('a small real change beyond the suite is not called 10% because the suite may have moved', () => {
    // Benchmark 0 is 4% slower, precisely; the suite looks 8% slower from two slow head processes,
    // which its own test cannot tell from luck.
    const head = side({
      benchmarks: 40,
      runs: 10,
      seed: 10,
      slow: (r) => (r < 2 ? 1.5 : 1.0),
      factor: (b) => (b === 0 ? 1.04 : 1),
    });
    const base = side({ benchmarks: 40, runs: 10, seed: 11, slow: () => 1 });
    const result = comparePerformance({ variants: variant(head, base), reference: '3.13', threshold: 0.1 });
    expect(result.findings.filter((f) => f.kind === 'regression')).toEqual([]);
  });
});
