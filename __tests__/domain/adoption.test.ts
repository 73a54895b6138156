// The adoption rules, one row per rule (README: "Should you adopt this build?"), and the verdict's
// way through report.json: written, read back by mode `report`, renamed with its leg.
import { describe, expect, it } from 'vitest';
import { adoptionOf } from '../../src/domain/adoption.js';
import { mergeReports, parseReport, ReportSchemaError } from '../../src/domain/merge.js';
import type { RatioSummary, VariantReport } from '../../src/domain/report.js';
import {
  benchmark,
  DEFAULT_FAIL_ON,
  GENERATED_AT,
  ratio,
  report,
  startup,
  tests,
  variant,
} from '../helpers/reports.js';

const REFERENCE = variant('3.13', { startup: [startup(14)], benchmarks: [benchmark('b', 0.001)] });

const speed = (value: number, verdict: RatioSummary['verdict']): RatioSummary => ({
  ...ratio(value, verdict),
  low: value * 0.99,
  high: value * 1.01,
});

/** A variant measured against REFERENCE: throughput, startup and (free-threaded) its best with threads. */
function measured(
  name: string,
  figures: {
    throughput?: RatioSummary;
    startup?: RatioSummary;
    threads?: RatioSummary;
    over?: Partial<VariantReport>;
  },
): VariantReport {
  return variant(name, {
    startup: [startup(15, figures.startup ? { vsReference: figures.startup } : {})],
    benchmarks: figures.throughput ? [benchmark('b', 0.001, { vsReference: figures.throughput })] : [],
    ...(figures.threads
      ? {
          threadScaling: [
            {
              name: 'p[N]',
              points: [],
              best: { threads: 4, referenceThreads: 1, vsReference: figures.threads },
            },
          ],
        }
      : {}),
    ...figures.over,
  });
}

const crashed = tests({
  status: 'crashed',
  crashed: 1,
  crashes: [{ test: 't::x', signal: 'SIGSEGV', reproduced: '3/3', kind: 'signal', excerpt: '' }],
});

