// What a cancel (SIGTERM or SIGINT: GitHub's cancel button, `timeout-minutes`) means to a run:
// stop waiting for the work, say where it stopped, and write the report from what had finished.
// The runner itself ends the process groups (adapters/process.ts).
import type { Cancellation } from './domain/report.js';
import type { Toolkit } from './ports.js';

export type CancelSignalName = Cancellation['signal'];

/** The reason an AbortSignal carries when the action is cancelled. */
export class CancelledError extends Error {
  constructor(readonly signal: CancelSignalName) {
    super(`cancelled by ${signal}`);
    this.name = 'CancelledError';
  }
}

function signalOf(cancel: AbortSignal): CancelSignalName {
  return cancel.reason instanceof CancelledError ? cancel.reason.signal : 'SIGTERM';
}

/**
 * Resolves with null when `work` is done, or with the signal's name as soon as `cancel` fires,
 * without waiting for the work to notice: its commands are being ended and whatever it would
 * still do is not reported.
 */
export function untilCancelled(work: Promise<void>, cancel?: AbortSignal): Promise<CancelSignalName | null> {
  if (!cancel) return work.then(() => null);
  if (cancel.aborted) return Promise.resolve(signalOf(cancel));
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(signalOf(cancel));
    cancel.addEventListener('abort', onAbort, { once: true });
    void work.then(() => {
      cancel.removeEventListener('abort', onAbort);
      resolve(null);
    });
  });
}

/** The toolkit, noting which log group is open: a cancel's report says what it interrupted. */
export function stageTracking(toolkit: Toolkit): { toolkit: Toolkit; current: () => string | null } {
  const open: string[] = [];
  // The toolkit may be a class instance: a prototype link keeps its methods and their `this`.
  const tracked = Object.create(toolkit) as Toolkit;
  tracked.group = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    open.push(name);
    try {
      return await toolkit.group(name, fn);
    } finally {
      open.splice(open.lastIndexOf(name), 1);
    }
  };
  return { toolkit: tracked, current: () => open.at(-1) ?? null };
}

/** The line report.json's `errors` and the summary carry. */
export function cancelledMessage(cancellation: Cancellation): string {
  const during = cancellation.during === null ? '' : ` during "${cancellation.during}"`;
  return `cancelled by ${cancellation.signal}${during}: this report holds what had finished before; every process the action started was ended`;
}
