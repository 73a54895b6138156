// Mode report makes again what it can from the merged variants, and refuses numbers no measurement gives.
import { describe, expect, it } from 'vitest';
import { mergeReports, parseReport } from '../../src/domain/merge.js';
import { recount } from '../../src/domain/merge-derive.js';
import type { Finding, Report, TestCase } from '../../src/domain/report.js';
import {
  benchmark,
  DEFAULT_FAIL_ON,
  GENERATED_AT,
  ratio,
  report,
  tests,
  variant,
} from '../helpers/reports.js';

function fromFile(r: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
}

function merge(...reports: Report[]): Report {
  return mergeReports({
    reports: reports.map((r, i) => ({ label: `leg${i + 1}`, report: r })),
    failOn: DEFAULT_FAIL_ON,
    generatedAt: GENERATED_AT,
    threshold: 0.1,
  });
}

const failedCases = (n: number): TestCase[] =>
  Array.from({ length: n }, (_, i) => ({ id: `tests/test_x.py::test_${i}`, outcome: 'failed' as const }));

describe('mergeReports derives what it can', () => {
  it('a file with 225,000 failed cases, zero counts, no findings and "pass" is a failure', () => {
    const forged: Report = {
      ...report({
        variants: [variant('3.13', { tests: tests({ cases: failedCases(225_000), passed: 3 }) })],
      }),
      findings: [],
      verdict: 'pass',
      verdictReasons: [],
    };
    const merged = merge(parseReport(fromFile(forged), 'forged/report.json'));
    expect(merged.variants[0]?.tests).toMatchObject({ status: 'failed', passed: 0, failed: 225_000 });
    expect(merged.findings).toHaveLength(225_000);
    expect(merged.findings[0]).toMatchObject({
      kind: 'new-failure',
      variant: '3.13',
      name: 'tests/test_x.py::test_0',
    });
    expect(merged.verdict).toBe('fail');
    expect(merged.verdictReasons).toEqual(['fail-on new-failure: 225000 findings (3.13)']);
    expect(merged.notes?.map((n) => n.message)).toEqual([
      'leg1: the test counts of 3.13 disagreed with its test cases, so they were counted again (passed 3 -> 0, failed 0 -> 225000, status passed -> failed)',
      'leg1: its findings did not follow from its own measurements, so they were made again from them (225000 added, 0 dropped)',
    ]);
  });

  it('a regression the comparison decided is a finding even when the file left it out; one it did not decide is dropped', () => {
    const slower = benchmark('test_parse', 0.012, { vsBase: ratio(1.42, 'regression') });
    const same = benchmark('test_dump', 0.01, { vsBase: ratio(1.01, 'unchanged') });
    const invented: Finding = {
      kind: 'regression',
      variant: '3.13',
      against: 'base',
      metric: 'throughput',
      name: 'test_dump',
      change: 1.5,
    };
    const file: Report = {
      ...report({ variants: [variant('3.13', { benchmarks: [slower, same] })], timingFindings: [invented] }),
    };
    const merged = merge(parseReport(fromFile(file), 'leg/report.json'));
    expect(merged.findings).toEqual([
      expect.objectContaining({
        kind: 'regression',
        against: 'base',
        metric: 'throughput',
        name: 'test_parse',
        change: 1.42,
      }),
    ]);
    expect(merged.verdictReasons).toEqual(['fail-on regression: 1 finding (3.13)']);
  });

  it('keeps a consistent report as it was: the same findings, no note', () => {
    const honest = report({
      variants: [
        variant('3.13', {
          tests: tests({
            status: 'failed',
            passed: 1,
            failed: 1,
            cases: [...failedCases(1), { id: 't::ok', outcome: 'passed' }],
          }),
        }),
      ],
    });
    const merged = merge(parseReport(fromFile(honest), 'leg/report.json'));
    expect(merged.findings).toEqual(honest.findings);
    expect(merged.notes).toBeUndefined();
  });

  it('keeps the counts of a run without per-test cases (the runner summary line)', () => {
    const summary = tests({ status: 'failed', passed: 40, failed: 2, cases: [] });
    expect(recount(summary)).toEqual({ tests: summary, changed: [] });
  });
});

describe('parseReport refuses numbers no measurement gives, naming the file and the field', () => {
  const base = () =>
    fromFile(
      report({
        variants: [
          variant('3.13', {
            benchmarks: [benchmark('test_parse', 0.01, { vsReference: ratio(1.2, 'regression') })],
          }),
        ],
      }),
    );
  const bench = (r: Record<string, unknown>) =>
    ((r['variants'] as Record<string, unknown>[])[0]!['benchmarks'] as Record<string, unknown>[])[0]!;
  const vs = (r: Record<string, unknown>) => bench(r)['vsReference'] as Record<string, unknown>;

  it.each([
    [
      'a ratio of 1e308',
      (r: Record<string, unknown>) => (vs(r)['ratio'] = 1e308),
      /\$\.variants\[0\]\.benchmarks\[0\]\.vsReference\.ratio must be a number above 0 and at most 1000000, got 1e\+308/,
    ],
    [
      'a ratio of 0',
      (r: Record<string, unknown>) => (vs(r)['ratio'] = 0),
      /vsReference\.ratio must be a number above 0/,
    ],
    [
      'an infinite p (null in JSON)',
      (r: Record<string, unknown>) => (vs(r)['pValue'] = null),
      /vsReference\.pValue must be a number, got null/,
    ],
    [
      'a p above 1',
      (r: Record<string, unknown>) => (vs(r)['pValue'] = 3),
      /pValue must be a number from 0 to 1, got 3/,
    ],
    [
      'an interval upside down',
      (r: Record<string, unknown>) => (vs(r)['low'] = 2),
      /vsReference\.low must be at most/,
    ],
    [
      'a regression that is faster',
      (r: Record<string, unknown>) => {
        vs(r)['ratio'] = 0.5;
        vs(r)['low'] = 0.4;
        vs(r)['high'] = 0.6;
      },
      /vsReference\.ratio must be above 1 for a regression, got 0\.5/,
    ],
    [
      'a threshold of 1e308',
      (r: Record<string, unknown>) => (r['threshold'] = 1e308),
      /\$\.threshold must be a number above 0 and at most 10, got 1e\+308/,
    ],
    [
      'a negative sample',
      (r: Record<string, unknown>) => ((bench(r)['samples'] as number[])[0] = -1),
      /samples\[0\] must be a number from 0 to 1000000000, got -1/,
    ],
    [
      'a finding change of 1e308',
      (r: Record<string, unknown>) =>
        (r['findings'] as Record<string, unknown>[]).push({
          kind: 'missing-benchmark',
          variant: '3.13',
          against: null,
          metric: 'throughput',
          name: 'x',
          change: 1e308,
        }),
      /\$\.findings\[\d+\]\.change must be a number above 0/,
    ],
  ])('%s', (_, spoil, message) => {
    const r = base();
    spoil(r);
    expect(() => parseReport(r, 'legs/x64/report.json')).toThrow(
      /^legs\/x64\/report\.json is not a cpython-variants report: /,
    );
    expect(() => parseReport(r, 'legs/x64/report.json')).toThrow(message);
  });

  it('takes the same report untouched', () => {
    expect(() => parseReport(base(), 'legs/x64/report.json')).not.toThrow();
  });
});
