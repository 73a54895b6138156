// Thread stress: the suite rerun under pytest-run-parallel, each test in several threads at once.
// Which tests broke only under threads, which ran in one thread and why, and when a broken one
// is new: races are probabilistic, so "new" rests on repeated runs of that test on head and on
// base, never on one run, and a same-code pull request does not get one.
import type {
  Finding,
  TestCase,
  TestOutcome,
  TestSummary,
  ThreadStressTest,
  VariantReport,
} from './report.js';

/** The plugin, pinned: its single-threaded detection and report format are what this reads. */
export const RUN_PARALLEL_REQUIREMENT = 'pytest-run-parallel==0.10.0';
/** Repeated stress runs of each thread-unsafe test, on head and on base. */
export const STRESS_REPEATS = 3;
/** New only when head fails in at least this many of the repeats and base in none. */
export const NEW_WHEN_HEAD_FAILS = 2;

const BROKEN: ReadonlySet<TestOutcome> = new Set(['failed', 'error', 'crashed', 'timedOut']);
const PASSED: ReadonlySet<TestOutcome> = new Set(['passed', 'xpassed']);

export interface StressCounts {
  readonly passed: number;
  readonly threadUnsafe: number;
  readonly failedAnyway: number;
  readonly skipped: number;
  readonly singleThreaded: number;
}

export interface StressClassification {
  readonly counts: StressCounts;
  /** Thread-unsafe tests first, then the single-threaded ones; no repeats decided yet. */
  readonly tests: readonly ThreadStressTest[];
}

/**
 * The stress run against the normal run: a test that passed alone and fails, errors, crashes or
 * hangs under threads is thread-unsafe. Tests pytest-run-parallel ran in one thread are counted
 * apart, whatever their outcome: they say nothing about threads.
 */
export function classifyStress(options: {
  normal: readonly TestCase[];
  stress: TestSummary;
  /** pytest-run-parallel's single-threaded tests: node id -> reason. */
  single: Readonly<Record<string, string>>;
}): StressClassification {
  const normal = new Map(options.normal.map((c) => [c.id, c.outcome]));
  const crashes = new Map(options.stress.crashes.flatMap((c) => (c.test === null ? [] : [[c.test, c]])));
  const unsafe: ThreadStressTest[] = [];
  const single: ThreadStressTest[] = [];
  let passed = 0;
  let failedAnyway = 0;
  let skipped = 0;
  for (const c of options.stress.cases) {
    const reason = options.single[c.id];
    if (reason !== undefined) {
      single.push({ id: c.id, kind: 'single-threaded', outcome: c.outcome, reason });
      continue;
    }
    if (PASSED.has(c.outcome)) passed += 1;
    else if (!BROKEN.has(c.outcome)) skipped += 1;
    else if (PASSED.has(normal.get(c.id) ?? 'failed')) {
      const crash = crashes.get(c.id);
      unsafe.push({
        id: c.id,
        kind: 'thread-unsafe',
        outcome: c.outcome,
        reason: crash?.excerpt || c.message || c.outcome,
        ...(crash ? { signal: crash.signal } : {}),
      });
    } else failedAnyway += 1;
  }
  return {
    counts: { passed, threadUnsafe: unsafe.length, failedAnyway, skipped, singleThreaded: single.length },
    tests: [...unsafe, ...single],
  };
}

/** pytest-run-parallel's reason, said in a word or two: `monkeypatch`, `thread_unsafe marker`. */
export function singleThreadedLabel(reason: string): string {
  const fixtures = /uses thread-unsafe fixture\(s\): \{(.*)\}/.exec(reason);
  if (fixtures?.[1]) return fixtures[1].replace(/'/g, '').trim();
  const call = /calls thread-unsafe function: ([\w.]+)/.exec(reason);
  if (call?.[1]) return call[1];
  if (reason === 'uses the thread_unsafe marker') return 'thread_unsafe marker';
  if (reason === 'test is marked as single-threaded') return 'parallel_threads(1)';
  if (reason.startsWith('is a doctest')) return 'doctest';
  if (/hypothesis/i.test(reason)) return 'hypothesis';
  if (reason.startsWith('is incompatible')) return 'not a Python function';
  // A thread_unsafe marker's own reason, as the project wrote it.
  return reason.length > 40 ? `${reason.slice(0, 39)}…` : reason || 'unknown';
}

/** The reasons of the single-threaded tests with how many each, most common first. */
export function singleThreadedReasons(
  tests: readonly ThreadStressTest[],
): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of tests) {
    if (t.kind !== 'single-threaded') continue;
    const label = singleThreadedLabel(t.reason);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
}

export function fraction(k: number, n: number): string {
  return `${k}/${n}`;
}

function failures(text: string | undefined): { k: number; n: number } | null {
  const m = text === undefined ? null : /^(\d+)\/(\d+)$/.exec(text);
  return m ? { k: Number(m[1]), n: Number(m[2]) } : null;
}

/**
 * `new-thread-unsafe` when head failed in at least NEW_WHEN_HEAD_FAILS of its repeats and base
 * (when it was checked and has the test) in none; else `thread-unsafe`, which fails the step only
 * where the user asks. A race that shows once in three runs is real but not evidence of news.
 */
export function threadFindingKind(test: ThreadStressTest): 'thread-unsafe' | 'new-thread-unsafe' {
  const head = failures(test.reproduced);
  const base = failures(test.onBase);
  const headRepeats = head !== null && head.k >= NEW_WHEN_HEAD_FAILS;
  const baseClean = base === null || base.k === 0;
  return headRepeats && baseClean ? 'new-thread-unsafe' : 'thread-unsafe';
}

/** Whether the failure needs a free-threaded build: said from the stress runs on a GIL build. */
export function gilVerdict(test: ThreadStressTest): 'only without the GIL' | 'also with the GIL' | null {
  const gil = failures(test.withGil ?? undefined);
  if (gil === null || gil.n === 0) return null;
  return gil.k > 0 ? 'also with the GIL' : 'only without the GIL';
}

export function threadStressFindings(variant: VariantReport): Finding[] {
  const stress = variant.threadStress;
  if (!stress || stress.status !== 'ran') return [];
  return stress.tests
    .filter((t) => t.kind === 'thread-unsafe')
    .map((t) => {
      const base = failures(t.onBase);
      const facts = [
        `${t.outcome} under ${stress.threads} threads x ${stress.iterations}`,
        t.signal ? t.signal : '',
        t.reproduced ? `${t.reproduced} repeated runs failed` : '',
        base && base.n > 0 ? `${t.onBase} on the base commit` : '',
        gilVerdict(t) ?? '',
      ];
      return {
        kind: threadFindingKind(t),
        variant: variant.name,
        against: base !== null && base.n > 0 ? 'base' : null,
        metric: 'threads',
        name: t.id,
        change: null,
        detail: facts.filter(Boolean).join(', '),
      };
    });
}
