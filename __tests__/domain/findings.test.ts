import { describe, expect, it } from 'vitest';
import { testFindings, variantFindings, verdict, type FailOnRule } from '../../src/domain/findings.js';
import type { Finding, VariantReport } from '../../src/domain/report.js';
import { tests } from '../helpers/reports.js';

const variant = (over: Partial<VariantReport> = {}): VariantReport => ({
  name: '3.13t',
  optional: false,
  interpreter: null,
  install: { ok: true },
  tests: tests(),
  gil: { reenabledBy: [] },
  startup: [],
  benchmarks: [],
  ...over,
});

const segv = tests({
  status: 'crashed',
  exitCode: null,
  signal: 'SIGSEGV',
  crashed: 1,
  crashes: [{ test: 't.py::test_a', signal: 'SIGSEGV', reproduced: '3/3', kind: 'signal', excerpt: '' }],
});

describe('findings', () => {
  it('a crash with no base run is new', () => {
    const [f] = testFindings(variant({ tests: segv }));
    expect(f).toMatchObject({
      kind: 'new-crash',
      name: 't.py::test_a',
      against: null,
      detail: 'SIGSEGV, reproduced 3/3',
    });
  });

  it('a crash also on the base commit is old', () => {
    const v = variant({ tests: segv, base: { sha: 'b', startup: [], benchmarks: [], tests: segv } });
    expect(testFindings(v).map((f) => f.kind)).toEqual(['crash']);
  });

  it('each failing test is a failure, new unless it failed on base', () => {
    const t = tests({
      status: 'failed',
      exitCode: 1,
      cases: [
        { id: 'a', outcome: 'failed' },
        { id: 'b', outcome: 'error' },
        { id: 'c', outcome: 'passed' },
      ],
    });
    const base = tests({ status: 'failed', cases: [{ id: 'a', outcome: 'failed' }] });
    const v = variant({ tests: t, base: { sha: 'b', startup: [], benchmarks: [], tests: base } });
    expect(testFindings(v).map((f) => [f.kind, f.name])).toEqual([
      ['failure', 'a'],
      ['new-failure', 'b'],
    ]);
  });

  it('a test that passed when rerun is flaky (new: no base run), not a new failure', () => {
    const t = tests({ status: 'failed', exitCode: 1, cases: [{ id: 'a', outcome: 'failed', flaky: true }] });
    expect(testFindings(variant({ tests: t })).map((f) => [f.kind, f.name])).toEqual([['new-flaky', 'a']]);
  });

  it('new-flaky only where base did not fail or flake on that test, and fail-on new-flaky fails on it', () => {
    const head = tests({
      status: 'failed',
      exitCode: 1,
      cases: [
        { id: 'a', outcome: 'failed', flaky: true },
        { id: 'b', outcome: 'failed', flaky: true },
      ],
    });
    const base = tests({
      status: 'failed',
      exitCode: 1,
      cases: [{ id: 'a', outcome: 'failed', flaky: true }],
    });
    const findings = testFindings(
      variant({ tests: head, base: { sha: 'b', startup: [], benchmarks: [], tests: base } }),
    );
    expect(findings.map((f) => [f.kind, f.name])).toEqual([
      ['flaky', 'a'],
      ['new-flaky', 'b'],
    ]);
    const failOn = new Set<FailOnRule>(['new-flaky']);
    expect(verdict({ findings, failOn, optionalVariants: new Set() }).reasons).toEqual([
      'fail-on new-flaky: 1 finding (3.13t)',
    ]);
    expect(
      verdict({ findings, failOn: new Set<FailOnRule>(['new-failure']), optionalVariants: new Set() })
        .verdict,
    ).toBe('pass');
  });

  it('an order-dependent failure is a new failure, naming the tests that ran before it', () => {
    const t = tests({
      status: 'failed',
      exitCode: 1,
      cases: [{ id: 'c', outcome: 'failed', orderDependent: { before: ['a', 'b'] } }],
    });
    expect(testFindings(variant({ tests: t }))).toMatchObject([
      {
        kind: 'new-failure',
        name: 'c',
        detail:
          'order-dependent: fails after the tests that ran before it, passes alone; ran before it: a, b',
      },
    ]);
  });

  it("a failure in a session fixture's teardown is the fixture's", () => {
    const t = tests({
      status: 'failed',
      exitCode: 1,
      cases: [
        { id: 't::last', outcome: 'error', phase: 'teardown', fixture: { name: 'db', scope: 'session' } },
      ],
    });
    expect(testFindings(variant({ tests: t }))).toMatchObject([
      { kind: 'new-failure', name: 'fixture db (session scope), teardown', detail: 'during t::last' },
    ]);
  });

  it.each([
    // unittest: head 3 failures, base 1: more than base, so new.
    [
      { failed: 3 },
      { status: 'failed' as const, failed: 1 },
      'new-failure',
      /3 failed by the runner's summary, 1 on the base commit; the tests could not be compared one by one/,
    ],
    [{ failed: 1 }, { status: 'failed' as const, failed: 1 }, 'failure', /1 failed .* 1 on the base/],
    [
      { failed: 2 },
      { status: 'passed' as const, failed: 0, passed: 5 },
      'new-failure',
      /2 failed .* 0 on the base/,
    ],
  ])(
    "without per-test records, by the runner's counts: head %j, base %j -> %s",
    (head, base, kind, detail) => {
      const t = tests({ status: 'failed', exitCode: 1, passed: 4, ...head, cases: [] });
      const b = tests({ exitCode: 1, passed: 4, ...base, cases: [] });
      const [f] = testFindings(
        variant({ tests: t, base: { sha: 'b', startup: [], benchmarks: [], tests: b } }),
      );
      expect(f?.kind).toBe(kind);
      expect(f?.detail).toMatch(detail);
    },
  );

  it('installed but never tested: an install failure, which fails the step unless the variant is optional', () => {
    const findings = variantFindings(
      variant({ tests: tests({ status: 'not-run', outputTail: 'bash: pytest: not found' }) }),
    );
    expect(findings).toMatchObject([
      { kind: 'install-failure', metric: 'tests', detail: 'the tests did not run: bash: pytest: not found' },
    ]);
    const failOn = new Set<FailOnRule>(['install-failure']);
    expect(verdict({ findings, failOn, optionalVariants: new Set() }).verdict).toBe('fail');
    expect(verdict({ findings, failOn, optionalVariants: new Set(['3.13t']) }).verdict).toBe('pass');
  });

  it('a failing command without per-test records is still a failure', () => {
    expect(testFindings(variant({ tests: tests({ status: 'failed', exitCode: 2 }) }))).toMatchObject([
      {
        kind: 'new-failure',
        name: null,
        detail:
          'the test command exited with 2; without per-test results or a summary line only the exit status was compared',
      },
    ]);
  });

  it('an install failure is the only finding of its variant', () => {
    expect(
      variantFindings(variant({ install: { ok: false, error: 'no cp313t wheel' }, tests: segv })),
    ).toMatchObject([{ kind: 'install-failure', detail: 'no cp313t wheel' }]);
  });

  it('names every module that re-enabled the GIL', () => {
    const found = variantFindings(variant({ gil: { reenabledBy: ['pkg._speedups', 'other'] } }));
    expect(found.map((f) => [f.kind, f.name])).toEqual([
      ['gil-reenabled', 'pkg._speedups'],
      ['gil-reenabled', 'other'],
    ]);
  });
});

