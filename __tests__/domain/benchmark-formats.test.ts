import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseBenchmarkResults } from '../../src/domain/benchmark-formats.js';
import { threadCount } from '../../src/domain/thread-scaling.js';

const fixture = (name: string): string => {
  const bytes = readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url));
  // The caller gunzips pyperf's .json.gz before parsing; the test does the same.
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

describe('parseBenchmarkResults on real files', () => {
  // Expected figures: Python's statistics.median over the same values (stats.data for
  // pytest-benchmark, every run's `values` for pyperf, `times` for hyperfine), which is also
  // what pytest-benchmark's stats.median and hyperfine's median say for these files.
  it.each([
    {
      file: 'parse-3.13.json',
      format: 'pytest-benchmark',
      expected: [
        {
          name: 'benchmarks/test_bench.py::test_parse',
          count: 382,
          first: 0.0007211900001493632,
          last: 0.0006317710003713728,
          median: 0.0006766404999325459,
        },
      ],
    },
    {
      file: 'parse-3.13t.json',
      format: 'pytest-benchmark',
      expected: [
        {
          name: 'benchmarks/test_bench.py::test_parse',
          count: 94,
          first: 0.0009120329996221699,
          last: 0.000832069999887608,
          median: 0.0007393195000986452,
        },
      ],
    },
    {
      // 41 runs: one calibration run (warmups only, skipped) and 40 of 3 values each.
      file: 'telco.json',
      format: 'pyperf',
      expected: [
        {
          name: 'telco',
          count: 120,
          first: 0.022752201875846367,
          last: 0.02241712374961935,
          median: 0.022503604250232456,
        },
      ],
    },
    {
      // Names in each benchmark's metadata, unit 'second' hoisted to the file's metadata.
      file: 'mult_list_py38.json',
      format: 'pyperf',
      expected: [
        {
          name: '[1]*1000',
          count: 60,
          first: 2.138467605217187e-6,
          last: 2.1262310028191678e-6,
          median: 2.1220532153698457e-6,
        },
        {
          name: '[1,2]*1000',
          count: 60,
          first: 3.138400298752231e-6,
          last: 3.131252532817541e-6,
          median: 3.162649353072311e-6,
        },
        {
          name: '[1,2,3]*1000',
          count: 60,
          first: 4.483305725777598e-6,
          last: 4.137439636231477e-6,
          median: 4.147379638386184e-6,
        },
      ],
    },
    {
      file: 'py3.json.gz',
      format: 'pyperf',
      expected: [
        {
          name: 'timeit',
          count: 60,
          first: 4.15459393376949e-6,
          last: 4.2053612068215784e-6,
          median: 4.201391677671751e-6,
        },
      ],
    },
    {
      file: 'startup.json',
      format: 'hyperfine',
      expected: [
        {
          name: '/opt/hostedtoolcache/Python/3.13.5/x64/bin/python3.13 -c pass',
          count: 15,
          first: 0.038375023,
          last: 0.039682026,
          median: 0.028330387000000002,
        },
        {
          name: '/opt/hostedtoolcache/Python/3.13.5/x64-freethreaded/bin/python3.13t -c pass',
          count: 15,
          first: 0.050345616,
          last: 0.039490162,
          median: 0.039490162,
        },
      ],
    },
  ])('$file is $format', ({ file, format, expected }) => {
    const result = parseBenchmarkResults(fixture(file), file);
    expect(result.format).toBe(format);
    expect(
      result.benchmarks.map((b) => ({
        name: b.name,
        count: b.rounds.length,
        first: b.rounds[0],
        last: b.rounds.at(-1),
        median: b.median,
      })),
    ).toEqual(expected);
  });

  // The figure a run gives its comparisons: pytest-benchmark's rounds share one process, so its
  // fastest round (what the file's stats.min says too); pyperf and hyperfine: the median.
  it.each([
    { file: 'parse-3.13.json', figures: [0.0003643609998107422] },
    { file: 'parse-3.13t.json', figures: [0.0006763249994037324] },
    {
      file: 'parallel-threads-3.13t.json',
      figures: [0.008426853000855772, 0.006253420000575716, 0.007692253000641358],
    },
  ])('$file gives its fastest rounds as figures', ({ file, figures }) => {
    const { benchmarks } = parseBenchmarkResults(fixture(file), file);
    expect(benchmarks.map((b) => b.figure)).toEqual(figures);
    for (const b of benchmarks) expect(b.figure).toBe(Math.min(...b.rounds));
  });

  it.each(['telco.json', 'startup.json'])('%s gives its medians as figures', (file) => {
    const { benchmarks } = parseBenchmarkResults(fixture(file), file);
    expect(benchmarks.length).toBeGreaterThan(0);
    for (const b of benchmarks) expect(b.figure).toBe(b.median);
  });

  it('tells the format by the content, not the name', () => {
    expect(parseBenchmarkResults(fixture('telco.json'), 'hyperfine.json').format).toBe('pyperf');
    expect(parseBenchmarkResults(fixture('startup.json'), 'benchmark.json').format).toBe('hyperfine');
  });
});

