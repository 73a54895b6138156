// How a test process ended. A crash is recognised whether the process died by a signal or a
// shell reported that death as exit 128+N.

/** Signals that mean the interpreter itself broke, by number (exit 128+N from a shell). */
const CRASH_SIGNALS: Readonly<Record<'linux' | 'darwin', Readonly<Record<number, string>>>> = {
  linux: { 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' },
  darwin: { 4: 'SIGILL', 6: 'SIGABRT', 8: 'SIGFPE', 10: 'SIGBUS', 11: 'SIGSEGV' },
};

export type ProcessEnd =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly exitCode: number | null }
  | {
      readonly kind: 'crashed';
      readonly signal: string | null;
      /** The text after `Fatal Python error: `, when CPython printed one. */
      readonly fatalError: string | null;
    }
  | { readonly kind: 'timedOut' }
  | { readonly kind: 'not-started'; readonly reason: string };

/** The crash signal a shell means by exit 128+N (bash reports a child's SIGSEGV as 139). */
export function signalFromExitCode(exitCode: number | null, platform: string = 'linux'): string | null {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return null;
  const table = platform === 'darwin' ? CRASH_SIGNALS.darwin : CRASH_SIGNALS.linux;
  return table[exitCode - 128] ?? null;
}

const FATAL_ERROR = /^Fatal Python error: (.*)$/m;

/** The first `Fatal Python error: X` at the start of a line, or null. */
export function fatalErrorIn(output: string): string | null {
  const match = FATAL_ERROR.exec(output);
  return match ? (match[1] ?? '').trim() : null;
}

export interface ProcessEndInput {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly spawnError?: string;
  readonly platform?: string;
  /**
   * The test session reported its own end (the plugin's session-finish record): a `Fatal
   * Python error` in the output then came from a child process a test ran and showed, not
   * from this interpreter.
   */
  readonly sessionFinished?: boolean;
}

export function classifyProcessEnd(input: ProcessEndInput): ProcessEnd {
  if (input.spawnError !== undefined) return { kind: 'not-started', reason: input.spawnError };
  // Our own timeout sends SIGABRT, so the signal that ended a timed-out process is ours.
  if (input.timedOut) return { kind: 'timedOut' };
  const fatalError = input.sessionFinished === true ? null : fatalErrorIn(input.output);
  if (input.signal !== null) return { kind: 'crashed', signal: input.signal, fatalError };
  const shellSignal = signalFromExitCode(input.exitCode, input.platform);
  if (shellSignal !== null) return { kind: 'crashed', signal: shellSignal, fatalError };
  // A `Fatal Python error` in the output of a process that exited normally came from a child
  // it ran (a test that checks a crash in a subprocess), not from this one: CPython aborts
  // after printing it. A death hidden behind a pipe is the records' business (record-evidence.ts).
  return input.exitCode === 0 ? { kind: 'passed' } : { kind: 'failed', exitCode: input.exitCode };
}
