// From measurements to findings, and from findings to the verdict. Crashes, new failures and GIL
// re-enabling are always findings; timings become findings only through compare (size AND
// significance), so the same code run twice never fails a check.
import type { Finding, TestSummary, VariantReport } from './report.js';
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
  for (const c of failed) {
    // A test that passed when rerun is flaky: reported as such, never as a new failure.
    if (c.flaky) {
      findings.push({
        kind: 'flaky',
        variant: variant.name,
        against: null,
        metric: 'tests',
        name: c.id,
        change: null,
        detail: 'failed, then passed when rerun',
      });
      continue;
    }
    findings.push({
      kind: base && baseFailures.has(c.id) ? 'failure' : 'new-failure',
      variant: variant.name,
      against: base ? 'base' : null,
      metric: 'tests',
      name: c.id,
      change: null,
    });
  }
  // A failing command with no per-test record (not pytest, or it died before collecting) is still a failure.
  if (failed.length === 0 && variant.tests.status === 'failed') {
    findings.push({
      kind: base && base.status === 'failed' ? 'failure' : 'new-failure',
      variant: variant.name,
      against: base ? 'base' : null,
      metric: 'tests',
      name: null,
      change: null,
      detail: `the test command exited with ${variant.tests.exitCode}`,
    });
  }
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
  const gil = variant.gil.reenabledBy.map((module): Finding => ({
    kind: 'gil-reenabled',
    variant: variant.name,
    against: null,
    metric: 'gil',
    name: module,
    change: null,
  }));
  return [...testFindings(variant), ...gil, ...threadStressFindings(variant)];
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
      return finding.kind === 'gil-reenabled';
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
