// Why a failed test failed, from its reruns. A failure that comes back when the same tests run
// again in the same order is real, even when the test passes alone: it is order-dependent
// (another test leaves state behind), and it is as much a failure of the pull request as any.
// Only a failure that the same run pattern does not repeat is flaky.
import type { TestCase } from './report.js';

export type FailureKind =
  | { readonly kind: 'reproduced' }
  | { readonly kind: 'flaky' }
  | { readonly kind: 'order-dependent'; readonly before: readonly string[] };

/** How many of the tests that ran before an order-dependent failure the report names. */
export const BEFORE_SHOWN = 20;

export const isFailure = (c: TestCase): boolean => c.outcome === 'failed' || c.outcome === 'error';

/**
 * The run pattern to repeat for `suspects` (failures that passed alone): the tests in the order
 * they ran, up to the last suspect. Later tests cannot have caused them.
 */
export function prefixThrough(order: readonly string[], suspects: ReadonlySet<string>): string[] {
  let last = -1;
  order.forEach((id, i) => {
    if (suspects.has(id)) last = i;
  });
  return order.slice(0, last + 1);
}

/**
 * Each failure's kind, from a rerun of the failures alone and, for those that passed alone, a
 * rerun of the original order up to them (`inOrder`, null when it was not run).
 */
export function classifyFailures(options: {
  failed: readonly string[];
  order: readonly string[];
  alone: ReadonlyMap<string, TestCase>;
  inOrder: ReadonlyMap<string, TestCase> | null;
}): Map<string, FailureKind> {
  const kinds = new Map<string, FailureKind>();
  for (const id of options.failed) {
    const alone = options.alone.get(id);
    if (alone === undefined || isFailure(alone) || alone.outcome !== 'passed') {
      kinds.set(id, { kind: 'reproduced' });
      continue;
    }
    const again = options.inOrder?.get(id);
    if (again !== undefined && isFailure(again)) {
      const index = options.order.indexOf(id);
      const before = options.order.slice(Math.max(0, index - BEFORE_SHOWN), Math.max(0, index));
      kinds.set(id, { kind: 'order-dependent', before });
    } else kinds.set(id, { kind: 'flaky' });
  }
  return kinds;
}
