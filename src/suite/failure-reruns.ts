// The reruns that tell a real failure from a flaky or order-dependent one: the failed tests
// alone, then, for those that passed alone, the original order up to them.
import { classifyFailures, isFailure, prefixThrough, type FailureKind } from '../domain/failure-kinds.js';
import type { TestCase } from '../domain/report.js';
import { runAttempt, type AttemptContext } from './test-attempt.js';

// Past this many failures the run is plainly broken: rerunning them would only cost time.
const MAX_FAILURE_RERUNS = 50;
// A rerun needs the tests' own time, not the whole suite's budget.
const RERUN_TIMEOUT_MS = 10 * 60_000;

export async function failureKinds(
  context: AttemptContext,
  options: { cases: readonly TestCase[]; timeoutMs: number },
): Promise<Map<string, FailureKind>> {
  const failed = options.cases.filter(isFailure).map((c) => c.id);
  if (failed.length === 0 || failed.length > MAX_FAILURE_RERUNS || context.pluginDir === null) {
    return new Map();
  }
  const timeoutMs = Math.min(options.timeoutMs, RERUN_TIMEOUT_MS);
  const alone = await runAttempt(context, {
    label: `rerun of ${failed.length} failed test(s) without the rest of the suite`,
    timeoutMs,
    only: failed,
  });
  const aloneCases = new Map(alone.records.cases.map((c) => [c.id, c]));
  const suspects = new Set(failed.filter((id) => aloneCases.get(id)?.outcome === 'passed'));
  // The order the tests ran in: the records' finish order (one process), crashes excluded.
  const order = options.cases
    .filter((c) => c.outcome !== 'crashed' && c.outcome !== 'timedOut')
    .map((c) => c.id);
  let inOrder: Map<string, TestCase> | null = null;
  if (suspects.size > 0) {
    const pattern = prefixThrough(order, suspects);
    const again = await runAttempt(context, {
      label: `rerun of the ${pattern.length} test(s) up to ${suspects.size} that passed alone, in the same order`,
      timeoutMs,
      only: pattern,
    });
    inOrder = new Map(again.records.cases.map((c) => [c.id, c]));
  }
  const kinds = classifyFailures({ failed, order, alone: aloneCases, inOrder });
  for (const [id, kind] of kinds) {
    if (kind.kind === 'order-dependent')
      context.log(`${id}: fails after the tests before it, passes alone: order-dependent`);
    if (kind.kind === 'flaky') context.log(`${id}: passed when the same tests ran again: flaky`);
  }
  return kinds;
}
