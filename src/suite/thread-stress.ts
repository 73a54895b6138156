// Thread stress under one free-threaded variant: pytest-run-parallel installed into its venv
// with pip (pip's own configuration decides where from), the suite rerun with every test in N
// threads, and each test that broke run again, alone, to count how often: on head, on a GIL
// build (does it need free-threading to fail?) and on the base commit (is it new?).
import { join } from 'node:path';
import type { ThreadStress, ThreadStressTest } from '../domain/report.js';
import {
  classifyStress,
  fraction,
  RUN_PARALLEL_REQUIREMENT,
  STRESS_REPEATS,
} from '../domain/thread-stress.js';
import type { ProcessRunner } from '../ports.js';
import { crashesOf } from './crashes.js';
import { runTestSuite, type TestRunResult } from './tests.js';
import { installPlugin, runAttempt, type AttemptContext } from './test-attempt.js';

// A repeat runs a few tests, not the suite: a hang gets this long, not command-timeout-minutes.
const REPEAT_TIMEOUT_MS = 5 * 60_000;
const BROKEN = new Set(['failed', 'error', 'crashed', 'timedOut']);
// Past this many thread-unsafe tests, the first ones are repeated; the rest keep one run's evidence.
const MAX_REPEATED = 20;

/** Where a stress run happens: a venv's interpreter, its environment and the project folder. */
export interface StressPlace {
  readonly python: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface StressSettings {
  readonly runner: ProcessRunner;
  readonly command: string;
  readonly threads: number;
  readonly iterations: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

/** The variant's environment with pytest-run-parallel switched on for every pytest it starts. */
export function stressEnvironment(
  env: Readonly<Record<string, string>>,
  settings: { threads: number; iterations: number },
): Record<string, string> {
  // `-p run-parallel` names its entry point, so it loads even under PYTEST_DISABLE_PLUGIN_AUTOLOAD.
  // --ignore-gil-enabled: otherwise a module that turns the GIL on ends the session; the normal
  // run has already reported that module.
  const flags = `-p run-parallel --parallel-threads=${settings.threads} --iterations=${settings.iterations} --ignore-gil-enabled`;
  const addopts = env['PYTEST_ADDOPTS'];
  return { ...env, PYTEST_ADDOPTS: addopts ? `${addopts} ${flags}` : flags };
}

/** `python -m pip install pytest-run-parallel==…` in the venv's environment; null when it worked. */
export async function installRunParallel(options: {
  runner: ProcessRunner;
  place: StressPlace;
  timeoutMs: number;
}): Promise<string | null> {
  const result = await options.runner.run({
    argv: [
      options.place.python,
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      RUN_PARALLEL_REQUIREMENT,
    ],
    cwd: options.place.cwd,
    env: options.place.env,
    timeoutMs: options.timeoutMs,
    outputLimitBytes: 64 * 1024,
  });
  if (result.exitCode === 0) return null;
  const how = result.timedOut
    ? 'timed out'
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with ${result.exitCode}`;
  // pip says why on its ERROR lines (stderr); anything else is progress or a warning.
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim());
  const errors = lines.filter((l) => l.startsWith('ERROR'));
  const last = (errors.length > 0 ? errors : lines.filter((l) => l !== '')).slice(-2).join(' ');
  return `pip install ${RUN_PARALLEL_REQUIREMENT} ${how}${last ? `: ${last.slice(0, 300)}` : ''}`;
}

/**
 * Runs `ids` under stress `runs` times (all in one process per run; a crash ends that process, so
 * the rest go on in another): for each id, `k/N` of the runs that selected it where it broke.
 * A test that is not there (a test head added, on base) is `0/0`.
 */
export async function repeatUnderStress(
  context: AttemptContext,
  options: { ids: readonly string[]; runs: number; timeoutMs: number; label: string },
): Promise<Map<string, string>> {
  const broke = new Map(options.ids.map((id) => [id, 0]));
  const ran = new Map(options.ids.map((id) => [id, 0]));
  const bump = (map: Map<string, number>, id: string): void => {
    if (map.has(id)) map.set(id, (map.get(id) ?? 0) + 1);
  };
  for (let run = 1; run <= options.runs; run += 1) {
    let remaining = [...options.ids];
    for (let guard = 0; remaining.length > 0 && guard <= options.ids.length; guard += 1) {
      const attempt = await runAttempt(context, {
        label: `${options.label} ${run}/${options.runs}`,
        timeoutMs: Math.min(options.timeoutMs, REPEAT_TIMEOUT_MS),
        only: remaining,
      });
      const finished = new Set<string>();
      for (const c of attempt.records.cases) {
        finished.add(c.id);
        bump(ran, c.id);
        if (BROKEN.has(c.outcome)) bump(broke, c.id);
      }
      const crashes = crashesOf(attempt);
      for (const crash of crashes) {
        if (!crash.test) continue;
        finished.add(crash.test.id);
        bump(ran, crash.test.id);
        bump(broke, crash.test.id);
      }
      remaining = remaining.filter((id) => !finished.has(id));
      // Nothing more can be stepped past: the rest were not collected, or the crash is unnamed.
      if (crashes.length === 0 || crashes.some((c) => !c.test)) break;
    }
  }
  return new Map(options.ids.map((id) => [id, fraction(broke.get(id) ?? 0, ran.get(id) ?? 0)]));
}

function notRun(options: { settings: StressSettings; reason: string; started: number }): ThreadStress {
  return {
    status: 'not-run',
    reason: options.reason,
    plugin: RUN_PARALLEL_REQUIREMENT,
    threads: options.settings.threads,
    iterations: options.settings.iterations,
    runDurationMs: 0,
    durationMs: Date.now() - options.started,
    passed: 0,
    threadUnsafe: 0,
    failedAnyway: 0,
    skipped: 0,
    singleThreaded: 0,
    tests: [],
  };
}

async function stressContext(options: {
  settings: StressSettings;
  place: StressPlace;
  workDir: string;
}): Promise<AttemptContext> {
  return {
    runner: options.settings.runner,
    command: options.settings.command,
    cwd: options.place.cwd,
    env: stressEnvironment(options.place.env, options.settings),
    workDir: options.workDir,
    log: options.settings.log,
    pluginDir: installPlugin(options.workDir),
  };
}

/**
 * Thread stress of one free-threaded variant after its normal test run. `gil` is a GIL build's
 * venv (the reference) where each thread-unsafe test is run under stress too. Never throws for
 * what the project does: a command that is not pytest, or a plugin pip cannot install, is a
 * `not-run` with its reason.
 */
export async function stressVariant(options: {
  settings: StressSettings;
  place: StressPlace;
  normal: TestRunResult;
  gil: (StressPlace & { readonly name: string }) | null;
  workDir: string;
  notice: (message: string) => void;
}): Promise<ThreadStress> {
  const { settings, place, normal } = options;
  const started = Date.now();
  const skip = (reason: string): ThreadStress => {
    options.notice(`thread stress not run: ${reason}`);
    return notRun({ settings, reason, started });
  };
  if (!normal.pytest) {
    return skip(
      'the test command is not pytest (it left no per-test records), and pytest-run-parallel is a pytest plugin',
    );
  }
  const installError = await installRunParallel({
    runner: settings.runner,
    place,
    timeoutMs: settings.timeoutMs,
  });
  if (installError !== null) return skip(installError);

  const run = await runTestSuite({
    runner: settings.runner,
    command: settings.command,
    cwd: place.cwd,
    env: stressEnvironment(place.env, settings),
    timeoutMs: settings.timeoutMs,
    workDir: join(options.workDir, 'run'),
    reruns: STRESS_REPEATS,
    freeThreaded: true,
    rerunFailures: false,
    log: settings.log,
  });
  if (run.runParallel === null) {
    return skip(
      'pytest-run-parallel was installed but did not load in the test session (does the command disable plugins?)',
    );
  }
  const classified = classifyStress({
    normal: normal.summary.cases,
    stress: run.summary,
    single: run.runParallel.single,
  });
  const unsafe = classified.tests.filter((t) => t.kind === 'thread-unsafe');
  const crashes = new Map(run.summary.crashes.flatMap((c) => (c.test === null ? [] : [[c.test, c]])));
  // A crash or hang was already rerun alone under stress by runTestSuite: its k/N is the repeat.
  const toRepeat = unsafe
    .filter((t) => !crashes.get(t.id)?.reproduced)
    .slice(0, MAX_REPEATED)
    .map((t) => t.id);
  const head =
    toRepeat.length > 0
      ? await repeatUnderStress(
          await stressContext({ settings, place, workDir: join(options.workDir, 'repeat') }),
          {
            ids: toRepeat,
            runs: STRESS_REPEATS,
            timeoutMs: settings.timeoutMs,
            label: 'thread-unsafe tests again under stress, run',
          },
        )
      : new Map<string, string>();
  const withGil = await onGilBuild({ ...options, ids: unsafe.slice(0, MAX_REPEATED).map((t) => t.id) });
  const tests = classified.tests.map((t): ThreadStressTest => {
    if (t.kind !== 'thread-unsafe') return t;
    const reproduced = crashes.get(t.id)?.reproduced ?? head.get(t.id);
    return {
      ...t,
      ...(reproduced ? { reproduced } : {}),
      ...(options.gil && withGil ? { withGil: withGil.get(t.id) ?? null, gilVariant: options.gil.name } : {}),
    };
  });
  return {
    status: 'ran',
    plugin: RUN_PARALLEL_REQUIREMENT,
    threads: settings.threads,
    iterations: settings.iterations,
    runDurationMs: run.summary.durationMs,
    durationMs: Date.now() - started,
    ...classified.counts,
    tests,
  };
}

async function onGilBuild(options: {
  settings: StressSettings;
  gil: (StressPlace & { readonly name: string }) | null;
  ids: readonly string[];
  workDir: string;
  notice: (message: string) => void;
}): Promise<Map<string, string> | null> {
  const { gil, settings } = options;
  if (gil === null || options.ids.length === 0) return null;
  const installError = await installRunParallel({
    runner: settings.runner,
    place: gil,
    timeoutMs: settings.timeoutMs,
  });
  if (installError !== null) {
    options.notice(
      `thread stress: cannot tell whether the thread-unsafe tests also fail with the GIL (${gil.name}): ${installError}`,
    );
    return null;
  }
  const context = await stressContext({ settings, place: gil, workDir: join(options.workDir, 'gil') });
  return repeatUnderStress(context, {
    ids: options.ids,
    runs: STRESS_REPEATS,
    timeoutMs: settings.timeoutMs,
    label: `thread-unsafe tests under stress on ${gil.name}, run`,
  });
}

/**
 * The thread-unsafe tests of head, repeated under stress on the base commit with the same
 * variant and settings: what decides `new-thread-unsafe` (threadFindingKind).
 */
export async function stressOnBase(options: {
  settings: StressSettings;
  stress: ThreadStress;
  place: StressPlace;
  workDir: string;
  notice: (message: string) => void;
}): Promise<ThreadStress> {
  const ids = options.stress.tests
    .filter((t) => t.kind === 'thread-unsafe')
    .slice(0, MAX_REPEATED)
    .map((t) => t.id);
  if (options.stress.status !== 'ran' || ids.length === 0) return options.stress;
  const started = Date.now();
  const installError = await installRunParallel({
    runner: options.settings.runner,
    place: options.place,
    timeoutMs: options.settings.timeoutMs,
  });
  if (installError !== null) {
    options.notice(
      `thread stress on the base commit not run, so no thread-unsafe test can be called new: ${installError}`,
    );
    return options.stress;
  }
  const context = await stressContext({
    settings: options.settings,
    place: options.place,
    workDir: options.workDir,
  });
  const onBase = await repeatUnderStress(context, {
    ids,
    runs: STRESS_REPEATS,
    timeoutMs: options.settings.timeoutMs,
    label: 'thread-unsafe tests under stress on the base commit, run',
  });
  return {
    ...options.stress,
    durationMs: options.stress.durationMs + (Date.now() - started),
    tests: options.stress.tests.map((t) => {
      const base = onBase.get(t.id);
      return base === undefined ? t : { ...t, onBase: base };
    }),
  };
}
