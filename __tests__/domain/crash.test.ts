import { describe, expect, it } from 'vitest';
import { classifyProcessEnd, fatalErrorIn, signalFromExitCode } from '../../src/domain/crash.js';

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
  ] as const)('%s', (_name, input, expected) => {
    expect(classifyProcessEnd(input)).toEqual(expected);
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
