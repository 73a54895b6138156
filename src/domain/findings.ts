// From measurements to findings, and from findings to the verdict. Crashes, new failures and GIL
// re-enabling are always findings; timings become findings only through compare (size AND
// significance), so the same code run twice never fails a check.
import type { Finding, TestCase, TestSummary, VariantReport } from './report.js';
import { threadStressFindings } from './thread-stress.js';

export type FailOnRule =
  | 'crash'
  | 'new-crash'
  | 'failure'
  | 'new-failure'
  | 'regression'
  | 'variant-regression'
  | 'install-failure'
  | 'gil-reenabled'
  | 'new-gil-reenabled'
  | 'new-flaky'
  | 'thread-unsafe'
  | 'new-thread-unsafe';

function failingIds(tests: TestSummary | undefined): Set<string> {
  return new Set(
    (tests?.cases ?? []).filter((c) => c.outcome === 'failed' || c.outcome === 'error').map((c) => c.id),
  );
}

function crashingIds(tests: TestSummary | undefined): Set<string> {
  return new Set((tests?.crashes ?? []).map((c) => c.test ?? '<unknown test>'));
}

/** A failure in a fixture wider than the test is the fixture's, whichever test ran last. */
function failureName(c: TestCase): string {
  return c.fixture && c.fixture.scope !== 'function'
    ? `fixture ${c.fixture.name} (${c.fixture.scope} scope), ${c.phase ?? 'teardown'}`
    : c.id;
}

