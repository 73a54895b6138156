// A crash or a hang of the test command: the test it names, lone reruns that say whether it
// reproduces, and the record the report shows.
import { dumpExcerpt, dumpHeadline, testFrame, type FaulthandlerDump } from '../domain/faulthandler.js';
import { relativeInside } from '../domain/platform.js';
import type { CrashRecord, TestCase } from '../domain/report.js';
import { blamedOn, lostTestSignal } from '../domain/record-evidence.js';
import type { StartedTest } from '../domain/test-records.js';
import { runAttempt, type Attempt, type AttemptContext } from './test-attempt.js';

// A lone rerun needs the test's own time and collection, not the whole suite's budget.
const CRASH_RERUN_TIMEOUT_MS = 10 * 60_000;
const HANG_RERUN_TIMEOUT_MS = 5 * 60_000;
const EXCERPT_CHARS = 3_000;

export interface Rerun {
  readonly reproduced: string;
  readonly flaky: boolean;
}

export interface Crash {
  readonly attempt: Attempt;
  readonly test: StartedTest | null;
  readonly kind: CrashRecord['kind'];
  readonly signal: string | null;
}

/**
 * The crashes of one attempt. A process that died by a signal crashed in its unfinished test;
 * otherwise the records' lost tests (a death behind `| tee`, each dead xdist worker) are
 * crashes of their own, each with the signal its evidence names.
 */
export function crashesOf(attempt: Attempt): Crash[] {
  const test = attempt.records.unfinished.at(-1) ?? null;
  switch (attempt.end.kind) {
    case 'crashed': {
      if (attempt.processEnd.kind === 'crashed') {
        const signal = attempt.processEnd.signal;
        return [{ attempt, test, kind: signal !== null ? 'signal' : 'fatal-error', signal }];
      }
      const others = attempt.records.lost.length > 1;
      return attempt.records.lost.map((lost) => {
        const signal = lostTestSignal(lost, { output: attempt.output, dumps: attempt.dumps, others });
        return { attempt, test: lost, kind: signal !== null ? 'signal' : 'fatal-error', signal };
      });
    }
    case 'timedOut':
      return [{ attempt, test, kind: 'timeout', signal: null }];
    case 'passed':
    case 'failed':
    case 'not-started':
      return [];
  }
}

/** Reruns the crashed test alone: `k/N` lone runs ended the same way. */
export async function rerunCrash(
  context: AttemptContext,
  options: { crash: Crash; reruns: number; timeoutMs: number },
): Promise<Rerun | null> {
  const { crash } = options;
  const test = crash.test;
  if (test === null || options.reruns <= 0 || context.pluginDir === null) return null;
  const hang = crash.kind === 'timeout';
  const runs = hang ? 1 : options.reruns;
  const timeoutMs = Math.min(options.timeoutMs, hang ? HANG_RERUN_TIMEOUT_MS : CRASH_RERUN_TIMEOUT_MS);
  let again = 0;
  let ran = 0;
  for (let run = 1; run <= runs; run += 1) {
    const label = `rerun ${run}/${runs} of ${test.id} alone`;
    const attempt = await runAttempt(context, { label, timeoutMs, only: [test.id] });
    const selected = attempt.records.collected?.includes(test.id) ?? attempt.records.unfinished.length > 0;
    if (!selected) break;
    ran += 1;
    if (attempt.end.kind === crash.attempt.end.kind) again += 1;
  }
  if (ran === 0) {
    context.log(`${test.id}: could not be selected alone, so it was not rerun`);
    return null;
  }
  context.log(`${test.id}: ${again}/${ran} lone reruns reproduced the ${hang ? 'hang' : 'crash'}`);
  return { reproduced: `${again}/${ran}`, flaky: again < ran };
}

function crashDump(crash: Crash): FaulthandlerDump | undefined {
  // A test's subprocesses share the process group, so a hang's SIGABRT can make several dumps:
  // the one that holds the test's file is this process's own.
  const testFile = crash.test ? where(crash.test).file : undefined;
  const own = testFile ? crash.attempt.dumps.filter((d) => testFrame(d, { testFile }) !== null) : [];
  return own.at(-1) ?? crash.attempt.dumps.at(-1);
}

export function crashCase(crash: Crash): TestCase | null {
  if (crash.test === null) return null;
  const dump = crashDump(crash);
  const cause = crash.kind === 'timeout' ? 'hung past the timeout' : (crash.signal ?? 'fatal error');
  const message = dump && crash.kind !== 'timeout' ? `${cause}: ${dumpHeadline(dump)}` : cause;
  return {
    id: blamedOn(crash.test),
    outcome: crash.kind === 'timeout' ? 'timedOut' : 'crashed',
    ...placeOf(crash.test),
    ...where(crash.test),
    message,
  };
}

export function crashRecord(crash: Crash, options: { rerun: Rerun | null; cwd: string }): CrashRecord {
  const { rerun, cwd } = options;
  const dump = crashDump(crash);
  const place = crash.test ? where(crash.test) : {};
  const frame = dump ? testFrame(dump, place.file ? { testFile: place.file } : {}) : null;
  const tail = crash.attempt.result.stderr.trim() || crash.attempt.result.stdout.trim();
  const file = frame ? relative(frame.file, cwd) : place.file;
  const line = frame ? frame.line : place.line;
  const afterSession = crash.test === null && crash.attempt.records.finished;
  const blamed = crash.test ? blamedOn(crash.test) : null;
  return {
    test: blamed,
    signal: crash.signal,
    ...(crash.test ? placeOf(crash.test) : {}),
    ...(crash.test && blamed !== crash.test.id ? { during: crash.test.id } : {}),
    reproduced: rerun?.reproduced ?? null,
    kind: crash.kind,
    excerpt:
      (afterSession ? 'After the test session had finished (at interpreter exit):\n' : '') +
      (dump ? dumpExcerpt(dump, { maxChars: EXCERPT_CHARS, relativeTo: cwd }) : tail.slice(-EXCERPT_CHARS)),
    ...(file ? { file } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(rerun ? { flaky: rerun.flaky } : {}),
    ...(dump && dump.extensionModules.length > 0 ? { extensionModules: dump.extensionModules } : {}),
  };
}

/** The code to point at: the fixture's when its teardown was running, else the test's. */
function where(test: StartedTest): { file?: string; line?: number } {
  const source = test.fixture?.file ? test.fixture : test;
  return {
    ...(source.file ? { file: source.file } : {}),
    ...(source.line !== undefined ? { line: source.line } : {}),
  };
}

function placeOf(test: StartedTest): Pick<TestCase, 'phase' | 'fixture'> {
  return {
    ...(test.phase ? { phase: test.phase } : {}),
    ...(test.fixture ? { fixture: test.fixture } : {}),
  };
}

function relative(file: string, cwd: string): string {
  return relativeInside(file, cwd) ?? file;
}
