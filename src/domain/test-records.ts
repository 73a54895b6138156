// The records cpv_pytest_plugin.py appends as a session goes (one JSON object a line), and the
// counts a runner prints at the end, for runs without records.
import { isAbsolutePath, relativeInside } from './platform.js';
import type { FixtureRef, TestCase, TestOutcome, TestPhase } from './report.js';

export interface StartedTest {
  readonly id: string;
  readonly file?: string;
  readonly line?: number;
  readonly pid: number;
  /** The phase it had reached: a crash in `teardown` after the body passed is not the body's. */
  readonly phase?: TestPhase;
  /** The fixture whose teardown was running, when the process died in one. */
  readonly fixture?: FixtureRef;
}

/** What the plugin's load record says about the interpreter that really ran pytest. */
export interface LoadedInterpreter {
  readonly executable: string;
  readonly version: string;
  readonly freeThreaded: boolean;
  /** GIL state at plugin load, before conftest files; null before 3.13. */
  readonly gil: boolean | null;
  readonly jitCompiled: boolean | null;
  /** sys._jit.is_enabled() (3.14+), else null. */
  readonly jitActive: boolean | null;
  /** PYTHON_JIT as that process saw it. */
  readonly pythonJit: string | null;
  readonly prefix: string | null;
}

export interface RecordedWarning {
  readonly category: string;
  readonly message: string;
  readonly filename?: string;
  readonly line?: number;
  /** The test during which it was raised; null during collection or configuration. */
  readonly test: string | null;
}

export interface TestRecords {
  /** Processes whose session started (the plugin was loaded and ran). */
  readonly sessions: number;
  /** A session reached its end (pytest_sessionfinish). */
  readonly finished: boolean;
  readonly cases: readonly TestCase[];
  /** Tests that started and never finished, one per process at most: the crash or the hang. */
  readonly unfinished: readonly StartedTest[];
  /**
   * Unfinished tests of processes that never wrote their session-finish record: the process
   * died in them (a segfault behind `| tee`, a SIGKILLed xdist worker), whatever the exit status.
   */
  readonly lost: readonly StartedTest[];
  /** One entry per distinct interpreter that loaded the plugin (the xdist workers' too). */
  readonly interpreters: readonly LoadedInterpreter[];
  /** Node ids selected to run, when the session got past collection. */
  readonly collected: readonly string[] | null;
  readonly warnings: readonly RecordedWarning[];
  readonly gil: {
    /** When the plugin was imported (before conftest files); null on builds without the call. */
    readonly atLoad: boolean | null;
    readonly atEnd: boolean | null;
    /** Tests after which the GIL was found switched on. */
    readonly enabledDuring: readonly string[];
  };
  /** `sys._jit.is_enabled()` in the tested process (3.14+); null where it cannot be asked. */
  readonly jitEnabled: boolean | null;
  /** Lines that were not records (a write cut short by the crash). */
  readonly malformedLines: number;
  /** What pytest-run-parallel decided at collection, when it was loaded (thread stress). */
  readonly runParallel: RunParallelRecord | null;
}

export interface RunParallelRecord {
  /** Tests it ran in one thread, node id -> its reason (e.g. `uses thread-unsafe fixture(s): {'monkeypatch'}`). */
  readonly single: Readonly<Record<string, string>>;
  /** How many tests it ran in several threads. */
  readonly parallel: number;
}

const OUTCOMES = new Set<TestOutcome>(['passed', 'failed', 'error', 'skipped', 'xfailed', 'xpassed']);

type Json = Record<string, unknown>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const str = (record: Json, key: string): string | undefined =>
  typeof record[key] === 'string' ? (record[key] as string) : undefined;
const num = (record: Json, key: string): number | undefined =>
  typeof record[key] === 'number' && Number.isFinite(record[key]) ? (record[key] as number) : undefined;
const bool = (record: Json, key: string): boolean | null =>
  typeof record[key] === 'boolean' ? (record[key] as boolean) : null;

function parseLine(line: string): Json | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

/**
 * `base` joined with a '/'-separated relative `file`, then made relative to `relativeTo` when
 * inside it. On Windows the rootdir and the working directory come with backslashes and the
 * plugin's absolute files (a fixture's) as `C:/...`: both count as absolute and compare alike.
 */
function locate(file: string, options: { rootdir?: string; relativeTo?: string }): string {
  const root = options.rootdir;
  const absolute =
    root && !isAbsolutePath(file)
      ? `${root.endsWith('/') || root.endsWith('\\') ? root.slice(0, -1) : root}/${file}`
      : file;
  const base = options.relativeTo;
  return (base ? relativeInside(absolute, base) : null) ?? absolute;
}

