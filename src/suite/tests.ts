// The test suite under one variant: per-test outcomes that survive a crash, each crash named and
// rerun alone, the rest of the suite continued past it, and the modules that switched the GIL on.
import type { PlatformFacts } from '../domain/platform.js';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gilModulesFromWarnings, gilReenabledModules, uniqueNames } from '../domain/gil.js';
import { junitPathsIn, parseJunit } from '../domain/junit.js';
import type { CrashRecord, TestCase, TestSummary } from '../domain/report.js';
import type { FailureKind } from '../domain/failure-kinds.js';
import { caseCounts } from '../domain/test-counts.js';
import {
  countsFromSummaryLine,
  type LoadedInterpreter,
  type RunParallelRecord,
} from '../domain/test-records.js';
import type { ProcessRunner } from '../ports.js';
import { crashCase, crashesOf, crashRecord, rerunCrash, type Crash } from './crashes.js';
import { failureKinds } from './failure-reruns.js';
import {
  installPlugin,
  pluginFailedToLoad,
  runAttempt,
  type Attempt,
  type AttemptContext,
} from './test-attempt.js';

export interface TestRunOptions {
  readonly runner: ProcessRunner;
  /** The user's test command, run as ['bash', '-c', command]. */
  readonly command: string;
  readonly cwd: string;
  /** The variant's environment, already scrubbed of credentials (venv bin first on PATH, VIRTUAL_ENV, PYTHON_JIT). */
  readonly env: Readonly<Record<string, string>>;
  /** Per command (command-timeout-minutes). */
  readonly timeoutMs: number;
  /** A scratch folder for this variant: the plugin, its records, selection files. */
  readonly workDir: string;
  /** Lone reruns of each crashing test (a hang is rerun once). */
  readonly reruns: number;
  readonly freeThreaded: boolean;
  /** The variant switches the JIT on (+jit): checked inside the tested process where it can be (3.14+). */
  readonly jit?: boolean;
  readonly log?: (line: string) => void;
  /**
   * Rerun failed tests together once to find flaky ones (default true). Thread stress says no:
   * a failure that does not come back is what a race looks like, and it decides from repeats.
   */
  readonly rerunFailures?: boolean;
  /** PYTHONPATH's delimiter and how a crash shows in an exit code; the host's when absent. */
  readonly platform?: PlatformFacts;
}

export interface TestRunResult {
  readonly summary: TestSummary;
  readonly gilReenabledBy: readonly string[];
  /** Things the reader should know about how the run went (not findings about the code). */
  readonly warnings: readonly string[];
  /** The interpreters that loaded the recording plugin: what really ran the tests. */
  readonly interpreters: readonly LoadedInterpreter[];
  /** The recording plugin ran, so the command is pytest. */
  readonly pytest: boolean;
  /** What pytest-run-parallel decided, when it was loaded, over all of the run's sessions. */
  readonly runParallel: RunParallelRecord | null;
}

// Each crash costs a continuation; a suite where every test crashes must still end.
const MAX_CONTINUATIONS = 10;
const TAIL_CHARS = 8_000;

async function runSuite(
  context: AttemptContext,
  options: { timeoutMs: number; warnings: string[] },
): Promise<{ attempts: Attempt[]; crashes: Crash[]; context: AttemptContext }> {
  const attempts: Attempt[] = [];
  const crashes: Crash[] = [];
  const done = new Set<string>();
  let active = context;
  for (;;) {
    const label = attempts.length === 0 ? 'tests' : `tests, continued after ${crashes.length} crash(es)`;
    const attempt = await runAttempt(active, { label, timeoutMs: options.timeoutMs, deselect: [...done] });
    if (attempts.length === 0 && active.pluginDir !== null && pluginFailedToLoad(attempt)) {
      options.warnings.push(
        'pytest could not import the per-test recording plugin (does the command drop PYTHONPATH?): ' +
          'ran the tests without it, so a crash cannot be attributed to a test.',
      );
      active = { ...active, pluginDir: null };
      continue;
    }
    attempts.push(attempt);
    for (const test of attempt.records.cases) done.add(test.id);
    const found = crashesOf(attempt);
    if (found.length === 0) break;
    crashes.push(...found);
    for (const crash of found) {
      const where = crash.test ? `in ${crash.test.id}` : 'outside any test';
      context.log(
        `${crash.kind === 'timeout' ? 'hang' : `crash (${crash.signal ?? 'fatal error'})`} ${where}`,
      );
      if (crash.test) done.add(crash.test.id);
    }
    // Without a named test there is nothing to step past: the same crash would come again.
    if (found.some((c) => c.test === null)) break;
    const remaining = (attempt.records.collected ?? []).filter((id) => !done.has(id));
    if (remaining.length === 0) break;
    if (crashes.length >= MAX_CONTINUATIONS) {
      options.warnings.push(`Stopped after ${crashes.length} crashes: ${remaining.length} tests never ran.`);
      break;
    }
  }
  return { attempts, crashes, context: active };
}