describe('parseBenchmarkResults on edge cases', () => {
  const pyperf = (options: { suite?: object; bench?: object; runs: object[]; version?: unknown }) =>
    JSON.stringify({
      version: options.version ?? '1.0',
      metadata: options.suite ?? { name: 'suite-name' },
      benchmarks: [{ ...(options.bench ? { metadata: options.bench } : {}), runs: options.runs }],
    });

  it.each([
    {
      name: 'pytest-benchmark without stats.data: the median alone',
      text: JSON.stringify({
        machine_info: {},
        benchmarks: [
          { name: 'test_x', fullname: 'tests/test_a.py::test_x', stats: { median: 0.25, mean: 0.3 } },
        ],
      }),
      format: 'pytest-benchmark',
      benchmarks: [{ name: 'tests/test_a.py::test_x', rounds: [0.25], median: 0.25, figure: 0.25 }],
    },
    {
      name: 'pytest-benchmark without stats.data: stats.min is the figure',
      text: JSON.stringify({
        machine_info: {},
        benchmarks: [{ name: 'test_x', fullname: 'a.py::test_x', stats: { median: 0.25, min: 0.2 } }],
      }),
      format: 'pytest-benchmark',
      benchmarks: [{ name: 'a.py::test_x', rounds: [0.25], median: 0.25, figure: 0.2 }],
    },
    {
      name: 'pytest-benchmark without fullname',
      text: JSON.stringify({ benchmarks: [{ name: 'test_y', stats: { data: [3, 1, 2] } }] }),
      format: 'pytest-benchmark',
      benchmarks: [{ name: 'test_y', rounds: [3, 1, 2], median: 2, figure: 1 }],
    },
    {
      name: 'pytest-benchmark where every benchmark was skipped',
      text: JSON.stringify({
        machine_info: { node: 'x' },
        commit_info: {},
        benchmarks: [],
        version: '5.1.0',
      }),
      format: 'pytest-benchmark',
      benchmarks: [],
    },
    {
      name: 'pyperf: benchmark metadata overrides the file, warmups and calibration runs skipped',
      text: pyperf({
        bench: { name: 'bench-name', loops: 4 },
        runs: [
          {
            metadata: { calibrate_loops: 4 },
            warmups: [
              [1, 9],
              [2, 9],
              [4, 9],
            ],
          },
          { warmups: [[4, 9]], values: [1, 2] },
          { warmups: [[4, 9]], values: [4] },
        ],
      }),
      format: 'pyperf',
      benchmarks: [{ name: 'bench-name', rounds: [1, 2, 4], median: 2, figure: 2 }],
    },
    {
      name: 'pyperf: the name from the run metadata when nothing is hoisted',
      text: pyperf({ suite: {}, runs: [{ metadata: { name: 'from-run', unit: 'second' }, values: [0.5] }] }),
      format: 'pyperf',
      benchmarks: [{ name: 'from-run', rounds: [0.5], median: 0.5, figure: 0.5 }],
    },
    {
      name: 'pyperf format version 6 (pyperf 0.9.6)',
      text: pyperf({ version: 6, runs: [{ values: [0.5, 1.5] }] }),
      format: 'pyperf',
      benchmarks: [{ name: 'suite-name', rounds: [0.5, 1.5], median: 1, figure: 1 }],
    },
    {
      name: 'hyperfine without times: the median alone',
      text: JSON.stringify({ results: [{ command: 'sleep 0.1', mean: 0.11, median: 0.105 }] }),
      format: 'hyperfine',
      benchmarks: [{ name: 'sleep 0.1', rounds: [0.105], median: 0.105, figure: 0.105 }],
    },
  ])('$name', ({ text, format, benchmarks }) => {
    expect(parseBenchmarkResults(text, 'out.json')).toEqual({ format, benchmarks });
  });

  it.each([
    {
      name: 'not JSON',
      text: '============ 3 passed in 0.1s ============',
      message: /^bench\/out\.json is not JSON .*pytest-benchmark .*pyperf .*hyperfine/,
    },
    {
      name: 'JSON of another kind',
      text: JSON.stringify({ tests: [] }),
      message: /^bench\/out\.json is not a benchmark result .*pytest-benchmark .*pyperf .*hyperfine/,
    },
    { name: 'a JSON array', text: '[1, 2]', message: /^bench\/out\.json is not a benchmark result/ },
    {
      name: 'a pyperf memory benchmark',
      text: pyperf({ bench: { name: 'tracemalloc', unit: 'byte' }, runs: [{ values: [1024] }] }),
      message: /^bench\/out\.json: pyperf benchmark "tracemalloc" is measured in byte, not time/,
    },
    {
      name: 'a pyperf file format older than 0.9.6',
      text: pyperf({ version: 5, runs: [{ values: [1] }] }),
      message: /^bench\/out\.json: pyperf file format version 5 is not supported/,
    },
    {
      name: 'a pyperf benchmark of calibration runs only',
      text: pyperf({ runs: [{ warmups: [[1, 0.5]] }] }),
      message: /^bench\/out\.json: benchmark "suite-name" has no timings/,
    },
    {
      name: 'a timing that is not a number',
      text: JSON.stringify({ results: [{ command: 'x', times: [0.1, 'fast'] }] }),
      message: /^bench\/out\.json: benchmark "x" has "fast" where a time in seconds belongs/,
    },
  ])('refuses $name, naming the file', ({ text, message }) => {
    expect(() => parseBenchmarkResults(text, 'bench/out.json')).toThrow(message);
  });
});

