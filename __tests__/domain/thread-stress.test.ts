import { describe, expect, it } from 'vitest';
import { threadStressLines, threadStressSection } from '../../src/domain/comment/thread-stress.js';
import { variantFindings, verdict } from '../../src/domain/findings.js';
import { renderComment } from '../../src/domain/markdown.js';
import { parseReport } from '../../src/domain/merge.js';
import type { Report, ThreadStress, ThreadStressTest, VariantReport } from '../../src/domain/report.js';
import { classifyStress, singleThreadedLabel, threadFindingKind } from '../../src/domain/thread-stress.js';
import { tests } from '../helpers/reports.js';

const unsafe = (over: Partial<ThreadStressTest> = {}): ThreadStressTest => ({
  id: 'tests/test_lookup.py::test_lookup',
  kind: 'thread-unsafe',
  outcome: 'failed',
  reason: "KeyError: 'alpha'",
  ...over,
});

const stress = (over: Partial<ThreadStress> = {}): ThreadStress => ({
  status: 'ran',
  plugin: 'pytest-run-parallel==0.10.0',
  threads: 4,
  iterations: 3,
  runDurationMs: 4_200,
  durationMs: 9_000,
  passed: 727,
  threadUnsafe: 1,
  failedAnyway: 0,
  skipped: 0,
  singleThreaded: 2,
  tests: [
    unsafe({ reproduced: '3/3', onBase: '0/3', withGil: '0/3', gilVariant: '3.13' }),
    {
      id: 't.py::test_env',
      kind: 'single-threaded',
      outcome: 'passed',
      reason: "uses thread-unsafe fixture(s): {'monkeypatch'}",
    },
    {
      id: 't.py::test_out',
      kind: 'single-threaded',
      outcome: 'passed',
      reason: "uses thread-unsafe fixture(s): {'monkeypatch'}",
    },
  ],
  ...over,
});

const variant = (over: Partial<VariantReport> = {}): VariantReport => ({
  name: '3.13t',
  optional: false,
  interpreter: {
    executable: '/p',
    version: '3.13.5',
    freeThreaded: true,
    jit: false,
    jitCompiled: false,
    debug: false,
    source: 'interpreters',
  },
  install: { ok: true },
  tests: tests({ durationMs: 1_500 }),
  gil: { reenabledBy: [] },
  startup: [],
  benchmarks: [],
  ...over,
});

describe('classifyStress', () => {
  it('passed alone and broke under threads is thread-unsafe; failing anyway and single-threaded are apart', () => {
    const normal = tests({
      cases: [
        { id: 'a', outcome: 'passed' },
        { id: 'b', outcome: 'passed' },
        { id: 'c', outcome: 'failed' },
        { id: 'd', outcome: 'passed' },
        { id: 'e', outcome: 'passed' },
        { id: 'f', outcome: 'skipped' },
      ],
    });
    const underStress = tests({
      cases: [
        { id: 'a', outcome: 'passed' },
        { id: 'b', outcome: 'failed', message: "KeyError: 'x'" },
        { id: 'c', outcome: 'failed' },
        { id: 'd', outcome: 'crashed', message: 'SIGSEGV' },
        { id: 'e', outcome: 'failed' },
        { id: 'f', outcome: 'skipped' },
      ],
      crashes: [
        {
          test: 'd',
          signal: 'SIGSEGV',
          reproduced: '2/3',
          kind: 'signal',
          excerpt: 'Fatal Python error: Segmentation fault',
        },
      ],
    });
    const result = classifyStress({
      normal: normal.cases,
      stress: underStress,
      single: { e: 'uses the thread_unsafe marker' },
    });
    expect(result.counts).toEqual({
      passed: 1,
      threadUnsafe: 2,
      failedAnyway: 1,
      skipped: 1,
      singleThreaded: 1,
    });
    expect(result.tests).toEqual([
      { id: 'b', kind: 'thread-unsafe', outcome: 'failed', reason: "KeyError: 'x'" },
      {
        id: 'd',
        kind: 'thread-unsafe',
        outcome: 'crashed',
        reason: 'Fatal Python error: Segmentation fault',
        signal: 'SIGSEGV',
      },
      { id: 'e', kind: 'single-threaded', outcome: 'failed', reason: 'uses the thread_unsafe marker' },
    ]);
  });
});

describe('singleThreadedLabel', () => {
  it.each([
    ["uses thread-unsafe fixture(s): {'monkeypatch'}", 'monkeypatch'],
    ["uses thread-unsafe fixture(s): {'capsys', 'monkeypatch'}", 'capsys, monkeypatch'],
    ['uses the thread_unsafe marker', 'thread_unsafe marker'],
    ['calls thread-unsafe function: unittest.mock.patch', 'unittest.mock.patch'],
    ['is a doctest (pytest-run-parallel does not support doctests)', 'doctest'],
    ['test is marked as single-threaded', 'parallel_threads(1)'],
    ['writes the global config', 'writes the global config'],
  ])('%s -> %s', (reason, label) => {
    expect(singleThreadedLabel(reason)).toBe(label);
  });
});