function failureDetail(c: TestCase): string | null {
  const parts: string[] = [];
  if (c.orderDependent) {
    const before = c.orderDependent.before;
    parts.push(
      `order-dependent: fails after the tests that ran before it, passes alone${before.length > 0 ? `; ran before it: ${before.slice(-5).join(', ')}` : ''}`,
    );
  }
  if (c.fixture && c.fixture.scope === 'function')
    parts.push(`in the ${c.phase ?? 'teardown'} of fixture ${c.fixture.name}`);
  if (c.fixture && c.fixture.scope !== 'function') parts.push(`during ${c.id}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

const countedFailures = (t: TestSummary): number => t.failed + t.errors;
const summarised = (t: TestSummary): boolean =>
  t.cases.length === 0 && t.passed + t.failed + t.errors + t.skipped > 0;

/**
 * Without per-test records the runner's own summary counts are compared (more failures than on
 * base is new), else the exit status; either way the detail says the tests could not be
 * compared one by one.
 */
function countedFailure(variant: VariantReport): Finding {
  const head = variant.tests;
  const base = variant.base?.tests;
  // Counts that say nothing failed cannot explain a failed command: then only its exit status.
  const headCounts = summarised(head) && countedFailures(head) > 0;
  const byCounts = headCounts && base !== undefined && (summarised(base) || base.status === 'passed');
  const isNew =
    base === undefined ||
    (byCounts ? countedFailures(head) > countedFailures(base) : base.status !== 'failed');
  const detail = byCounts
    ? `${countedFailures(head)} failed by the runner's summary, ${countedFailures(base)} on the base commit; the tests could not be compared one by one`
    : headCounts
      ? `${countedFailures(head)} failed by the runner's summary; the tests could not be compared one by one`
      : `the test command exited with ${head.exitCode}; without per-test results or a summary line only the exit status was compared`;
  return {
    kind: isNew ? 'new-failure' : 'failure',
    variant: variant.name,
    against: base ? 'base' : null,
    metric: 'tests',
    name: null,
    change: null,
    detail,
  };
}

/** Test findings of one variant. `new` means absent on the base commit; with no base run, every one is new. */
export function testFindings(variant: VariantReport): Finding[] {
  const findings: Finding[] = [];
  const base = variant.base?.tests;
  const baseCrashes = crashingIds(base);
  const baseFailures = failingIds(base);
  for (const crash of variant.tests.crashes) {
    const name = crash.test ?? '<unknown test>';
    findings.push({
      kind: base && baseCrashes.has(name) ? 'crash' : 'new-crash',
      variant: variant.name,
      against: base ? 'base' : null,
      metric: 'tests',
      name: crash.test,
      change: null,
      detail:
        crash.kind === 'timeout'
          ? 'hung past command-timeout-minutes'
          : `${crash.signal ?? 'Fatal Python error'}${crash.reproduced ? `, reproduced ${crash.reproduced}` : ''}`,
    });
  }
  const failed = variant.tests.cases.filter((c) => c.outcome === 'failed' || c.outcome === 'error');
  const baseFlaky = new Set((base?.cases ?? []).filter((c) => c.flaky).map((c) => c.id));
  for (const c of failed) {
    const name = failureName(c);
    // A test that passed when the same tests ran again is flaky: reported as such, never as a new failure.
    if (c.flaky) {
      const old = base !== undefined && (baseFailures.has(c.id) || baseFlaky.has(c.id));
      findings.push({
        kind: old ? 'flaky' : 'new-flaky',
        variant: variant.name,
        against: base ? 'base' : null,
        metric: 'tests',
        name,
        change: null,
        detail: 'failed, then passed when the same tests ran again',
      });
      continue;
    }
    const detail = failureDetail(c);
    findings.push({
      kind: base && baseFailures.has(c.id) ? 'failure' : 'new-failure',
      variant: variant.name,
      against: base ? 'base' : null,
      metric: 'tests',
      name,
      change: null,
      ...(detail ? { detail } : {}),
    });
  }
  // A failing command with no per-test record (not pytest, or it died before collecting) is still a failure.
  if (failed.length === 0 && variant.tests.status === 'failed') findings.push(countedFailure(variant));
  return findings;
}

export function variantFindings(variant: VariantReport): Finding[] {
  if (!variant.install.ok) {
    return [
      {
        kind: 'install-failure',
        variant: variant.name,
        against: null,
        metric: 'install',
        name: null,
        change: null,
        detail: variant.install.error ?? 'install failed',
      },
    ];
  }
  return [
    ...testFindings(variant),
    ...notTested(variant),
    ...gilFindings(variant),
    ...benchmarkCrashFindings(variant),
    ...threadStressFindings(variant),
  ];
}

/**
 * Modules that re-enable the GIL, against base where base's tests ran under this variant:
 * `new-gil-reenabled` for one that does not on base, and an `improvement` (metric `gil`) for one
 * that did on base and no longer does. Without a base run every one is plain `gil-reenabled`.
 */
export function gilFindings(variant: VariantReport): Finding[] {
  const base = variant.base?.gil?.reenabledBy;
  const onBase = new Set(base ?? []);
  const onHead = new Set(variant.gil.reenabledBy);
  const against = base ? 'base' : null;
  const head = variant.gil.reenabledBy.map((module): Finding => ({
    kind: base && !onBase.has(module) ? 'new-gil-reenabled' : 'gil-reenabled',
    variant: variant.name,
    against,
    metric: 'gil',
    name: module,
    change: null,
  }));
  const released = [...onBase]
    .filter((module) => !onHead.has(module))
    .map((module): Finding => ({
      kind: 'improvement',
      variant: variant.name,
      against: 'base',
      metric: 'gil',
      name: module,
      change: null,
      detail: 're-enabled the GIL on the base commit, no longer does',
    }));
  return [...head, ...released];
}

/** Installed, yet nothing was tested (the command could not start): a run that tested nothing never passes. */
function notTested(variant: VariantReport): Finding[] {
  if (variant.tests.status !== 'not-run') return [];
  return [
    {
      kind: 'install-failure',
      variant: variant.name,
      against: null,
      metric: 'tests',
      name: null,
      change: null,
      detail: `the tests did not run${variant.tests.outputTail ? `: ${variant.tests.outputTail.trim().split('\n').at(-1)}` : ''}`,
    },
  ];
}

/**
 * A benchmark process that died is a crash, named after the command: new unless the base commit's
 * runs under the same variant crashed too (with no base measured, new, as for tests).
 */
function benchmarkCrashFindings(variant: VariantReport): Finding[] {
  const crash = variant.benchmarkCrashes;
  if (!crash) return [];
  const onBase = variant.base !== undefined && variant.base.benchmarkCrashes !== undefined;
  return [
    {
      kind: onBase ? 'crash' : 'new-crash',
      variant: variant.name,
      against: variant.base ? 'base' : null,
      metric: 'throughput',
      name: crash.command,
      change: null,
      detail: `the benchmark command ${crash.signal ? `died of ${crash.signal}` : `hit a Fatal Python error${crash.fatalError ? `: ${crash.fatalError}` : ''}`} in ${crash.crashed} runs`,
    },
  ];
}

function matches(rule: FailOnRule, finding: Finding, optional: boolean): boolean {
  switch (rule) {
    case 'crash':
      return finding.kind === 'crash' || finding.kind === 'new-crash';
    case 'new-crash':
      return finding.kind === 'new-crash';
    case 'failure':
      return finding.kind === 'failure' || finding.kind === 'new-failure';
    case 'new-failure':
      return finding.kind === 'new-failure';
    case 'regression':
      return finding.kind === 'regression' && finding.against === 'base';
    case 'variant-regression':
      return finding.kind === 'regression' && finding.against === 'reference';
    case 'install-failure':
      // A variant written with `?` may fail to install without failing the step.
      return finding.kind === 'install-failure' && !optional;
    case 'gil-reenabled':
      // As `crash` covers `new-crash`: any module that turns the GIL back on, new or not.
      return finding.kind === 'gil-reenabled' || finding.kind === 'new-gil-reenabled';
    case 'new-gil-reenabled':
      return finding.kind === 'new-gil-reenabled';
    case 'new-flaky':
      return finding.kind === 'new-flaky';
    case 'thread-unsafe':
      return finding.kind === 'thread-unsafe' || finding.kind === 'new-thread-unsafe';
    case 'new-thread-unsafe':
      return finding.kind === 'new-thread-unsafe';
  }
}

export function verdict(options: {
  findings: readonly Finding[];
  failOn: ReadonlySet<FailOnRule>;
  optionalVariants: ReadonlySet<string>;
}): { verdict: 'pass' | 'fail'; reasons: string[] } {
  const reasons: string[] = [];
  for (const rule of options.failOn) {
    const hits = options.findings.filter((f) => matches(rule, f, options.optionalVariants.has(f.variant)));
    if (hits.length > 0) {
      const where = [...new Set(hits.map((h) => h.variant))].join(', ');
      reasons.push(`fail-on ${rule}: ${hits.length} finding${hits.length === 1 ? '' : 's'} (${where})`);
    }
  }
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons };
}