describe('GIL re-enabling against base', () => {
  const withBase = (head: string[], base: string[]) =>
    variantFindings(
      variant({
        gil: { reenabledBy: head },
        base: { sha: 'b', startup: [], benchmarks: [], tests: tests(), gil: { reenabledBy: base } },
      }),
    );

  it('a module that re-enables it on head only is new; one that did on base too is not', () => {
    expect(withBase(['pkg._new', 'pkg._old'], ['pkg._old']).map((f) => [f.kind, f.name, f.against])).toEqual([
      ['new-gil-reenabled', 'pkg._new', 'base'],
      ['gil-reenabled', 'pkg._old', 'base'],
    ]);
  });

  it('a module that no longer re-enables it is an improvement', () => {
    expect(withBase([], ['pkg._ext'])).toEqual([
      expect.objectContaining({ kind: 'improvement', metric: 'gil', name: 'pkg._ext', against: 'base' }),
    ]);
  });

  it.each([
    { rule: 'new-gil-reenabled', head: ['pkg._ext'], base: [], expected: 'fail' },
    { rule: 'new-gil-reenabled', head: ['pkg._ext'], base: ['pkg._ext'], expected: 'pass' },
    // gil-reenabled keeps its meaning: any module that turns the GIL on, new or not.
    { rule: 'gil-reenabled', head: ['pkg._ext'], base: [], expected: 'fail' },
    { rule: 'gil-reenabled', head: ['pkg._ext'], base: ['pkg._ext'], expected: 'fail' },
    { rule: 'new-gil-reenabled', head: [], base: ['pkg._ext'], expected: 'pass' },
  ] as const)('fail-on $rule, head $head, base $base: $expected', ({ rule, head, base, expected }) => {
    const decided = verdict({
      findings: withBase([...head], [...base]),
      failOn: new Set([rule]),
      optionalVariants: new Set(),
    });
    expect(decided.verdict).toBe(expected);
  });
});

describe('verdict follows fail-on', () => {
  const crash = variantFindings(variant({ tests: segv }));
  const install = variantFindings(variant({ name: '3.14t', install: { ok: false, error: 'x' } }));
  const cases: Array<[string, Finding[], FailOnRule[], string[], 'pass' | 'fail']> = [
    ['new crash, default rules', crash, ['new-crash', 'new-failure', 'regression'], [], 'fail'],
    ['new crash, only regressions', crash, ['regression'], [], 'pass'],
    ['new crash, fail-on none', crash, [], [], 'pass'],
    ['install failure of a required variant', install, ['install-failure'], [], 'fail'],
    ['install failure of an optional variant', install, ['install-failure'], ['3.14t'], 'pass'],
  ];
  it.each(cases)('%s', (_label, findings, rules, optional, expected) => {
    expect(verdict({ findings, failOn: new Set(rules), optionalVariants: new Set(optional) }).verdict).toBe(
      expected,
    );
  });

  it('says which rule failed the check', () => {
    const v = verdict({
      findings: crash,
      failOn: new Set<FailOnRule>(['crash']),
      optionalVariants: new Set(),
    });
    expect(v.reasons).toEqual(['fail-on crash: 1 finding (3.13t)']);
  });

  it('regression fails only against base; variant-regression only against the reference', () => {
    const base = {
      kind: 'regression',
      variant: '3.13',
      against: 'base',
      metric: 'startup',
      name: 'x',
      change: 1.3,
    } as const;
    const ref = { ...base, against: 'reference' } as const;
    const rules = new Set<FailOnRule>(['regression']);
    expect(verdict({ findings: [ref], failOn: rules, optionalVariants: new Set() }).verdict).toBe('pass');
    expect(verdict({ findings: [base], failOn: rules, optionalVariants: new Set() }).verdict).toBe('fail');
    expect(
      verdict({
        findings: [ref],
        failOn: new Set<FailOnRule>(['variant-regression']),
        optionalVariants: new Set(),
      }).verdict,
    ).toBe('fail');
  });
});
