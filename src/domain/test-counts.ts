// How a run's per-test cases are counted: one rule for the action's own test runs and for
// `mode: report`, which counts a leg's cases again rather than trust the numbers it wrote.
import type { CrashRecord, TestCase, TestSummary } from './report.js';

export type CaseCounts = Pick<
  TestSummary,
  'passed' | 'failed' | 'errors' | 'skipped' | 'crashed' | 'timedOut'
>;

function count(cases: readonly TestCase[], ...outcomes: TestCase['outcome'][]): number {
  return cases.filter((c) => outcomes.includes(c.outcome)).length;
}

/** The counts the cases give; a crash or hang with no test named counts too (nothing else holds it). */
export function caseCounts(
  cases: readonly TestCase[],
  /** A crash's test: its id, or what the run knew of it; null where no test was named. */
  crashes: readonly { readonly test: unknown; readonly kind: CrashRecord['kind'] }[],
): CaseCounts {
  const unnamed = (...kinds: CrashRecord['kind'][]): number =>
    crashes.filter((c) => c.test === null && kinds.includes(c.kind)).length;
  return {
    passed: count(cases, 'passed', 'xpassed'),
    failed: count(cases, 'failed'),
    errors: count(cases, 'error'),
    skipped: count(cases, 'skipped', 'xfailed'),
    crashed: count(cases, 'crashed') + unnamed('signal', 'fatal-error'),
    timedOut: count(cases, 'timedOut') + unnamed('timeout'),
  };
}
