// The records cpv_pytest_plugin.py appends as a session goes (one JSON object a line), and the
// counts a runner prints at the end, for runs without records.
import type { TestCase, TestOutcome } from './report.js';

export interface StartedTest {
  readonly id: string;
  readonly file?: string;
  readonly line?: number;
  readonly pid: number;
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
}

const OUTCOMES = new Set<TestOutcome>(['passed', 'failed', 'error', 'skipped', 'xfailed', 'xpassed']);

type Json = Record<string, unknown>;

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

/** `base` joined with a '/'-separated relative `file`, then made relative to `relativeTo` when inside it. */
function locate(file: string, options: { rootdir?: string; relativeTo?: string }): string {
  const absolute =
    options.rootdir && !file.startsWith('/') ? `${options.rootdir.replace(/\/$/, '')}/${file}` : file;
  const base = options.relativeTo?.replace(/\/$/, '');
  return base && absolute.startsWith(`${base}/`) ? absolute.slice(base.length + 1) : absolute;
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

  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseLine(line);
    const event = record && str(record, 'event');
    if (!record || !event) {
      malformedLines += 1;
      continue;
    }
    const id = str(record, 'nodeid');
    switch (event) {
      case 'load':
        atLoad ??= bool(record, 'gil');
        jitEnabled ??= bool(record, 'jit');
        rootdir ??= str(record, 'rootdir') || undefined;
        break;
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
          const file = str(record, 'file');
          const lineNo = num(record, 'line');
          started.set(id, {
            id,
            pid: num(record, 'pid') ?? 0,
            ...(file ? { file: locate(file, { rootdir, relativeTo: options.relativeTo }) } : {}),
            ...(lineNo !== undefined ? { line: lineNo } : {}),
          });
        }
        break;
      case 'finish': {
        const outcome = str(record, 'outcome') as TestOutcome | undefined;
        if (id === undefined || outcome === undefined || !OUTCOMES.has(outcome)) break;
        const start = started.get(id);
        const seconds = num(record, 'duration');
        const message = str(record, 'message');
        finished.set(id, {
          id,
          outcome,
          ...(start?.file ? { file: start.file } : {}),
          ...(start?.line !== undefined ? { line: start.line } : {}),
          ...(seconds !== undefined ? { durationMs: Math.round(seconds * 1e6) / 1e3 } : {}),
          ...(message ? { message } : {}),
        });
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
      case 'session-finish':
        sessionFinished = true;
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
  for (const test of started.values()) if (!finished.has(test.id)) unfinishedByPid.set(test.pid, test);

  return {
    sessions,
    finished: sessionFinished,
    cases: [...finished.values()],
    unfinished: [...unfinishedByPid.values()],
    collected,
    warnings,
    gil: { atLoad, atEnd, enabledDuring },
    jitEnabled,
    malformedLines,
  };
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
