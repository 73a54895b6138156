import { describe, expect, it } from 'vitest';
import type { BenchmarkMetric } from '../../src/domain/report.js';
import { threadCount, threadScaling } from '../../src/domain/thread-scaling.js';

interface Case {
  readonly name: string;
  readonly params?: Record<string, string>;
  readonly workload?: string;
  readonly threads?: number;
}

describe('threadCount', () => {
  it.each<Case>([
    // pytest-benchmark: @pytest.mark.parametrize("threads", [...]) names the value in the id.
    { name: 'b.py::test_count[4]', params: { threads: '4' }, workload: 'b.py::test_count[N]', threads: 4 },
    {
      name: 'b.py::test_count[json-8]',
      params: { fmt: 'json', n_threads: '8' },
      workload: 'b.py::test_count[json-N]',
      threads: 8,
    },
    // The value also stands among other parameters: only the id is searched.
    { name: 'b.py::test_4way[4]', params: { Workers: '4' }, workload: 'b.py::test_4way[N]', threads: 4 },
    // A custom id that does not show the value: the parameter is spelled out.
    {
      name: 'b.py::test_count[four]',
      params: { threads: '4' },
      workload: 'b.py::test_count[threads=N]',
      threads: 4,
    },
    // hyperfine --parameter-scan threads 1 4: the command with the value put in.
    {
      name: 'python work.py --threads 2',
      params: { threads: '2' },
      workload: 'python work.py --threads N',
      threads: 2,
    },
    // pyperf: the name is all there is.
    { name: 'sum_squares threads=16', workload: 'sum_squares threads=N', threads: 16 },
    { name: 'queue-fanout[workers:3]', workload: 'queue-fanout[workers:N]', threads: 3 },
    { name: 'hash 8 threads', workload: 'hash N threads', threads: 8 },
    { name: 'hash_2threads', workload: 'hash_Nthreads', threads: 2 },
  ])('$name reads as $threads threads of $workload', ({ name, params, workload, threads }) => {
    expect(threadCount({ name, ...(params ? { params } : {}) })).toEqual({ workload, threads });
  });

  it.each<Case>([
    { name: 'b.py::test_count[4]', params: { size: '4' } },
    { name: 'b.py::test_count[0]', params: { threads: '0' } },
    { name: 'b.py::test_count[x]', params: { threads: 'many' } },
    { name: 'b.py::test_count[1.5]', params: { threads: '1.5' } },
    { name: 'threadsafe_dict_8' },
    { name: 'bench_py3.13 threads' },
    { name: 'test_pool' },
  ])('$name takes no thread count', ({ name, params }) => {
    expect(threadCount({ name, ...(params ? { params } : {}) })).toBeNull();
  });
});

/** One benchmark at `threads`, its runs in rounds 0..n-1 around `median` seconds. */
function point(
  threads: number,
  median: number,
  options: { runs?: number; noise?: number } = {},
): BenchmarkMetric {
  const runs = options.runs ?? 12;
  const noise = options.noise ?? 0.01;
  // A fixed zigzag, not random: the same numbers every time this test runs.
  const samples = Array.from({ length: runs }, (_, i) => median * (1 + (noise * (((i * 7) % 5) - 2)) / 2));
  return {
    name: `bench.py::test_work[${threads}]`,
    samples,
    rounds: samples.map((_, i) => i),
    median,
    unit: 's',
    params: { threads: String(threads) },
  };
}

describe('threadScaling', () => {
  const options = { reference: '3.13', threshold: 0.1 };

  it('says free-threading pays off when the free-threaded build at its fastest beats the reference at its fastest', () => {
    const curves = threadScaling({
      ...options,
      variants: [
        // With the GIL more threads only add switching.
        { variant: '3.13', benchmarks: [point(1, 1.0), point(2, 1.04), point(4, 1.1)] },
        // Without it: 1.4x slower alone, 2.6x faster than that at 4 threads.
        { variant: '3.13t', benchmarks: [point(4, 0.54), point(1, 1.4), point(2, 0.75)] },
      ],
    });
    const reference = curves.get('3.13')?.[0];
    expect(reference).toMatchObject({ name: 'bench.py::test_work[N]' });
    expect(reference?.points.map((p) => p.threads)).toEqual([1, 2, 4]);
    expect(reference?.best).toBeUndefined();
    const free = curves.get('3.13t')?.[0];
    expect(free?.points).toEqual([
      { threads: 1, seconds: 1.4, benchmark: 'bench.py::test_work[1]' },
      { threads: 2, seconds: 0.75, benchmark: 'bench.py::test_work[2]' },
      { threads: 4, seconds: 0.54, benchmark: 'bench.py::test_work[4]' },
    ]);
    expect(free?.best).toMatchObject({
      threads: 4,
      referenceThreads: 1,
      // Twelve rounds, every one apart: Mann-Whitney's p (2 / C(24, 12)) beats twelve pairs' (2 / 4096).
      vsReference: { verdict: 'improvement', method: 'independent' },
    });
    expect(free?.best?.vsReference.ratio).toBeCloseTo(0.54, 2);
  });

  it('says it does not pay off when the free-threaded build loses even at its fastest', () => {
    const curves = threadScaling({
      ...options,
      variants: [
        { variant: '3.13', benchmarks: [point(1, 1.0), point(2, 1.02)] },
        { variant: '3.13t', benchmarks: [point(1, 1.45), point(2, 1.3)] },
      ],
    });
    expect(curves.get('3.13t')?.[0]?.best).toMatchObject({
      threads: 2,
      referenceThreads: 1,
      vsReference: { verdict: 'regression' },
    });
  });

  it('claims nothing from a few noisy runs', () => {
    const curves = threadScaling({
      ...options,
      variants: [
        {
          variant: '3.13',
          benchmarks: [point(1, 1.0, { runs: 3, noise: 0.5 }), point(2, 1.0, { runs: 3, noise: 0.5 })],
        },
        {
          variant: '3.13t',
          benchmarks: [point(1, 1.2, { runs: 3, noise: 0.5 }), point(2, 0.8, { runs: 3, noise: 0.5 })],
        },
      ],
    });
    expect(curves.get('3.13t')?.[0]?.best?.vsReference.verdict).toBe('inconclusive');
  });

  it('the same code twice is never a payoff or a cost', () => {
    const same = [point(1, 1.0, { noise: 0.05 }), point(2, 0.6, { noise: 0.05 })];
    const curves = threadScaling({
      ...options,
      variants: [
        { variant: '3.13', benchmarks: same },
        { variant: 'again', benchmarks: same },
      ],
    });
    expect(curves.get('again')?.[0]?.best?.vsReference.verdict).toBe('unchanged');
  });

  it('leaves out benchmarks without a thread count, one count alone, and errored points', () => {
    const plain: BenchmarkMetric = { name: 'test_dict', samples: [1], median: 1, unit: 's' };
    const errored: BenchmarkMetric = { ...point(2, 1), samples: [], median: null, error: 'exited with 1' };
    const curves = threadScaling({
      ...options,
      variants: [
        { variant: '3.13', benchmarks: [plain, point(1, 1), errored] },
        { variant: '3.13t', benchmarks: [plain, point(1, 1.4), point(2, 0.8)] },
      ],
    });
    expect(curves.has('3.13')).toBe(false);
    // No curve on the reference to stand against: the points, no verdict.
    expect(curves.get('3.13t')?.[0]?.best).toBeUndefined();
    expect(curves.get('3.13t')?.[0]?.points).toHaveLength(2);
  });
});
