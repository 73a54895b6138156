// Orchestration only: inputs -> interpreters -> per variant venv, install, tests -> startup ->
// findings -> report (files, summary, comment, outputs) -> verdict. Whatever fails halfway,
// report.json is written from what was measured.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withAdoption } from './domain/adoption.js';
import type { Baseline } from './domain/baseline.js';
import { variantFindings, verdict, type FailOnRule } from './domain/findings.js';
import { checkRecordedInterpreters } from './domain/interpreter-check.js';
import {
  REPORT_SCHEMA,
  type BenchmarkCrashReport,
  type BenchmarkMetric,
  type Cancellation,
  type DecisionStatistics,
  type Note,
  type Finding,
  type Report,
  type StartupMetric,
  type TestSummary,
  type ThreadScaling,
  type SlowTest,
  type SlowTestVsBase,
  type ThreadStress,
  type VariantReport,
} from './domain/report.js';
import { variantEnvironment } from './domain/runtime-env.js';
import { hostFacts } from './host-facts.js';
import { wellFormedReport } from './domain/well-formed.js';
import type { Variant } from './domain/variants.js';
import { cancelledMessage, stageTracking, untilCancelled } from './cancellation.js';
import { readRunContext, type RunContext } from './context.js';
import { InputError, parseInputs, type Inputs } from './inputs.js';
import { checkWorkingDirectory } from './input-checks.js';
import type { ProcessRunner, Toolkit } from './ports.js';
import { installVariants, type InstallOutcome } from './python/install.js';
import type { Venv } from './python/venv.js';
import { publish } from './publish.js';
import { reportRefusal } from './refused-input.js';
import { runReportMode } from './report-mode.js';
import { prepareBase } from './suite/base.js';
import { chooseBaseline } from './suite/baseline.js';
import { prepareVariant } from './suite/prepare.js';
import type { BenchmarkCrashes } from './suite/benchmarks.js';
import { measurePerformance, type PerformanceSubject } from './suite/performance.js';
import { baseSuiteForDurations, SLOW_TEST_RULES } from './domain/slow-tests.js';
import { confirmSlowTests } from './suite/slow-tests.js';
import { runTestSuite, type TestRunResult } from './suite/tests.js';
import type { RunResult, World } from './world.js';
import { fenceCommands } from './adapters/command-fence.js';
import { testedEnvironment } from './tested-environment.js';
import { stressSettings, stressVariants, stressVariantsOnBase } from './suite/stress-variants.js';

interface VariantState {
  readonly variant: Variant;
  install?: InstallOutcome;
  venv?: Venv;
  prepareError?: string;
  tests?: TestRunResult;
  startup: StartupMetric[];
  benchmarks: BenchmarkMetric[];
  base?: { startup: StartupMetric[]; benchmarks: BenchmarkMetric[] };
  threadScaling?: readonly ThreadScaling[];
  benchmarkSuite?: VariantReport['benchmarkSuite'];
  benchmarkCrashes?: BenchmarkCrashReport;
  baseBenchmarkCrashes?: BenchmarkCrashReport;
  /**
   * The tests on the PR's base commit, run only where head failed or crashed, on free-threaded
   * variants, and under the reference for their durations (slow-tests.ts).
   */
  baseTests?: TestSummary;
  /** Modules that re-enabled the GIL in those tests on base. */
  baseGil?: readonly string[];
  threadStress?: ThreadStress;
  slowTests?: readonly SlowTest[];
  slowTestsVsBase?: readonly SlowTestVsBase[];
}

const NOT_RUN: TestSummary = {
  status: 'not-run',
  exitCode: null,
  signal: null,
  durationMs: 0,
  passed: 0,
  failed: 0,
  errors: 0,
  skipped: 0,
  crashed: 0,
  timedOut: 0,
  crashes: [],
  cases: [],
  outputTail: '',
};

function message(error: unknown): string {
  if (error instanceof Error)
    return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '_');
}

