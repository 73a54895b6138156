import { describe, expect, it } from 'vitest';
import {
  classifyProcessEnd,
  crashStatusName,
  describeExitCode,
  fatalErrorIn,
  signalFromExitCode,
} from '../../src/domain/crash.js';

describe('signalFromExitCode', () => {
  it.each([
    [139, 'linux', 'SIGSEGV'],
    [134, 'linux', 'SIGABRT'],
    [135, 'linux', 'SIGBUS'],
    [132, 'linux', 'SIGILL'],
    [136, 'linux', 'SIGFPE'],
    [138, 'darwin', 'SIGBUS'],
    [135, 'darwin', null], // SIGEMT on macOS: not an interpreter crash
    [137, 'linux', null], // SIGKILL: not in the crash set
    [143, 'linux', null], // SIGTERM
    [1, 'linux', null],
    [5, 'linux', null], // pytest: no tests collected
    [0, 'linux', null],
    [null, 'linux', null],
    [128, 'linux', null],
    [255, 'linux', null],
    // Windows: the NTSTATUS of the exception that killed the process, as Node (unsigned) or a
    // signed 32-bit reader gives it; Node's platform name and the catalog's alike.
    [0xc0000005, 'win32', 'STATUS_ACCESS_VIOLATION'],
    [-1073741819, 'windows', 'STATUS_ACCESS_VIOLATION'],
    [0xc00000fd, 'win32', 'STATUS_STACK_OVERFLOW'],
    [0xc0000409, 'win32', 'STATUS_STACK_BUFFER_OVERRUN'],
    [0x80000003, 'win32', 'STATUS_BREAKPOINT'],
    [0xc000001d, 'win32', 'STATUS_ILLEGAL_INSTRUCTION'],
    [0xc0000094, 'win32', 'STATUS_INTEGER_DIVIDE_BY_ZERO'],
    [0xc0000374, 'win32', 'STATUS_HEAP_CORRUPTION'],
    [0xc0000602, 'win32', 'STATUS_FAIL_FAST_EXCEPTION'],
    [0xc000013a, 'win32', null], // STATUS_CONTROL_C_EXIT: stopped, not broken
    [139, 'win32', null], // no shell 128+N convention there
    [1, 'win32', null],
    [0xc0000005, 'linux', null],
  ])('exit %s on %s is %s', (code, platform, signal) => {
    expect(signalFromExitCode(code, platform)).toBe(signal);
  });
});

describe('classifyProcessEnd', () => {
  const base = { exitCode: 0, signal: null, timedOut: false, output: '' };
  it.each([
    ['a clean exit', base, { kind: 'passed' }],
    ['test failures', { ...base, exitCode: 1 }, { kind: 'failed', exitCode: 1 }],
    ['no tests collected', { ...base, exitCode: 5 }, { kind: 'failed', exitCode: 5 }],
    [
      'death by SIGSEGV',
      { ...base, exitCode: null, signal: 'SIGSEGV', output: 'Fatal Python error: Segmentation fault\n' },
      { kind: 'crashed', signal: 'SIGSEGV', fatalError: 'Segmentation fault' },
    ],
    [
      'a shell reporting SIGSEGV as 139',
      { ...base, exitCode: 139 },
      { kind: 'crashed', signal: 'SIGSEGV', fatalError: null },
    ],
    [
      'death by a signal outside the crash set (OOM killer)',
      { ...base, exitCode: null, signal: 'SIGKILL' },
      { kind: 'crashed', signal: 'SIGKILL', fatalError: null },
    ],
    [
      // The process did not die of it: an interpreter that cannot start exits 1 (a failed run).
      'a fatal error at startup, exit 1',
      {
        ...base,
        exitCode: 1,
        output: 'Fatal Python error: init_import_site: Failed to import the site module\n',
      },
      { kind: 'failed', exitCode: 1 },
    ],
    [
      // A unittest test that checks a child process crashes, and passes: the run is not a crash.
      "a child's fatal error shown by a run that exited 0",
      { ...base, exitCode: 0, output: 'Fatal Python error: Segmentation fault\n' },
      { kind: 'passed' },
    ],
    [
      'our timeout (SIGABRT) is a timeout, not an abort',
      { ...base, exitCode: null, signal: 'SIGABRT', timedOut: true, output: 'Fatal Python error: Aborted\n' },
      { kind: 'timedOut' },
    ],
    [
      'a command that could not start',
      { ...base, exitCode: 127, spawnError: 'bash: ENOENT' },
      { kind: 'not-started', reason: 'bash: ENOENT' },
    ],
    [
      'a fatal error quoted by a finished session is not ours',
      { ...base, exitCode: 1, output: 'Fatal Python error: Segmentation fault\n', sessionFinished: true },
      { kind: 'failed', exitCode: 1 },
    ],
    [
      'Windows: an access violation',
      {
        ...base,
        exitCode: 0xc0000005,
        platform: 'win32',
        output:
          'Windows fatal exception: access violation\n\nCurrent thread 0x00001b2c (most recent call first):\n',
      },
      { kind: 'crashed', signal: 'STATUS_ACCESS_VIOLATION', fatalError: null },
    ],
    [
      // The MSVC runtime's abort() exits 3, after CPython printed why.
      'Windows: abort() after a fatal error, exit 3',
      { ...base, exitCode: 3, platform: 'win32', output: 'Fatal Python error: _PyObject_AssertFailed\n' },
      { kind: 'crashed', signal: 'SIGABRT', fatalError: '_PyObject_AssertFailed' },
    ],
    [
      // pytest's own exit 3 (an internal error) without a fatal error is a failed run.
      'Windows: exit 3 without a fatal error',
      { ...base, exitCode: 3, platform: 'win32' },
      { kind: 'failed', exitCode: 3 },
    ],
    [
      'Linux: exit 3 after a fatal error is not an abort',
      { ...base, exitCode: 3, platform: 'linux', output: 'Fatal Python error: x\n' },
      { kind: 'failed', exitCode: 3 },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(classifyProcessEnd(input)).toEqual(expected);
  });
});

describe('describeExitCode', () => {
  it.each([
    [0xc0000005, 'windows', 'exited with 0xC0000005 (STATUS_ACCESS_VIOLATION)'],
    [-1073741571, 'windows', 'exited with 0xC00000FD (STATUS_STACK_OVERFLOW)'],
    [2, 'windows', 'exited with 2'],
    [1, 'linux', 'exited with 1'],
    [0xc0000005, 'darwin', 'exited with 3221225477'],
  ])('%s on %s', (code, platform, text) => {
    expect(describeExitCode(code, platform)).toBe(text);
  });

  it('crashStatusName ignores what is not an exit code', () => {
    expect(crashStatusName(null)).toBeNull();
    expect(crashStatusName(1.5)).toBeNull();
  });
});

describe('fatalErrorIn', () => {
  it.each([
    ['Fatal Python error: Segmentation fault\n\nCurrent thread', 'Segmentation fault'],
    ['noise\nFatal Python error: Aborted\r\n', 'Aborted'],
    ['E   assert "Fatal Python error: x" in out', null],
    ['', null],
  ])('%j -> %j', (output, expected) => {
    expect(fatalErrorIn(output)).toBe(expected);
  });
});