describe('adoptionOf', () => {
  it.each([
    // [why, variant, verdict, missing]
    [
      'clearly faster, startup unchanged',
      measured('3.13+jit', { throughput: speed(0.8, 'improvement'), startup: ratio(1.01, 'unchanged') }),
      'worth-it',
      [],
    ],
    [
      'a little faster (under the threshold), startup unchanged',
      measured('3.13+jit', { throughput: speed(0.92, 'unchanged'), startup: ratio(1.01, 'unchanged') }),
      'small-gain',
      [],
    ],
    [
      'faster but slower to start',
      measured('3.13+jit', { throughput: speed(0.8, 'improvement'), startup: ratio(1.3, 'regression') }),
      'trade-off',
      [],
    ],
    [
      'no difference at all',
      measured('3.13+jit', { throughput: speed(1.0, 'unchanged'), startup: ratio(1.0, 'unchanged') }),
      'no-difference',
      [],
    ],
    [
      'slower, whatever startup is (not measured)',
      variant('3.13+jit', { benchmarks: [benchmark('b', 0.001, { vsReference: speed(1.3, 'regression') })] }),
      'not-worth-it',
      [],
    ],
    [
      'free-threaded: slower single-threaded, no gain from threads',
      measured('3.13t', {
        throughput: speed(1.27, 'regression'),
        startup: ratio(1.24, 'regression'),
        threads: ratio(1.12, 'regression'),
      }),
      'not-worth-it',
      [],
    ],
    [
      'free-threaded: slower single-threaded, threads pay off',
      measured('3.13t', {
        throughput: speed(1.27, 'regression'),
        startup: ratio(1.0, 'unchanged'),
        threads: ratio(0.4, 'improvement'),
      }),
      'trade-off',
      [],
    ],
    [
      'free-threaded without a thread-scaling benchmark',
      measured('3.13t', { throughput: speed(1.27, 'regression'), startup: ratio(1.24, 'regression') }),
      'undecided',
      ['thread scaling (no benchmark takes a thread count)'],
    ],
    [
      'an undecided benchmark',
      measured('3.13+jit', { throughput: speed(0.9, 'inconclusive'), startup: ratio(1.0, 'unchanged') }),
      'undecided',
      ['a decided throughput (1 of 1 benchmarks undecided: more runs or a larger measure-minutes)'],
    ],
    [
      'faster, startup undecided',
      measured('3.13+jit', { throughput: speed(0.8, 'improvement'), startup: ratio(1.1, 'inconclusive') }),
      'undecided',
      ['a decided startup'],
    ],
    [
      'no benchmarks, no startup',
      variant('3.13+jit'),
      'undecided',
      [
        'throughput (no benchmark was compared with the reference)',
        'startup (not compared with the reference)',
      ],
    ],
    [
      'a crash outweighs any speed',
      measured('3.13+jit', { throughput: speed(0.5, 'improvement'), over: { tests: crashed } }),
      'not-ready',
      [],
    ],
    [
      'a test that fails only here',
      measured('3.13+jit', {
        over: { tests: tests({ status: 'failed', failed: 1, cases: [{ id: 't::y', outcome: 'failed' }] }) },
      }),
      'not-ready',
      [],
    ],
    [
      'a flaky test is no failure',
      measured('3.13+jit', {
        throughput: speed(1.0, 'unchanged'),
        startup: ratio(1.0, 'unchanged'),
        over: { tests: tests({ cases: [{ id: 't::y', outcome: 'failed', flaky: true }] }) },
      }),
      'no-difference',
      [],
    ],
    [
      'the project does not install',
      variant('3.13t', { install: { ok: false, error: 'no cp313t wheel' } }),
      'not-ready',
      [],
    ],
    [
      'the tests did not run',
      measured('3.13+jit', {
        throughput: speed(0.8, 'improvement'),
        over: { tests: tests({ status: 'not-run' }) },
      }),
      'undecided',
      ['test results (the tests did not run)'],
    ],
    [
      'free-threaded with the GIL back on',
      measured('3.13t', { over: { gil: { reenabledBy: ['ext._speedups'] } } }),
      'not-worth-it',
      [],
    ],
  ] as const)('%s: %s', (_, v, verdict, missing) => {
    const adoption = adoptionOf({ variant: v, reference: REFERENCE, threshold: 0.1 });
    expect(adoption.verdict).toBe(verdict);
    expect(adoption.missing).toEqual(missing);
    expect(adoption.against).toBe('3.13');
  });

  it('reads single-threaded throughput from the benchmarks without threads, and threads from the best workload', () => {
    const v = variant('3.13t', {
      benchmarks: [
        benchmark('plain', 0.001, { vsReference: speed(1.27, 'regression') }),
        benchmark('p[4]', 0.001, { params: { threads: '4' }, vsReference: speed(0.4, 'improvement') }),
      ],
      threadScaling: [
        {
          name: 'q[N]',
          points: [],
          best: { threads: 2, referenceThreads: 1, vsReference: ratio(1.1, 'unchanged') },
        },
        {
          name: 'p[N]',
          points: [],
          best: { threads: 4, referenceThreads: 1, vsReference: ratio(0.4, 'improvement') },
        },
      ],
    });
    const { inputs } = adoptionOf({ variant: v, reference: REFERENCE, threshold: 0.1 });
    expect(inputs.throughput).toMatchObject({
      ratio: 1.27,
      benchmarks: 1,
      reading: 'slower',
      beyondThreshold: true,
    });
    expect(inputs.threads).toMatchObject({ workload: 'p[N]', ratio: 0.4, threads: 4, reading: 'faster' });
  });
});

describe('adoption in report.json', () => {
  const written = report({
    variants: [
      REFERENCE,
      measured('3.13+jit', { throughput: speed(0.8, 'improvement'), startup: ratio(1.01, 'unchanged') }),
    ],
  });

  it('is on every variant but the reference, and reads back through the schema check', () => {
    expect(written.variants[0]!.adoption).toBeUndefined();
    expect(written.variants[1]!.adoption?.verdict).toBe('worth-it');
    const read = parseReport(JSON.parse(JSON.stringify(written)), 'report.json');
    expect(read.variants[1]!.adoption).toEqual(written.variants[1]!.adoption);
  });

  it('refuses a report file whose adoption is not what the schema says', () => {
    const bad = JSON.parse(JSON.stringify(written)) as { variants: { adoption?: { verdict: string } }[] };
    bad.variants[1]!.adoption!.verdict = 'ship it';
    expect(() => parseReport(bad, 'leg/report.json')).toThrow(ReportSchemaError);
    expect(() => parseReport(bad, 'leg/report.json')).toThrow(/\$\.variants\[1\]\.adoption\.verdict/);
  });

  it('names the renamed reference of its own leg in a merged report', () => {
    const merged = mergeReports({
      reports: [
        { label: 'x64', report: written },
        { label: 'arm64', report: written },
      ],
      failOn: DEFAULT_FAIL_ON,
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    const jit = merged.variants.find((v) => v.name === '3.13+jit (arm64)');
    expect(jit?.adoption?.against).toBe('3.13 (arm64)');
  });
});