function variantReport(state: VariantState, options: { baseSha: string | null }): VariantReport {
  const install = state.install;
  const facts = install?.ok ? install.facts : null;
  const installOk = install?.ok === true && state.prepareError === undefined;
  const installError = install && !install.ok ? install.error : state.prepareError;
  return {
    name: state.variant.name,
    optional: state.variant.optional,
    interpreter: facts
      ? {
          executable: facts.executable,
          version: facts.version,
          freeThreaded: facts.freeThreaded,
          // Where the tested process itself said (3.14+), that is the answer.
          jit: state.tests?.summary.jitEnabled ?? (state.variant.jit && facts.jitCompiled),
          jitCompiled: facts.jitCompiled,
          debug: facts.debug,
          source: install?.ok ? install.source : 'unknown',
          ...(install?.ok && install.catalog ? { catalog: install.catalog } : {}),
        }
      : null,
    install: installOk
      ? { ok: true, ...(install?.ok ? { durationMs: install.durationMs } : {}) }
      : { ok: false, error: installError ?? 'not installed (the run stopped before this variant)' },
    tests: state.tests?.summary ?? NOT_RUN,
    gil: { reenabledBy: [...(state.tests?.gilReenabledBy ?? [])] },
    startup: state.startup,
    benchmarks: state.benchmarks,
    ...(state.threadScaling ? { threadScaling: state.threadScaling } : {}),
    ...(state.benchmarkSuite ? { benchmarkSuite: state.benchmarkSuite } : {}),
    ...(state.benchmarkCrashes ? { benchmarkCrashes: state.benchmarkCrashes } : {}),
    ...(state.threadStress ? { threadStress: state.threadStress } : {}),
    ...(state.slowTests ? { slowTests: state.slowTests } : {}),
    ...(state.slowTestsVsBase ? { slowTestsVsBase: state.slowTestsVsBase } : {}),
    ...((state.base || state.baseTests) && options.baseSha
      ? {
          base: {
            sha: options.baseSha,
            startup: state.base?.startup ?? [],
            benchmarks: state.base?.benchmarks ?? [],
            ...(state.baseTests ? { tests: state.baseTests } : {}),
            ...(state.baseBenchmarkCrashes ? { benchmarkCrashes: state.baseBenchmarkCrashes } : {}),
            ...(state.baseGil ? { gil: { reenabledBy: [...state.baseGil] } } : {}),
          },
        }
      : {}),
  };
}

function buildReport(options: {
  inputs: Inputs;
  states: readonly VariantState[];
  context: RunContext;
  errors: readonly string[];
  timingFindings: readonly Finding[];
  notes: readonly Note[];
  statistics: DecisionStatistics | undefined;
  baseline: Baseline | null;
  cancelled: Cancellation | undefined;
}): Report {
  const { context, baseline } = options;
  const baseSha = baseline?.sha ?? null;
  const variants = withAdoption({
    variants: options.states.map((s) => variantReport(s, { baseSha })),
    reference: options.inputs.reference,
    threshold: options.inputs.threshold,
  });
  // After a cancel, a variant whose tests never ran was not reached, not broken: no finding of it.
  const reached = variants.filter((_, i) => {
    const s = options.states[i];
    const failedBefore = s?.install?.ok === false || s?.prepareError !== undefined;
    return !options.cancelled || s?.tests !== undefined || failedBefore;
  });
  const findings: Finding[] = [...reached.flatMap(variantFindings), ...options.timingFindings];
  const decided = verdict({
    findings,
    failOn: options.inputs.failOn as ReadonlySet<FailOnRule>,
    optionalVariants: new Set(options.inputs.variants.filter((v) => v.optional).map((v) => v.name)),
  });
  const errorReasons = options.cancelled
    ? [`the run was cancelled by ${options.cancelled.signal}`]
    : options.errors.length > 0
      ? ['the run stopped with an error']
      : [];
  const reasons = [...decided.reasons, ...errorReasons];
  return wellFormedReport({
    schema: REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    reference: options.inputs.reference,
    threshold: options.inputs.threshold,
    commit: {
      head: context.mergeGroup?.headSha ?? context.pullRequest?.headSha ?? context.sha,
      base: baseSha,
    },
    ...(baseline ? { baseline } : {}),
    ...(context.eventName
      ? {
          event: {
            name: context.eventName,
            pullRequest: context.pullRequest?.number ?? context.mergeGroup?.pullRequest ?? null,
          },
        }
      : {}),
    variants,
    findings,
    verdict: reasons.length > 0 ? 'fail' : 'pass',
    verdictReasons: reasons,
    // Copies: after a cancel the abandoned work may still add to the lists while this is published.
    errors: [...options.errors],
    ...(options.notes.length > 0 ? { notes: [...options.notes] } : {}),
    ...(options.statistics ? { statistics: options.statistics } : {}),
    ...(options.cancelled ? { cancelled: options.cancelled } : {}),
  });
}