/** For commands that left no records: a JUnit file they wrote during this run, if any. */
function junitCases(
  attempt: Attempt,
  options: { command: string; cwd: string; warnings: string[] },
): TestCase[] | null {
  for (const path of junitPathsIn({ command: options.command, output: attempt.output })) {
    const full = isAbsolute(path) ? path : join(options.cwd, path);
    // A file left by an earlier run would report tests this run never ran.
    if (!existsSync(full) || statSync(full).mtimeMs < attempt.startedAt - 1_000) continue;
    try {
      return parseJunit(readFileSync(full, 'utf8'));
    } catch (error) {
      options.warnings.push(
        `Could not read the JUnit file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return null;
}

function withKind(c: TestCase, kind: FailureKind | undefined): TestCase {
  if (kind?.kind === 'flaky') return { ...c, flaky: true };
  if (kind?.kind === 'order-dependent') return { ...c, orderDependent: { before: kind.before } };
  return c;
}

function outputTail(attempts: readonly Attempt[]): string {
  const share = Math.floor(TAIL_CHARS / Math.max(1, attempts.length));
  return attempts
    .map((a) => {
      const text = `${a.result.stdout.trimEnd()}\n${a.result.stderr.trimEnd()}`.trim();
      const body = text.length > share ? `[...]\n${text.slice(-share)}` : text;
      return attempts.length > 1 ? `--- ${a.label} ---\n${body}` : body;
    })
    .join('\n');
}

type Counts = Pick<
  TestSummary,
  'status' | 'passed' | 'failed' | 'errors' | 'skipped' | 'crashed' | 'timedOut'
>;

function countsOf(options: {
  cases: readonly TestCase[];
  crashes: readonly Crash[];
  attempts: readonly Attempt[];
  main: Attempt;
}): Counts {
  const { cases, crashes, attempts, main } = options;
  // Without per-test records the runner's own last line is all there is.
  const fallback = cases.length === 0 ? countsFromSummaryLine(main.output) : null;
  const counted = caseCounts(cases, crashes);
  const { crashed, timedOut } = counted;
  const failed = fallback?.failed ?? counted.failed;
  const errors = fallback?.errors ?? counted.errors;
  const last = attempts.at(-1) ?? main;
  // A continuation that finds nothing left to run exits 5 (no tests collected): not a failure.
  const lastFailed = last.end.kind === 'failed' && !(last !== main && last.end.exitCode === 5);
  const status: TestSummary['status'] =
    crashed > 0
      ? 'crashed'
      : timedOut > 0
        ? 'timedOut'
        : main.end.kind === 'not-started'
          ? 'not-run'
          : failed + errors > 0 || lastFailed
            ? 'failed'
            : 'passed';
  return {
    status,
    passed: fallback?.passed ?? counted.passed,
    failed,
    errors,
    skipped: fallback?.skipped ?? counted.skipped,
    crashed,
    timedOut,
  };
}

function gilModules(attempts: readonly Attempt[], warnings: string[]): string[] {
  const modules = uniqueNames([
    ...gilModulesFromWarnings(attempts.flatMap((a) => a.records.warnings)),
    ...attempts.flatMap((a) => gilReenabledModules(a.output)),
  ]);
  const enabledDuring = attempts.flatMap((a) => a.records.gil.enabledDuring);
  if (modules.length === 0 && enabledDuring.length > 0) {
    warnings.push(
      `The GIL was switched on during ${enabledDuring.join(', ')}, but no warning named the module (are warnings filtered?).`,
    );
  }
  return modules;
}

export async function runTestSuite(options: TestRunOptions): Promise<TestRunResult> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.workDir, { recursive: true });
  const warnings: string[] = [];
  const pluginDir = installPlugin(options.workDir);
  if (pluginDir === null) {
    warnings.push(
      'The per-test recording plugin is missing from the action: per-test outcomes are unavailable.',
    );
  }
  const suite = await runSuite({ ...options, log, pluginDir }, { timeoutMs: options.timeoutMs, warnings });
  const { attempts, crashes } = suite;
  const main = attempts[0];
  if (main === undefined) throw new Error('runTestSuite: the test command was never run');
  const withRecords = main.records.sessions > 0;
  // Reruns select tests through the plugin: without its records there is nothing to select.
  const context: AttemptContext = withRecords ? suite.context : { ...suite.context, pluginDir: null };

  const recorded: TestCase[] = [];
  for (const attempt of attempts) {
    recorded.push(...attempt.records.cases);
    for (const crash of crashes.filter((c) => c.attempt === attempt)) {
      const crashed = crashCase(crash);
      if (crashed) recorded.push(crashed);
    }
  }
  const junit = withRecords
    ? null
    : junitCases(main, { command: options.command, cwd: options.cwd, warnings });
  if (!withRecords && suite.context.pluginDir !== null && main.end.kind !== 'not-started') {
    warnings.push(
      junit
        ? 'The test command is not pytest (no per-test records): outcomes come from its JUnit file.'
        : 'The test command is not pytest and wrote no JUnit file: only the process outcome and its summary line are known.',
    );
  }

  const crashRecords: CrashRecord[] = [];
  for (const crash of crashes) {
    const rerun = await rerunCrash(context, { crash, reruns: options.reruns, timeoutMs: options.timeoutMs });
    crashRecords.push(crashRecord(crash, { rerun, cwd: options.cwd }));
  }
  const kinds =
    options.reruns > 0 && options.rerunFailures !== false
      ? await failureKinds(context, { cases: recorded, timeoutMs: options.timeoutMs })
      : new Map<string, FailureKind>();
  const cases = (junit ?? recorded).map((c) => withKind(c, kinds.get(c.id)));

  if (main.end.kind === 'not-started') warnings.push(`The test command could not start: ${main.end.reason}`);
  if (attempts.some((a) => a.result.truncated)) {
    warnings.push('The test output was longer than the bound kept: its middle was cut.');
  }
  const gilReenabledBy = options.freeThreaded ? gilModules(attempts, warnings) : [];
  const jitEnabled = main.records.jitEnabled;
  if (jitEnabled !== null && options.jit !== undefined && jitEnabled !== options.jit) {
    warnings.push(
      `The tests ran with the JIT ${jitEnabled ? 'on' : 'off'} (sys._jit.is_enabled() in the test process), although this variant ${options.jit ? 'switches it on' : 'keeps it off'}: did the command reset PYTHON_JIT?`,
    );
  }
  for (const warning of warnings) log(`warning: ${warning}`);

  const summary: TestSummary = {
    ...countsOf({ cases, crashes, attempts, main }),
    exitCode: main.result.exitCode,
    signal: main.end.kind === 'crashed' ? (main.end.signal ?? crashRecords[0]?.signal ?? null) : null,
    durationMs: attempts.reduce((sum, a) => sum + a.result.durationMs, 0),
    crashes: crashRecords,
    cases,
    outputTail: outputTail(attempts),
    ...(jitEnabled !== null ? { jitEnabled } : {}),
  };
  const interpreters = [
    ...new Map(attempts.flatMap((a) => a.records.interpreters).map((i) => [JSON.stringify(i), i])).values(),
  ];
  return {
    summary,
    gilReenabledBy,
    warnings,
    interpreters,
    pytest: withRecords,
    runParallel: runParallelOf(attempts),
  };
}

function runParallelOf(attempts: readonly Attempt[]): RunParallelRecord | null {
  const records = attempts.flatMap((a) => (a.records.runParallel ? [a.records.runParallel] : []));
  if (records.length === 0) return null;
  return {
    single: Object.assign({}, ...records.map((r) => r.single)) as Record<string, string>,
    parallel: records.reduce((sum, r) => sum + r.parallel, 0),
  };
}
