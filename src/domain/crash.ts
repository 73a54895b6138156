// How a test process ended. A crash is recognised whether the process died by a signal or a
// shell reported that death as exit 128+N, or, on Windows, by the NTSTATUS exception code the
// process exited with.

/** Signals that mean the interpreter itself broke, by number (exit 128+N from a shell). */
const CRASH_SIGNALS: Readonly<Record<'linux' | 'darwin', Readonly<Record<number, string>>>> = {
  linux: { 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' },
  darwin: { 4: 'SIGILL', 6: 'SIGABRT', 8: 'SIGFPE', 10: 'SIGBUS', 11: 'SIGSEGV' },
};

/**
 * Windows has no signals: a process killed by an unhandled exception exits with its NTSTATUS
 * code. These are the ones that mean the interpreter or an extension broke.
 * https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-erref/596a1078-e883-4972-9bbc-49e60bebca55
 */
const CRASH_STATUSES: Readonly<Record<number, string>> = {
  0x80000002: 'STATUS_DATATYPE_MISALIGNMENT',
  0x80000003: 'STATUS_BREAKPOINT',
  0xc0000005: 'STATUS_ACCESS_VIOLATION',
  0xc0000006: 'STATUS_IN_PAGE_ERROR',
  0xc000001d: 'STATUS_ILLEGAL_INSTRUCTION',
  0xc000008c: 'STATUS_ARRAY_BOUNDS_EXCEEDED',
  0xc000008e: 'STATUS_FLOAT_DIVIDE_BY_ZERO',
  0xc0000094: 'STATUS_INTEGER_DIVIDE_BY_ZERO',
  0xc0000096: 'STATUS_PRIVILEGED_INSTRUCTION',
  0xc00000fd: 'STATUS_STACK_OVERFLOW',
  0xc0000374: 'STATUS_HEAP_CORRUPTION',
  // __fastfail, which the CRT's stack cookie check and abort-on-invalid-parameter use.
  0xc0000409: 'STATUS_STACK_BUFFER_OVERRUN',
  0xc0000420: 'STATUS_ASSERTION_FAILURE',
  0xc0000602: 'STATUS_FAIL_FAST_EXCEPTION',
};

// The MSVC runtime's abort() (which Py_FatalError calls) ends the process with exit code 3.
const WINDOWS_ABORT_EXIT = 3;

const isWindows = (platform: string): boolean => platform === 'windows' || platform === 'win32';

/** The NTSTATUS crash a Windows exit code means, by name, or null. Signed or unsigned alike. */
export function crashStatusName(exitCode: number | null): string | null {
  if (exitCode === null || !Number.isInteger(exitCode)) return null;
  return CRASH_STATUSES[exitCode >>> 0] ?? null;
}

/** 'exited with 0xC0000005 (STATUS_ACCESS_VIOLATION)' on Windows; 'exited with 1' everywhere. */
export function describeExitCode(exitCode: number | null, platform: string): string {
  const name = isWindows(platform) ? crashStatusName(exitCode) : null;
  if (name === null || exitCode === null) return `exited with ${exitCode}`;
  return `exited with 0x${(exitCode >>> 0).toString(16).toUpperCase().padStart(8, '0')} (${name})`;
}

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

/**
 * The crash signal a shell means by exit 128+N (bash reports a child's SIGSEGV as 139); on
 * Windows ('windows' or Node's 'win32'), the NTSTATUS crash the exit code is.
 */
export function signalFromExitCode(exitCode: number | null, platform: string = 'linux'): string | null {
  if (isWindows(platform)) return crashStatusName(exitCode);
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
  // Exit 3 is also pytest's "internal error": it is an abort only when this process said why.
  if (isWindows(input.platform ?? 'linux') && input.exitCode === WINDOWS_ABORT_EXIT && fatalError !== null)
    return { kind: 'crashed', signal: 'SIGABRT', fatalError };
  // A `Fatal Python error` in the output of a process that exited normally came from a child
  // it ran (a test that checks a crash in a subprocess), not from this one: CPython aborts
  // after printing it. A death hidden behind a pipe is the records' business (record-evidence.ts).
  return input.exitCode === 0 ? { kind: 'passed' } : { kind: 'failed', exitCode: input.exitCode };
}