async function measure(world: World, inputs: Inputs, states: VariantState[], sink: Sink): Promise<void> {
  const { errors, timingFindings, notes } = sink;
  const { runner, toolkit } = world;
  const workRoot = join(inputs.outputDirectory, 'work');
  try {
    mkdirSync(workRoot, { recursive: true });
  } catch (error) {
    const where = `${inputs.outputDirectory} (the folder chosen by ${inputs.outputChosenBy})`;
    throw new Error(`could not make the work folder in ${where}`, { cause: error });
  }
  // After the work folder: where both live under RUNNER_TEMP, its error is the one that says where.
  const cleanEnv = testedEnvironment(world.env);
  const platform = world.platform ?? hostFacts();
  const timeoutMs = inputs.commandTimeoutMinutes * 60_000;

  const outcomes = await toolkit.group('Interpreters', () =>
    installVariants(
      {
        settings: {
          interpreters: inputs.interpreters,
          pythonSource: inputs.pythonSource,
          cpythonSource: inputs.cpythonSource,
          prebuiltMirror: inputs.prebuiltMirror,
          prebuiltCatalog: inputs.prebuiltCatalog,
          cache: inputs.cache,
          workingDirectory: inputs.workingDirectory,
        },
        runner,
        cache: world.cache,
        toolkit,
        env: cleanEnv,
        installRoot: join(workRoot, 'python'),
        catalogApi: { apiUrl: readRunContext(world.env).apiUrl, token: inputs.githubToken },
      },
      inputs.variants,
    ),
  );
  for (const state of states) {
    const outcome = outcomes.get(state.variant.name);
    if (!outcome) continue;
    state.install = outcome;
    if (outcome.ok)
      toolkit.info(
        `${state.variant.name}: ${outcome.executable} (${outcome.source}${outcome.catalog ? `, catalog: ${outcome.catalog}` : ''})`,
      );
    else {
      toolkit.error(`${state.variant.name}: ${outcome.error}`);
      if (outcome.fatal) errors.push(`${state.variant.name}: ${outcome.error}`);
    }
  }
  if (errors.length > 0) return;

  const envFor = (state: VariantState, venv: Venv | null): Record<string, string> =>
    variantEnvironment({ base: cleanEnv, variant: state.variant, ...(venv ? { venv } : {}), platform });

  for (const state of states) {
    const install = state.install;
    if (!install?.ok) continue;
    const name = state.variant.name;
    await toolkit.group(`${name}: venv and install-command`, async () => {
      const prepared = await prepareVariant({
        runner,
        python: install.executable,
        // The same length as the base commit's `base/venvs/NAME`: a path that differs in length
        // between the two sides shifts every process of one side alike (see benchmarks.ts).
        venvDir: join(workRoot, 'head', 'venvs', safeName(name)),
        projectDir: inputs.workingDirectory,
        installCommand: inputs.installCommand,
        envFor: (venv) => envFor(state, venv),
        timeoutMs,
        platform,
      });
      if (prepared.ok) {
        state.venv = prepared.venv;
        toolkit.info(`installed with: ${prepared.installCommand || '(nothing to install)'}`);
      } else {
        state.prepareError = prepared.error;
        toolkit.error(`${name}: ${prepared.error}`);
      }
    });
  }

  for (const state of states) {
    const venv = state.venv;
    if (!venv) continue;
    const name = state.variant.name;
    const install = state.install;
    state.tests = await toolkit.group(`${name}: tests`, () =>
      runTestSuite({
        runner,
        command: inputs.testCommand,
        cwd: inputs.workingDirectory,
        env: envFor(state, venv),
        timeoutMs,
        workDir: join(workRoot, 'tests', safeName(name)),
        reruns: 3,
        freeThreaded: state.variant.freeThreaded,
        jit: state.variant.jit,
        log: (line) => toolkit.info(line),
        platform,
      }),
    );
    const s = state.tests.summary;
    toolkit.info(`${name}: ${s.status}: ${s.passed} passed, ${s.failed} failed, ${s.crashed} crashed`);
    const wrong = install?.ok
      ? checkRecordedInterpreters({
          variant: state.variant,
          facts: install.facts,
          venvPython: venv.python,
          loaded: state.tests.interpreters,
        })
      : null;
    if (wrong !== null) {
      // Figures from another interpreter are worse than none: the variant is not measured further.
      toolkit.error(`${name}: ${wrong}`);
      state.prepareError = wrong;
      delete state.tests;
      delete state.venv;
    }
  }

  // After every variant's normal run, so pytest-run-parallel in a GIL venv changes none of them.
  const stress = stressSettings({ runner, toolkit, inputs, timeoutMs });
  if (stress !== null) {
    const stresses = await stressVariants({
      settings: stress,
      toolkit,
      reference: inputs.reference,
      workRoot,
      candidates: states.map((s) => ({
        name: s.variant.name,
        freeThreaded: s.variant.freeThreaded,
        place: s.venv
          ? { python: s.venv.python, env: envFor(s, s.venv), cwd: inputs.workingDirectory }
          : null,
        normal: s.tests,
      })),
    });
    for (const state of states) state.threadStress = stresses.get(state.variant.name);
  }

  const ready = states.filter((s) => s.venv);
  if (ready.length === 0) return;
  // The base commit: a worktree and venvs made like head's, measured interleaved with head.
  const chosen = await chooseBaseline({
    runner,
    toolkit,
    projectDir: inputs.workingDirectory,
    setting: inputs.compareBase,
    revision: inputs.baseRevision,
    event: readRunContext(world.env),
    env: cleanEnv,
  });
  if (chosen.error) {
    errors.push(chosen.error);
    notes.push({ kind: 'base-unavailable', message: `no base commit was measured: ${chosen.error}` });
  }
  const baseSha = chosen.baseline?.sha ?? null;
  const base = baseSha
    ? await toolkit.group(`base commit ${baseSha.slice(0, 12)}: worktree, venvs and install-command`, () =>
        prepareBase({
          runner,
          toolkit,
          sha: baseSha,
          projectDir: inputs.workingDirectory,
          workDir: join(workRoot, 'base'),
          variants: ready.flatMap((s) =>
            s.install?.ok
              ? [
                  {
                    variant: s.variant,
                    interpreter: s.install.executable,
                    envFor: (venv: Venv | null) => envFor(s, venv),
                  },
                ]
              : [],
          ),
          installCommand: inputs.installCommand,
          timeoutMs,
          env: cleanEnv,
        }),
      )
    : null;
  if (base?.ok) sink.baseline = chosen.baseline;
  if (base && !base.ok) {
    // Asked for explicitly, a base that cannot be measured is an error; under `auto`, a warning.
    if (inputs.compareBase === 'true') errors.push(base.error);
    else toolkit.warning(`${base.error}; the pull request is not compared with its base commit`);
    notes.push({
      kind: 'base-unavailable',
      message: `the base commit could not be prepared, so nothing was compared with it: ${base.error}`,
    });
  }
  try {
    if (base?.ok) {
      await testOnBase({
        runner,
        toolkit,
        inputs,
        states: ready,
        subjects: base.base.subjects,
        workRoot,
        timeoutMs,
      });
    }
    // Before the base checkout goes: its reruns run there.
    const slowStarted = Date.now();
    await confirmDurations({
      world,
      inputs,
      states: ready,
      envFor,
      baseSubjects: base?.ok ? base.base.subjects : [],
      workRoot,
      timeoutMs,
    });
    // Their reruns came out of measure-minutes: what is left goes to startup and benchmarks.
    const measureMinutes = Math.max(
      inputs.measureMinutes * (1 - SLOW_TEST_RULES.budgetShare),
      inputs.measureMinutes - (Date.now() - slowStarted) / 60_000,
    );
    const performance = await measurePerformance({
      runner,
      toolkit,
      head: ready.map((s) => ({
        variant: s.variant,
        python: s.venv!.python,
        ...(s.install?.ok ? { pythonVersion: s.install.facts.version } : {}),
        env: envFor(s, s.venv!),
        cwd: inputs.workingDirectory,
      })),
      base: base?.ok ? base.base.subjects : [],
      reference: inputs.reference,
      threshold: inputs.threshold,
      startupImports: inputs.startupImports,
      startupCommand: inputs.startupCommand,
      benchmarkCommand: inputs.benchmarkCommand,
      measureMinutes,
      workDir: join(workRoot, 'performance'),
      timeoutMs,
      platform,
    });
    for (const state of ready) {
      const measured = performance.variants.get(state.variant.name);
      if (!measured) continue;
      state.startup.push(...measured.startup);
      state.benchmarks.push(...measured.benchmarks);
      if (measured.base) state.base = measured.base;
      if (measured.threadScaling) state.threadScaling = measured.threadScaling;
      if (measured.throughput?.suite) state.benchmarkSuite = measured.throughput.suite;
      const command = inputs.benchmarkCommand ?? '';
      if (measured.benchmarkCrashes)
        state.benchmarkCrashes = crashReport({ command, crashes: measured.benchmarkCrashes });
      if (measured.baseBenchmarkCrashes)
        state.baseBenchmarkCrashes = crashReport({ command, crashes: measured.baseBenchmarkCrashes });
    }
    timingFindings.push(...performance.findings);
    notes.push(...performance.notes);
    sink.statistics = performance.statistics;
  } finally {
    if (base?.ok) await base.base.checkout.remove();
  }
}

