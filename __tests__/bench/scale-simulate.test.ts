// The scale bench's simulated pull requests must keep what makes them faithful: head runs drawn
// from real head runs and base runs from real base runs (a bias between the trees stays in), the
// two sides of a round drawn together (the paired test sees the pairs the action sees), and an
// injected slowdown only where it was injected.
import { describe, expect, it } from 'vitest';
import {
  biasReport,
  simulatePullRequests,
  timerReport,
  type ScaleSamples,
} from '../../scripts/scale-simulate.js';
import { mulberry32 } from '../../src/domain/stats.js';

const ROUNDS = 40;
const NAMES = ['b0', 'b1', 'b2', 'b3', 'b4'];

/**
 * One variant, head and base of the same code: each run is 1 ms x the round's drift x its own
 * jitter (1 +- 0.5%), times `head` / `base` factors per benchmark where given.
 */
function samples(options: {
  drift?: (round: number) => number;
  head?: Readonly<Record<string, number>>;
  base?: Readonly<Record<string, number>>;
}): ScaleSamples {
  const random = mulberry32(7);
  const drift = options.drift ?? (() => 1);
  const side = (factors: Readonly<Record<string, number>> = {}) =>
    Object.fromEntries(
      NAMES.map((name) => {
        const rounds = Array.from({ length: ROUNDS }, (_, r) => r);
        const values = rounds.map(
          (r) => 1e-3 * drift(r) * (factors[name] ?? 1) * (1 + (random() - 0.5) / 100),
        );
        return [name, { samples: values, rounds }];
      }),
    );
  return {
    schema: 'cpv-bench-scale/1',
    measuredAt: '2026-12-01T00:00:00Z',
    variants: ['3.13'],
    reference: '3.13',
    command: 'python -m pytest',
    runs: ROUNDS,
    secondsPerProcess: 1,
    subjects: { '3.13@head': side(options.head), '3.13@base': side(options.base) },
    roundSeconds: { '3.13': { b0: 3e-6, b1: 30e-6 } },
    timerResolution: { '3.13': { declared: 1e-9, smallestStep: 60e-9 } },
  };
}

const simulate = (data: ScaleSamples, inject?: { count: number; factor: number }) =>
  simulatePullRequests({
    data,
    runsPerSide: 20,
    prs: 40,
    threshold: 0.1,
    seed: 3,
    draw: 'with-replacement',
    ...(inject ? { inject } : {}),
  });

describe('simulatePullRequests', () => {
  it('finds nothing where head and base runs are alike', () => {
    const result = simulate(samples({}));
    expect(result).toMatchObject({ prs: 40, failedGate: 0, falseRegressions: 0, falseImprovements: 0 });
  });

  it('keeps a bias of the head tree: every pull request fails on it', () => {
    const result = simulate(samples({ head: { b2: 1.3 } }));
    expect(result.failedGate).toBe(40);
    expect(result.withFalseRegression).toBe(40);
    expect(result.falseRegressions).toBe(40);
  });

  it('keeps a bias of the base tree: head comes out faster in every pull request, the gate passes', () => {
    const result = simulate(samples({ base: { b1: 1.3 } }));
    expect(result.falseImprovements).toBe(40);
    expect(result.failedGate).toBe(0);
  });

  it('draws the two sides of a round together, so a drift between rounds cancels in the pairs', () => {
    // Every other round the whole machine runs twice as slow: unpaired, a 20% slowdown drowns.
    const result = simulate(samples({ drift: (r) => (r % 2 === 0 ? 1 : 2) }), { count: 2, factor: 1.2 });
    expect(result.injected).toEqual({ total: 80, caught: 80 });
    expect(result.falseRegressions).toBe(0);
  });

  it('draws without replacement when asked, and refuses more runs than there are', () => {
    const data = samples({});
    const run = (runsPerSide: number) =>
      simulatePullRequests({
        data,
        runsPerSide,
        prs: 2,
        threshold: 0.1,
        seed: 1,
        draw: 'without-replacement',
      });
    expect(run(ROUNDS).prs).toBe(2);
    expect(() => run(ROUNDS + 1)).toThrow(/cannot draw 41 of 40/);
  });
});

describe('biasReport and timerReport', () => {
  it('shows a biased benchmark first, and what the action flags on all runs', () => {
    const report = biasReport({ data: samples({ head: { b3: 1.25 } }), threshold: 0.1 });
    expect(report.rows[0]).toMatchObject({ variant: '3.13', name: 'b3' });
    expect(report.rows[0]!.ratio).toBeCloseTo(1.25, 2);
    expect(report.flagged).toEqual([expect.objectContaining({ kind: 'regression', name: 'b3' })]);
  });

  it('measures rounds in timer steps: 3 µs of a 60 ns step is 50 steps, below the 100 needed', () => {
    const { rows, resolution } = timerReport(samples({}));
    expect(resolution['3.13']).toBe(60e-9);
    expect(rows.map((r) => [r.name, Math.round(r.ticks)])).toEqual([
      ['b0', 50],
      ['b1', 500],
    ]);
  });
});