/**
 * Parses one record file. `relativeTo` (the command's working directory) turns test files into
 * paths relative to it, as annotations want.
 */
export function parseTestRecords(text: string, options: { relativeTo?: string } = {}): TestRecords {
  const started = new Map<string, StartedTest>();
  const finished = new Map<string, TestCase>();
  const warnings: RecordedWarning[] = [];
  const enabledDuring: string[] = [];
  let collected: string[] | null = null;
  let sessions = 0;
  let sessionFinished = false;
  let atLoad: boolean | null = null;
  let atEnd: boolean | null = null;
  let jitEnabled: boolean | null = null;
  let malformedLines = 0;
  let rootdir: string | undefined;
  const finishedPids = new Set<number>();
  const interpreters = new Map<string, LoadedInterpreter>();
  const fixtures = new Map<number, FixtureRef[]>();
  let runParallel: { single: Record<string, string>; parallel: number } | null = null;

  // Hot: a 20,000-test suite's records are 6 MB. A located file is cached (fifty tests share one);
  // a blank line is skipped without trimming every line.
  const located = new Map<string, string>();
  const locateOnce = (file: string): string => {
    let at = located.get(file);
    if (at === undefined) {
      at = locate(file, { rootdir, relativeTo: options.relativeTo });
      located.set(file, at);
    }
    return at;
  };
  for (const line of text.split('\n')) {
    if (line.charCodeAt(0) !== 123 && line.trim() === '') continue;
    const record = parseLine(line);
    const event = record && str(record, 'event');
    if (!record || !event) {
      malformedLines += 1;
      continue;
    }
    const id = str(record, 'nodeid');
    switch (event) {
      case 'load': {
        atLoad ??= bool(record, 'gil');
        jitEnabled ??= bool(record, 'jit');
        if (rootdir === undefined) {
          rootdir = str(record, 'rootdir') || undefined;
          located.clear();
        }
        const loaded = loadedInterpreter(record);
        if (loaded) interpreters.set(JSON.stringify(loaded), loaded);
        break;
      }
      case 'fixture-teardown': {
        const name = str(record, 'fixture');
        const pid = num(record, 'pid') ?? 0;
        if (name === undefined) break;
        const file = str(record, 'file');
        const lineNo = num(record, 'line');
        const open = fixtures.get(pid) ?? [];
        open.push({
          name,
          scope: str(record, 'scope') ?? 'function',
          ...(file ? { file: locate(file, { relativeTo: options.relativeTo }) } : {}),
          ...(lineNo !== undefined ? { line: lineNo } : {}),
        });
        fixtures.set(pid, open);
        break;
      }
      case 'fixture-done': {
        const open = fixtures.get(num(record, 'pid') ?? 0);
        if (open && open.at(-1)?.name === str(record, 'fixture')) open.pop();
        break;
      }
      case 'session-start':
        sessions += 1;
        break;
      case 'collected': {
        const ids = record['ids'];
        if (Array.isArray(ids))
          collected = [...(collected ?? []), ...ids.filter((x) => typeof x === 'string')];
        break;
      }
      case 'collect-error':
        if (id !== undefined) {
          const message = str(record, 'message');
          finished.set(id, {
            id,
            outcome: 'error',
            file: id.split('::')[0] ?? id,
            ...(message ? { message } : {}),
          });
        }
        break;
      case 'start':
        if (id !== undefined) {
          // Hot: once per test. Plain assignments, not spreads: a 20,000-test suite parses in budget.
          const pid = num(record, 'pid') ?? 0;
          fixtures.delete(pid);
          const test: Mutable<StartedTest> = { id, pid };
          // The plugin leaves `file` out when the node id starts with it.
          const file = str(record, 'file') ?? id.slice(0, id.includes('::') ? id.indexOf('::') : id.length);
          if (file) test.file = locateOnce(file);
          const lineNo = num(record, 'line');
          if (lineNo !== undefined) test.line = lineNo;
          started.set(id, test);
        }
        break;
      case 'finish': {
        const outcome = str(record, 'outcome') as TestOutcome | undefined;
        if (id === undefined || outcome === undefined || !OUTCOMES.has(outcome)) break;
        const start = started.get(id);
        const test: Mutable<TestCase> = { id, outcome };
        if (start?.file) test.file = start.file;
        if (start?.line !== undefined) test.line = start.line;
        const seconds = num(record, 'duration');
        if (seconds !== undefined) test.durationMs = Math.round(seconds * 1e6) / 1e3;
        const message = str(record, 'message');
        if (message) test.message = message;
        const phase = str(record, 'phase');
        if (phase === 'setup' || phase === 'call' || phase === 'teardown') test.phase = phase;
        const fixture = record['fixture'] == null ? null : fixtureOf(record['fixture']);
        if (fixture) test.fixture = fixture;
        finished.set(id, test);
        break;
      }
      case 'warning': {
        const category = str(record, 'category');
        const message = str(record, 'message');
        if (category === undefined || message === undefined) break;
        const filename = str(record, 'filename');
        const lineno = num(record, 'lineno');
        warnings.push({
          category,
          message,
          test: id ?? null,
          ...(filename ? { filename } : {}),
          ...(lineno !== undefined ? { line: lineno } : {}),
        });
        break;
      }
      case 'gil':
        if (id !== undefined && bool(record, 'gil') === true) enabledDuring.push(id);
        break;
      case 'run-parallel': {
        const single = record['single'];
        runParallel ??= { single: {}, parallel: 0 };
        if (typeof single === 'object' && single !== null && !Array.isArray(single)) {
          for (const [test, reason] of Object.entries(single)) {
            if (typeof reason === 'string') runParallel.single[test] = reason;
          }
        }
        runParallel.parallel += num(record, 'parallel') ?? 0;
        break;
      }
      case 'session-finish':
        sessionFinished = true;
        finishedPids.add(num(record, 'pid') ?? 0);
        atEnd = bool(record, 'gil');
        break;
      default:
        // A newer plugin's event: ignored, not an error.
        break;
    }
  }

  // One unfinished test per process: the last one it started (a crashed xdist worker, or the
  // single pytest process).
  const unfinishedByPid = new Map<number, StartedTest>();
  for (const test of started.values()) {
    if (finished.has(test.id)) continue;
    // A fixture's teardown began after the test's start and did not end: the process died in it.
    const fixture = fixtures.get(test.pid)?.at(-1);
    unfinishedByPid.set(test.pid, fixture ? { ...test, phase: 'teardown', fixture } : test);
  }
  const unfinished = [...unfinishedByPid.values()];

  return {
    sessions,
    finished: sessionFinished,
    cases: [...finished.values()],
    unfinished,
    lost: unfinished.filter((t) => !finishedPids.has(t.pid)),
    interpreters: [...interpreters.values()],
    collected,
    warnings,
    gil: { atLoad, atEnd, enabledDuring },
    jitEnabled,
    malformedLines,
    runParallel,
  };
}