/**
 * Informational, and bounded by a share of measure-minutes: tests one build makes much slower than
 * the reference, and tests head makes much slower than the base commit under the same build, where
 * the base commit's tests ran; one plan for both.
 */
async function confirmDurations(options: {
  world: World;
  inputs: Inputs;
  states: readonly VariantState[];
  envFor: (state: VariantState, venv: Venv) => Record<string, string>;
  baseSubjects: readonly PerformanceSubject[];
  workRoot: string;
  timeoutMs: number;
}): Promise<void> {
  const { inputs, states } = options;
  const slow = await confirmSlowTests({
    runner: options.world.runner,
    toolkit: options.world.toolkit,
    command: inputs.testCommand,
    reference: inputs.reference,
    subjects: states.flatMap((s) =>
      s.tests && s.venv
        ? [
            {
              name: s.variant.name,
              env: options.envFor(s, s.venv),
              cwd: inputs.workingDirectory,
              cases: s.tests.summary.cases,
            },
          ]
        : [],
    ),
    base: states.flatMap((s) => {
      const subject = options.baseSubjects.find((b) => b.variant.name === s.variant.name);
      return subject && s.baseTests
        ? [{ name: s.variant.name, env: subject.env, cwd: subject.cwd, cases: s.baseTests.cases }]
        : [];
    }),
    budgetMs: inputs.measureMinutes * 60_000 * SLOW_TEST_RULES.budgetShare,
    timeoutMs: options.timeoutMs,
    workRoot: options.workRoot,
  });
  for (const state of states) {
    const found = slow.vsReference.get(state.variant.name);
    if (found) state.slowTests = found;
    const vsBase = slow.vsBase.get(state.variant.name);
    if (vsBase) state.slowTestsVsBase = vsBase;
  }
}

