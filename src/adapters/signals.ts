// SIGTERM and SIGINT are how a runner cancels a step: on cancel and `timeout-minutes` it sends
// SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that. Node's default on either is to
// die at once, which left no report and the tests running, reparented to PID 1.
import { constants } from 'node:os';
import { CancelledError, type CancelSignalName } from '../cancellation.js';

const SIGNALS: readonly CancelSignalName[] = ['SIGTERM', 'SIGINT'];

/** 128 + the signal's number: the exit status a shell gives a process killed by it. */
export function exitCodeFor(signal: CancelSignalName): number {
  return 128 + constants.signals[signal];
}

/**
 * An AbortSignal that fires on the first SIGTERM or SIGINT, its reason a CancelledError. A second
 * one, or `forceAfterMs` without an exit, calls `force` (which must end the process): a cancel
 * that hangs must not outlast the runner's patience.
 */
export function cancelOnSignals(options: {
  forceAfterMs: number;
  force: (signal: CancelSignalName) => void;
}): AbortSignal {
  const controller = new AbortController();
  for (const name of SIGNALS) {
    process.on(name, () => {
      if (controller.signal.aborted) return options.force(name);
      controller.abort(new CancelledError(name));
      setTimeout(() => options.force(name), options.forceAfterMs).unref();
    });
  }
  return controller.signal;
}
