import { describe, expect, it } from 'vitest';
import type { ProcessEnd } from '../../src/domain/crash.js';
import { parseFaulthandlerDumps } from '../../src/domain/faulthandler.js';
import {
  blamedOn,
  endWithRecords,
  lostTestSignal,
  signalOfFatalError,
} from '../../src/domain/record-evidence.js';
import { parseTestRecords } from '../../src/domain/test-records.js';

const lines = (...records: object[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

const died = parseTestRecords(
  lines(
    { event: 'session-start', pid: 7 },
    { event: 'start', pid: 7, nodeid: 't.py::test_segv', file: 't.py', line: 5 },
  ),
);
const ended = parseTestRecords(
  lines(
    { event: 'session-start', pid: 7 },
    { event: 'start', pid: 7, nodeid: 't.py::test_ok' },
    { event: 'finish', pid: 7, nodeid: 't.py::test_ok', outcome: 'passed' },
    { event: 'session-finish', pid: 7 },
  ),
);
const SEGV =
  'Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):\n  File "/w/t.py", line 6 in test_segv\n';

describe('endWithRecords', () => {
  it.each<[string, ProcessEnd, typeof died, string, ProcessEnd]>([
    [
      'behind `| tee`: exit 0, the session never ended in a test, faulthandler said SIGSEGV',
      { kind: 'passed' },
      died,
      SEGV,
      { kind: 'crashed', signal: 'SIGSEGV', fatalError: 'Segmentation fault' },
    ],
    [
      'exit 1 and no dump: a crash of unknown signal',
      { kind: 'failed', exitCode: 1 },
      died,
      '',
      { kind: 'crashed', signal: null, fatalError: null },
    ],
    [
      'a session that ended is left as it was',
      { kind: 'failed', exitCode: 1 },
      ended,
      SEGV,
      { kind: 'failed', exitCode: 1 },
    ],
    ['a timeout stays a timeout', { kind: 'timedOut' }, died, '', { kind: 'timedOut' }],
    [
      "pytest-timeout's os._exit(1) after its dump is a hang",
      { kind: 'failed', exitCode: 1 },
      died,
      '\n+++++++++++++++++++++++++++++++++++ Timeout ++++++++++++++++++++++++++++++++++++\n',
      { kind: 'timedOut' },
    ],
    [
      'a death by signal keeps its signal',
      { kind: 'crashed', signal: 'SIGBUS', fatalError: null },
      died,
      SEGV,
      { kind: 'crashed', signal: 'SIGBUS', fatalError: null },
    ],
  ])('%s', (_name, end, records, output, expected) => {
    expect(endWithRecords(end, { records, output, dumps: parseFaulthandlerDumps(output) })).toEqual(expected);
  });
});

describe('lostTestSignal', () => {
  const test = { id: 't.py::test_segv', pid: 7, file: 't.py' };
  it('the dump that holds the test names the signal', () => {
    const output = `${SEGV}\nFatal Python error: Aborted\n\nCurrent thread 0x2 (most recent call first):\n  File "/w/u.py", line 1 in test_other\n`;
    expect(lostTestSignal(test, { output, dumps: parseFaulthandlerDumps(output) })).toBe('SIGSEGV');
  });
  it('two xdist workers lost, one dump: it is the segfaulted test’s, and the other died silently', () => {
    const output = `${SEGV}\n[gw0] node down: Not properly terminated\n[gw1] node down: Not properly terminated\n`;
    const dumps = parseFaulthandlerDumps(output);
    expect(lostTestSignal(test, { output, dumps, others: true })).toBe('SIGSEGV');
    expect(
      lostTestSignal({ id: 't.py::test_killed', pid: 8, file: 't.py' }, { output, dumps, others: true }),
    ).toBe('SIGKILL');
  });
  it('an xdist worker lost without a word was SIGKILLed', () => {
    const output = '[gw0] node down: Not properly terminated\nreplacing crashed worker gw0\n';
    expect(lostTestSignal(test, { output, dumps: [] })).toBe('SIGKILL');
  });
  it('no evidence: unknown', () => {
    expect(lostTestSignal(test, { output: 'F', dumps: [] })).toBeNull();
  });
});

describe('signalOfFatalError', () => {
  it.each([
    ['Segmentation fault', 'SIGSEGV'],
    ['Bus error', 'SIGBUS'],
    ['Floating-point exception', 'SIGFPE'],
    ['Illegal instruction', 'SIGILL'],
    ['Aborted', 'SIGABRT'],
    // Py_FatalError prints its own message, then abort()s.
    ['_PyMem_DebugRawFree: bad ID', 'SIGABRT'],
  ])('%s is %s', (error, signal) => {
    expect(signalOfFatalError(error)).toBe(signal);
  });
});

describe('blamedOn', () => {
  it.each([
    [{ id: 'a::t', pid: 1 }, 'a::t'],
    [{ id: 'a::t', pid: 1, phase: 'teardown' as const, fixture: { name: 'tmp', scope: 'function' } }, 'a::t'],
    [
      { id: 'a::t', pid: 1, phase: 'teardown' as const, fixture: { name: 'db', scope: 'session' } },
      'fixture db (session scope), teardown',
    ],
  ])('%j is blamed on %s', (test, name) => {
    expect(blamedOn(test)).toBe(name);
  });
});