interface Sink {
  readonly errors: string[];
  readonly timingFindings: Finding[];
  readonly notes: Note[];
  statistics?: DecisionStatistics;
  baseline: Baseline | null;
}

function crashReport(options: { command: string; crashes: BenchmarkCrashes }): BenchmarkCrashReport {
  const { crashes } = options;
  return {
    command: options.command,
    signal: crashes.signal,
    fatalError: crashes.fatalError,
    crashed: `${crashes.crashed}/${crashes.tried}`,
    excerpt: crashes.excerpt,
  };
}

/**
 * A failure or crash on head is new only if base does not have it too, so the tests run on the
 * base commit, with the same interpreter, for the variants where head failed or crashed. Under a
 * free-threaded variant they always run: which modules re-enable the GIL on base tells a module
 * this change turns the GIL back on for from one it always did (and one it no longer does); and
 * head's thread-unsafe tests are repeated under stress there. Under the reference they run too,
 * where the suite is short, so that a test this change makes much slower shows (slow-tests.ts).
 */
async function testOnBase(options: {
  runner: ProcessRunner;
  toolkit: Toolkit;
  inputs: Inputs;
  states: readonly VariantState[];
  subjects: readonly PerformanceSubject[];
  workRoot: string;
  timeoutMs: number;
}): Promise<void> {
  for (const state of options.states) {
    const status = state.tests?.summary.status;
    const failed = status === 'failed' || status === 'crashed' || status === 'timedOut';
    const subject = options.subjects.find((s) => s.variant.name === state.variant.name);
    if (!subject) continue;
    // Nothing else runs the base commit's tests under the reference: they run for their durations
    // alone (slow-tests.ts), when the suite is short next to measure-minutes and has a test long
    // enough to be a candidate, and stop at measure-minutes.
    const needed = failed || state.variant.freeThreaded;
    const forDurations =
      !needed && state.variant.name === options.inputs.reference && state.tests
        ? baseSuiteForDurations({
            head: state.tests.summary,
            measureMinutes: options.inputs.measureMinutes,
            commandTimeoutMs: options.timeoutMs,
          })
        : null;
    if (!needed && forDurations === null) continue;
    const title = forDurations ? 'tests on the base commit, for their durations' : 'tests on the base commit';
    const result = await options.toolkit.group(`${state.variant.name}: ${title}`, () =>
      runTestSuite({
        runner: options.runner,
        command: options.inputs.testCommand,
        cwd: subject.cwd,
        env: subject.env,
        timeoutMs: forDurations?.timeoutMs ?? options.timeoutMs,
        workDir: join(options.workRoot, 'tests-base', safeName(state.variant.name)),
        reruns: 1,
        freeThreaded: state.variant.freeThreaded,
        log: (line) => options.toolkit.info(line),
      }),
    );
    state.baseTests = result.summary;
    if (state.variant.freeThreaded) state.baseGil = result.gilReenabledBy;
  }
  const settings = stressSettings(options);
  if (settings === null) return;
  const stresses = new Map(
    options.states.flatMap((s) => (s.threadStress ? [[s.variant.name, s.threadStress]] : [])),
  );
  const places = new Map(
    options.subjects.map((s) => [s.variant.name, { python: s.python, env: s.env, cwd: s.cwd }]),
  );
  const checked = await stressVariantsOnBase({
    settings,
    toolkit: options.toolkit,
    stresses,
    places,
    workRoot: options.workRoot,
  });
  for (const state of options.states)
    state.threadStress = checked.get(state.variant.name) ?? state.threadStress;
}