describe('parameters, where the format names them', () => {
  // Real files: examples/ `test_parallel_count` (parametrized over threads) under 3.13t, and
  // `hyperfine -N --parameter-scan threads 1 2` of a 3.13t command.
  it('keeps pytest-benchmark params and hyperfine parameters, as strings, for thread scaling', () => {
    const pytest = parseBenchmarkResults(fixture('parallel-threads-3.13t.json'), 'p.json');
    expect(pytest.benchmarks.map((b) => [b.name, b.params])).toEqual(
      [1, 2, 4].map((n) => [
        `benchmarks/test_bench_wordfreq.py::test_parallel_count[${n}]`,
        { threads: String(n) },
      ]),
    );
    expect(new Set(pytest.benchmarks.map((b) => threadCount(b)?.workload))).toEqual(
      new Set(['benchmarks/test_bench_wordfreq.py::test_parallel_count[N]']),
    );
    const scan = parseBenchmarkResults(fixture('hyperfine-threads-3.13t.json'), 'h.json');
    expect(scan.benchmarks.map((b) => b.params)).toEqual([{ threads: '1' }, { threads: '2' }]);
    expect(new Set(scan.benchmarks.map((b) => threadCount(b)?.workload))).toEqual(
      new Set([
        "python3.13t -c 'import threading; [t.start() or t.join() for t in [threading.Thread(target=sum, args=(range(10**6),)) for _ in range(N)]]'",
      ]),
    );
  });

  it('has no params where the file has none', () => {
    const plain = parseBenchmarkResults(fixture('parse-3.13.json'), 'p.json');
    expect(plain.benchmarks[0]?.params).toBeUndefined();
  });
});

describe('the interpreter that wrote the results', () => {
  const fixture = (name: string): string => {
    const raw = readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url));
    return name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  };
  it.each([
    ['parse-3.13t.json', { version: '3.13.5' }],
    ['py3.json.gz', { version: '3.5.2', executable: '/usr/bin/python3' }],
    ['hyperfine-threads-3.13t.json', undefined],
  ])('%s: %j', (name, interpreter) => {
    expect(parseBenchmarkResults(fixture(name), name).interpreter).toEqual(interpreter);
  });
});
