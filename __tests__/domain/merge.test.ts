import { describe, expect, it } from 'vitest';
import { mergeReports, parseReport, ReportSchemaError } from '../../src/domain/merge.js';
import type { Report } from '../../src/domain/report.js';
import {
  DEFAULT_FAIL_ON,
  GENERATED_AT,
  ratio,
  report,
  SEGV_EXCERPT,
  startup,
  tests,
  variant,
} from '../helpers/reports.js';

/** As it comes out of a file: JSON, not the objects the helpers built. */
function fromFile(r: Report): unknown {
  return JSON.parse(JSON.stringify(r)) as unknown;
}

const crashing = tests({
  status: 'crashed',
  signal: 'SIGSEGV',
  crashed: 1,
  crashes: [
    {
      test: 'tests/test_a.py::test_x',
      signal: 'SIGSEGV',
      reproduced: '3/3',
      kind: 'signal',
      excerpt: SEGV_EXCERPT,
    },
  ],
});

describe('parseReport', () => {
  it('takes a report.json as the action writes it', () => {
    const written = report({
      variants: [
        variant('3.13', { startup: [startup(14)] }),
        variant('3.13t', {
          tests: crashing,
          threadScaling: [
            {
              name: 'test_work[N]',
              points: [
                { threads: 1, seconds: 1.4, benchmark: 'test_work[1]' },
                { threads: 4, seconds: 0.5, benchmark: 'test_work[4]' },
              ],
              best: { threads: 4, referenceThreads: 1, vsReference: ratio(0.5, 'improvement') },
            },
          ],
        }),
      ],
    });
    expect(parseReport(fromFile(written), 'x64/report.json')).toEqual(written);
  });

  const good = (): Record<string, unknown> =>
    fromFile(report({ variants: [variant('3.13'), variant('3.13t', { tests: crashing })] })) as Record<
      string,
      unknown
    >;
  const variants = (r: Record<string, unknown>): Record<string, unknown>[] =>
    r['variants'] as Record<string, unknown>[];
  const testsOf = (r: Record<string, unknown>, i: number): Record<string, unknown> =>
    variants(r)[i]?.['tests'] as Record<string, unknown>;

  it.each<[string, (r: Record<string, unknown>) => unknown, RegExp]>([
    ['not an object', () => [], /\$ must be an object, got \[\]/],
    [
      'another schema',
      (r) => ({ ...r, schema: 'cpython-variants/report@2' }),
      /\$\.schema must be "cpython-variants\/report@1"/,
    ],
    [
      'a count that is not a whole number',
      (r) => ((testsOf(r, 0)['passed'] = 1.5), r),
      /\$\.variants\[0\]\.tests\.passed must be a whole number, got 1\.5/,
    ],
    [
      'a signal that is not a signal name',
      (r) => ((testsOf(r, 1)['signal'] = '<img src=x>'), r),
      /\$\.variants\[1\]\.tests\.signal must be null or a string like/,
    ],
    [
      'a reproduced count that is not k/N',
      (r) => {
        const crash = (testsOf(r, 1)['crashes'] as Record<string, unknown>[])[0] ?? {};
        crash['reproduced'] = 'always';
        return r;
      },
      /\$\.variants\[1\]\.tests\.crashes\[0\]\.reproduced/,
    ],
    [
      'a variant named twice',
      (r) => ((variants(r)[1]!['name'] = '3.13'), r),
      /\$\.variants\[1\]\.name must be a name not used by an earlier variant/,
    ],
    [
      'a finding about a variant the report does not have',
      (r) => (((r['findings'] as Record<string, unknown>[])[0]!['variant'] = '3.14'), r),
      /\$\.findings\[0\]\.variant must be one of 3\.13, 3\.13t, got "3\.14"/,
    ],
    [
      'a thread-scaling best without its comparison',
      (r) => (
        (variants(r)[1]!['threadScaling'] = [
          { name: 'w[N]', points: [], best: { threads: 2, referenceThreads: 1 } },
        ]),
        r
      ),
      /\$\.variants\[1\]\.threadScaling\[0\]\.best\.vsReference must be an object, got nothing/,
    ],
    [
      'a missing verdict',
      (r) => ({ ...r, verdict: undefined }),
      /\$\.verdict must be one of pass, fail, got nothing/,
    ],
  ])('refuses %s, naming the file and the field', (_, spoil, message) => {
    let error: unknown;
    try {
      parseReport(spoil(good()), 'reports/x64/report.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReportSchemaError);
    expect((error as Error).message).toMatch(
      /^reports\/x64\/report\.json is not a cpython-variants report: /,
    );
    expect((error as Error).message).toMatch(message);
  });
});

describe('mergeReports', () => {
  const x64 = report({
    variants: [variant('3.13'), variant('3.13t', { tests: crashing })],
    failOn: new Set(),
  });
  const jit = report({ variants: [variant('3.13+jit')], reference: '3.13+jit' });

  it('puts the variants one after the other and keeps each leg', () => {
    const merged = mergeReports({
      reports: [
        { label: 'x64', report: x64 },
        { label: 'jit', report: jit },
      ],
      failOn: DEFAULT_FAIL_ON,
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.variants.map((v) => [v.name, v.leg])).toEqual([
      ['3.13', 'x64'],
      ['3.13t', 'x64'],
      ['3.13+jit', 'jit'],
    ]);
    expect(merged.reference).toBe('3.13');
    expect(merged.legs?.map((l) => [l.label, l.reference, l.variants, l.verdict])).toEqual([
      ['x64', '3.13', ['3.13', '3.13t'], 'pass'],
      ['jit', '3.13+jit', ['3.13+jit'], 'pass'],
    ]);
    expect(merged.notes).toBeUndefined();
    expect(parseReport(fromFile(merged), 'merged')).toEqual(merged);
  });

  it("decides the verdict by the merging step's fail-on, not by the legs'", () => {
    // x64 was measured with fail-on none, so its own verdict passed despite the crash.
    expect(x64.verdict).toBe('pass');
    const reports = [{ label: 'x64', report: x64 }];
    const strict = mergeReports({
      reports,
      failOn: DEFAULT_FAIL_ON,
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(strict.verdict).toBe('fail');
    expect(strict.verdictReasons).toEqual(['fail-on new-crash: 1 finding (3.13t)']);
    const lenient = mergeReports({ reports, failOn: new Set(), generatedAt: GENERATED_AT, threshold: 0.1 });
    expect(lenient.verdict).toBe('pass');
  });

  it('keeps both of two variants with one name, each suffixed with its leg, findings following', () => {
    const arm64 = report({ variants: [variant('3.13'), variant('3.13t', { tests: crashing })] });
    const merged = mergeReports({
      reports: [
        { label: 'x64', report: x64 },
        { label: 'arm64', report: arm64 },
        { label: 'jit', report: jit },
      ],
      failOn: DEFAULT_FAIL_ON,
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.variants.map((v) => v.name)).toEqual([
      '3.13 (x64)',
      '3.13t (x64)',
      '3.13 (arm64)',
      '3.13t (arm64)',
      '3.13+jit',
    ]);
    expect(merged.reference).toBe('3.13 (x64)');
    expect(merged.findings.map((f) => [f.kind, f.variant])).toEqual([
      ['new-crash', '3.13t (x64)'],
      ['new-crash', '3.13t (arm64)'],
    ]);
    expect(merged.verdictReasons).toEqual(['fail-on new-crash: 2 findings (3.13t (x64), 3.13t (arm64))']);
    expect(merged.legs?.[1]?.reference).toBe('3.13 (arm64)');
  });

  it('tells two legs with one label apart', () => {
    const merged = mergeReports({
      reports: [
        { label: 'report', report: jit },
        { label: 'report', report: x64 },
      ],
      failOn: new Set(),
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.legs?.map((l) => l.label)).toEqual(['report', 'report #2']);
  });

  it("fails on a leg's error, or on a problem met reading the files: the report is incomplete", () => {
    const stopped = report({ variants: [variant('3.13t')], errors: ['the run stopped: ENOSPC'] });
    const merged = mergeReports({
      reports: [
        { label: 'x64', report: jit },
        { label: 'ft', report: stopped },
      ],
      failOn: new Set(),
      generatedAt: GENERATED_AT,
      threshold: 0.1,
      errors: ['Input \'reports\' has the value "arm64/report.json": it matches no file'],
    });
    expect(merged.errors).toEqual([
      'Input \'reports\' has the value "arm64/report.json": it matches no file',
      'ft: the run stopped: ENOSPC',
    ]);
    expect(merged.verdict).toBe('fail');
    expect(merged.verdictReasons).toEqual(['the report is incomplete: 2 errors']);
  });

  it("keeps a cancelled leg's cancellation, and refuses one no run writes", () => {
    const cancelled = report({
      variants: [variant('3.13t')],
      errors: ['cancelled by SIGTERM during `3.13t: tests`: this report holds what had finished before'],
    });
    const fromLeg = fromFile({ ...cancelled, cancelled: { signal: 'SIGTERM', during: '3.13t: tests' } });
    const merged = mergeReports({
      reports: [
        { label: 'x64', report: jit },
        { label: 'ft', report: parseReport(fromLeg, 'ft/report.json') },
      ],
      failOn: new Set(),
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.legs?.map((l) => l.cancelled ?? null)).toEqual([
      null,
      { signal: 'SIGTERM', during: '3.13t: tests' },
    ]);
    expect(merged.verdict).toBe('fail');
    expect(merged.errors[0]).toMatch(/^ft: cancelled by SIGTERM/);
    expect(parseReport(fromFile(merged), 'merged')).toEqual(merged);
    const odd = { ...(fromFile(cancelled) as object), cancelled: { signal: 'SIGKILL', during: null } };
    expect(() => parseReport(odd, 'ft/report.json')).toThrow(/\$\.cancelled\.signal/);
  });

  it('says so when the legs disagree on the threshold or the commit', () => {
    const other: Report = { ...jit, threshold: 0.05, commit: { head: 'f'.repeat(40), base: null } };
    const merged = mergeReports({
      reports: [
        { label: 'x64', report: x64 },
        { label: 'jit', report: other },
      ],
      failOn: new Set(),
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.threshold).toBe(0.1);
    expect(merged.notes?.map((n) => n.message)).toEqual([
      'the reports differ in threshold (x64: 0.1, jit: 0.05)',
      `the reports differ in the commit measured (x64: ${x64.commit.head}, jit: ${'f'.repeat(40)})`,
    ]);
  });

  it('lets a variant marked optional fail to install', () => {
    const optional = report({
      variants: [
        variant('3.14t', { optional: true, interpreter: null, install: { ok: false, error: 'no build' } }),
      ],
    });
    const merged = mergeReports({
      reports: [{ label: 'next', report: optional }],
      failOn: new Set(['install-failure']),
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.findings.map((f) => f.kind)).toEqual(['install-failure']);
    expect(merged.verdict).toBe('pass');
    // One leg: the names stay as written.
    expect(merged.variants[0]?.leg).toBeUndefined();
  });

  it('with nothing to merge, says so and fails', () => {
    const merged = mergeReports({
      reports: [],
      failOn: new Set(),
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.errors).toEqual(['there was no report to merge']);
    expect(merged.verdict).toBe('fail');
  });
});
