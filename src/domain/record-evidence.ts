// What the recording plugin's records prove about how a test run ended, whatever the command's
// exit status says. `pytest ... | tee log` exits with tee's 0 after a segfault, and an xdist
// controller exits 1 after losing a worker: only the records show a test that started in a
// process that never reached its session's end.
import { fatalErrorIn, type ProcessEnd } from './crash.js';
import { testFrame, type FaulthandlerDump } from './faulthandler.js';
import type { StartedTest, TestRecords } from './test-records.js';

/** faulthandler's header for each fatal signal (Modules/faulthandler.c). */
const SIGNAL_OF_FATAL_ERROR: Readonly<Record<string, string>> = {
  'Segmentation fault': 'SIGSEGV',
  Aborted: 'SIGABRT',
  'Bus error': 'SIGBUS',
  'Floating-point exception': 'SIGFPE',
  'Floating point exception': 'SIGFPE',
  'Illegal instruction': 'SIGILL',
};

// pytest-xdist, when a worker dies: `[gw0] node down: Not properly terminated` and
// `replacing crashed worker gw0` (older: `Replacing crashed worker`).
const XDIST_LOST_WORKER =
  /\bnode down: Not properly terminated\b|\b[Rr]eplacing crashed worker\b|\bworker '?\w+'? crashed while running\b/;

const PYTEST_TIMEOUT = /^\+{5,} Timeout \+{5,}$/m;

/** The signal a `Fatal Python error: X` header means: faulthandler's signal, else Py_FatalError's abort(). */
export function signalOfFatalError(error: string): string {
  return SIGNAL_OF_FATAL_ERROR[error] ?? 'SIGABRT';
}

export function xdistLostWorker(output: string): boolean {
  return XDIST_LOST_WORKER.test(output);
}

/**
 * How the run ended, the records considered: a process that died in a test (no session-finish,
 * a test started and unfinished) is a crash even when the exit status looks ordinary.
 */
export function endWithRecords(
  end: ProcessEnd,
  evidence: { records: TestRecords; output: string; dumps: readonly FaulthandlerDump[] },
): ProcessEnd {
  if (end.kind !== 'passed' && end.kind !== 'failed') return end;
  const { lost } = evidence.records;
  const last = lost.at(-1);
  if (last === undefined) return end;
  // pytest-timeout (thread method) dumps the stacks and ends the process with os._exit(1).
  if (PYTEST_TIMEOUT.test(evidence.output)) return { kind: 'timedOut' };
  const signal = lostTestSignal(last, { ...evidence, others: lost.length > 1 });
  return { kind: 'crashed', signal, fatalError: fatalErrorIn(evidence.output) };
}

/**
 * The signal a lost test's process died of: the faulthandler dump that holds the test's frame
 * (else the only dump) names it; an xdist worker lost without any dump died silently, and only
 * SIGKILL (the OOM killer, a runner's limit) kills a Python process without a word.
 */
export function lostTestSignal(
  test: StartedTest,
  evidence: {
    output: string;
    dumps: readonly FaulthandlerDump[];
    /** Other processes died too (xdist workers): the one dump there is may be theirs. */
    others?: boolean;
  },
): string | null {
  const fatal = evidence.dumps.filter((d) => !d.error.startsWith('Timeout'));
  const alone = evidence.others !== true;
  // The dump whose stack holds this test's own function; alone, the only dump there is (a crash
  // in a fixture's teardown has the fixture's frames, not the test's).
  const name = testFunction(test.id);
  const own =
    (test.file ? fatal.find((d) => testFrame(d, { testFile: test.file! })?.function === name) : undefined) ??
    (alone && fatal.length === 1 ? fatal[0] : undefined);
  if (own) return signalOfFatalError(own.error);
  const text = fatalErrorIn(evidence.output);
  if (alone && text !== null && fatal.length === 0) return signalOfFatalError(text);
  return xdistLostWorker(evidence.output) ? 'SIGKILL' : null;
}

/** `test_x` of `tests/t.py::Class::test_x[param]`. */
function testFunction(id: string): string {
  return (id.split('::').at(-1) ?? id).replace(/\[.*$/, '');
}

/**
 * Whom a crash in `test` is blamed on: a fixture wider than the test (session, module, class)
 * torn down in the last test's teardown is not that test's fault, and the same fixture is
 * blamed whichever test happens to run last.
 */
export function blamedOn(test: StartedTest): string {
  const fixture = test.fixture;
  return fixture && fixture.scope !== 'function'
    ? `fixture ${fixture.name} (${fixture.scope} scope), teardown`
    : test.id;
}