describe('new-thread-unsafe needs repeats on head and a clean base', () => {
  it.each([
    ['3/3', '0/3', 'new-thread-unsafe'],
    ['2/3', '0/3', 'new-thread-unsafe'],
    ['1/3', '0/3', 'thread-unsafe'],
    ['3/3', '1/3', 'thread-unsafe'],
    ['3/3', '0/0', 'new-thread-unsafe'],
    ['3/3', undefined, 'new-thread-unsafe'],
    [undefined, '0/3', 'thread-unsafe'],
  ])('head %s, base %s -> %s', (reproduced, onBase, kind) => {
    const t = unsafe({ ...(reproduced ? { reproduced } : {}), ...(onBase ? { onBase } : {}) });
    expect(threadFindingKind(t)).toBe(kind);
  });

  it('becomes a finding that the default fail-on fails, and `thread-unsafe` as a rule takes both kinds', () => {
    const findings = variantFindings(variant({ threadStress: stress() }));
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'new-thread-unsafe',
        variant: '3.13t',
        against: 'base',
        metric: 'threads',
        name: 'tests/test_lookup.py::test_lookup',
      }),
    ]);
    expect(findings[0]?.detail).toContain('only without the GIL');
    const old = variantFindings(
      variant({ threadStress: stress({ tests: [unsafe({ reproduced: '3/3', onBase: '3/3' })] }) }),
    );
    expect(old.map((f) => f.kind)).toEqual(['thread-unsafe']);
    const none = new Set<never>();
    expect(
      verdict({ findings: old, failOn: new Set(['new-thread-unsafe']), optionalVariants: none }).verdict,
    ).toBe('pass');
    expect(
      verdict({ findings: old, failOn: new Set(['thread-unsafe']), optionalVariants: none }).verdict,
    ).toBe('fail');
  });

  it('a stress run that did not run has no findings', () => {
    expect(variantFindings(variant({ threadStress: stress({ status: 'not-run', reason: 'x' }) }))).toEqual(
      [],
    );
  });
});

describe('the comment', () => {
  const report = (v: VariantReport): Report => ({
    schema: 'cpython-variants/report@1',
    generatedAt: '2026-12-01T00:00:00Z',
    reference: '3.13',
    threshold: 0.1,
    commit: { head: null, base: null },
    variants: [v],
    findings: variantFindings(v),
    verdict: 'fail',
    verdictReasons: [],
    errors: [],
  });

  it('says per free-threaded variant how much was really stressed and what broke', () => {
    expect(threadStressLines(report(variant({ threadStress: stress() })))).toEqual([
      '🧵 `3.13t` thread stress, 4 threads x 3 (4.2 s; the tests alone took 1.5 s): 727 passed, **1 fails only under threads**, 2 run single-threaded (monkeypatch).',
    ]);
    expect(
      threadStressLines(
        report(
          variant({ threadStress: stress({ status: 'not-run', reason: 'the test command is not pytest' }) }),
        ),
      ),
    ).toEqual(['🧵 `3.13t` thread stress not run: the test command is not pytest.']);
  });

  it('lists each thread-unsafe test with its excerpt and whether it also fails with the GIL', () => {
    const section = threadStressSection(report(variant({ threadStress: stress() })));
    expect(section?.summary).toBe('🧵 Thread-unsafe tests (1)');
    const body = section?.body(1) ?? '';
    expect(body).toContain('`tests/test_lookup.py::test_lookup`');
    expect(body).toContain('only without the GIL (0/3 under `3.13`)');
    expect(body).toContain('base commit 0/3');
    expect(body).toContain("KeyError: 'alpha'");
    const comment = renderComment(report(variant({ threadStress: stress() })), {
      fullReportHint: 'see report.json',
      failOn: new Set(['new-thread-unsafe']),
    });
    expect(comment).toContain('fail-on `new-thread-unsafe`: 1 finding');
    expect(comment).toContain('🧵 Thread-unsafe tests (1)');
  });

  it('a merged report checks what it renders of thread stress', () => {
    const r = report(variant({ threadStress: stress() }));
    expect(() => parseReport(JSON.parse(JSON.stringify(r)), 'r.json')).not.toThrow();
    const bad = JSON.parse(JSON.stringify(r)) as {
      variants: { threadStress: { tests: { reason: unknown }[] } }[];
    };
    bad.variants[0]!.threadStress.tests[0]!.reason = 42;
    expect(() => parseReport(bad, 'r.json')).toThrow(/threadStress\.tests\[0\]\.reason/);
  });
});