/** The run, with everything it logs kept from being read as a workflow command (command-fence.ts). */
export async function run(world: World): Promise<RunResult> {
  const toolkit = fenceCommands(world.toolkit);
  try {
    return await runUnfenced({ ...world, toolkit, print: (text) => toolkit.quote(() => world.print(text)) });
  } finally {
    toolkit.close();
  }
}

async function runUnfenced(world: World): Promise<RunResult> {
  let inputs: Inputs;
  try {
    inputs = parseInputs(world.read, { env: world.env, cwd: world.cwd });
    checkWorkingDirectory(inputs, { ...world, written: world.read('working-directory').trim() });
  } catch (error) {
    // Bad input: refused before any work starts.
    const text = error instanceof InputError ? error.message : `cpython-variants: ${message(error)}`;
    const refused = await reportRefusal({ world, error, message: text });
    world.toolkit.setFailed(text);
    return { ...refused, failed: true };
  }
  if (inputs.ignoredInterpreters.length > 0) {
    world.toolkit.notice(
      `interpreters: ignored the lines for ${inputs.ignoredInterpreters.join(', ')}, not among the variants (${inputs.variants.map((v) => v.name).join(', ')})`,
    );
  }
  const context = readRunContext(world.env);
  // Mode report measures nothing: it merges the report.json files of `mode: measure` jobs.
  if (inputs.mode === 'report') return runReportMode({ world, inputs, context });
  const states: VariantState[] = inputs.variants.map((variant) => ({ variant, startup: [], benchmarks: [] }));
  const sink: Sink = { errors: [], timingFindings: [], notes: [], baseline: null };
  const { errors } = sink;
  if (context.mergeGroup) {
    const pr = context.mergeGroup.pullRequest;
    world.toolkit.info(
      `merge queue${pr === null ? '' : ` for pull request #${pr}`}: ${context.mergeGroup.headRef ?? ''}`,
    );
  }
  const stage = stageTracking(world.toolkit);
  const measured = measure({ ...world, toolkit: stage.toolkit }, inputs, states, sink).catch(
    (error: unknown) => {
      errors.push(`the run stopped: ${message(error)}`);
    },
  );
  const signal = await untilCancelled(measured, world.cancel);
  const cancelled = signal === null ? undefined : { signal, during: stage.current() };
  if (cancelled) errors.push(cancelledMessage(cancelled));
  const report = buildReport({
    cancelled,
    inputs,
    states,
    context,
    errors,
    timingFindings: sink.timingFindings,
    notes: sink.notes,
    statistics: sink.statistics,
    baseline: sink.baseline,
  });
  let reportPath: string | null = null;
  try {
    reportPath = (await publish({ world, inputs, context, report })).reportPath;
  } catch (error) {
    world.toolkit.setFailed(`cpython-variants could not write its report: ${message(error)}`);
    return { report, reportPath, failed: true };
  }
  for (const e of errors) world.toolkit.error(e);
  if (report.verdict === 'fail') {
    world.toolkit.setFailed(`cpython-variants: ${report.verdictReasons.join('; ')}`);
    return { report, reportPath, failed: true };
  }
  return { report, reportPath, failed: false };
}