function loadedInterpreter(record: Json): LoadedInterpreter | null {
  const executable = str(record, 'executable');
  const version = str(record, 'python');
  if (executable === undefined || version === undefined) return null;
  return {
    executable,
    version,
    freeThreaded: bool(record, 'freeThreaded') === true,
    gil: bool(record, 'gil'),
    jitCompiled: bool(record, 'jitCompiled'),
    jitActive: bool(record, 'jitActive'),
    pythonJit: str(record, 'pythonJit') ?? null,
    prefix: str(record, 'prefix') ?? null,
  };
}

function fixtureOf(value: unknown): FixtureRef | null {
  if (typeof value !== 'object' || value === null) return null;
  const name = str(value as Json, 'name');
  return name === undefined ? null : { name, scope: str(value as Json, 'scope') ?? 'function' };
}

export interface RunnerCounts {
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
}

/**
 * Counts from the last summary line a runner printed, for commands without records:
 * pytest's `3 passed, 1 failed, 2 skipped in 0.12s` or unittest's `Ran 6 tests` and
 * `FAILED (failures=1, errors=2, skipped=1)` / `OK (skipped=1)`. Null when there is none.
 */
export function countsFromSummaryLine(output: string): RunnerCounts | null {
  const lines = output.split(/\r?\n/).reverse();
  const pytest = lines.find((l) =>
    /\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed)\b.* in [\d.]+s/.test(l),
  );
  if (pytest !== undefined) {
    const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(pytest)?.[1] ?? 0);
    return {
      passed: count('passed') + count('xpassed'),
      failed: count('failed'),
      errors: count('errors?'),
      skipped: count('skipped') + count('xfailed'),
    };
  }
  const ranIndex = lines.findIndex((l) => /^Ran \d+ tests? in /.test(l));
  if (ranIndex < 0) return null;
  const ran = Number(/^Ran (\d+)/.exec(lines[ranIndex] ?? '')?.[1] ?? 0);
  const verdict = lines.slice(0, ranIndex).find((l) => /^(?:OK|FAILED)\b/.test(l)) ?? '';
  const count = (word: string): number => Number(new RegExp(`${word}=(\\d+)`).exec(verdict)?.[1] ?? 0);
  const failed = count('failures') + count('unexpected successes');
  const errors = count('errors');
  const skipped = count('skipped') + count('expected failures');
  return { passed: Math.max(0, ran - failed - errors - skipped), failed, errors, skipped };
}
