// report.json: the stable core of DESIGN.md ("Reporting"), plus fields that may grow.
// Counts are integers and always present; `name` is the label exactly as written.

import type { BaselineReason } from './baseline.js';

export const REPORT_SCHEMA = 'cpython-variants/report@1';

export type TestOutcome =
  'passed' | 'failed' | 'error' | 'skipped' | 'xfailed' | 'xpassed' | 'crashed' | 'timedOut';

export interface TestCase {
  /** pytest node id, e.g. tests/test_x.py::test_y */
  readonly id: string;
  readonly outcome: TestOutcome;
  readonly file?: string;
  readonly line?: number;
  readonly durationMs?: number;
  /** Short failure or crash text, from the tested code: escape before rendering. */
  readonly message?: string;
  /** Failed or errored, then passed when rerun: not to be reported as a regression. */
  readonly flaky?: boolean;
  /** Fails after the tests that ran before it (`before`, the nearest last), passes alone: a real failure. */
  readonly orderDependent?: { readonly before: readonly string[] };
  /** Where a failure or error happened, when not obvious from the outcome. */
  readonly phase?: TestPhase;
  /** The fixture whose teardown failed or crashed, not the test body. */
  readonly fixture?: FixtureRef;
}

export type TestPhase = 'setup' | 'call' | 'teardown';

export interface FixtureRef {
  readonly name: string;
  /** pytest's scope: function, class, module, package, session. */
  readonly scope: string;
  readonly file?: string;
  readonly line?: number;
}

export interface CrashRecord {
  /** The test that was running, or null when it is not known (no per-test record). */
  readonly test: string | null;
  /** 'SIGSEGV' etc., or null for a `Fatal Python error` without a signal, or a hang. */
  readonly signal: string | null;
  /** 'k/N': how many of N lone reruns crashed again; null when not rerun. */
  readonly reproduced: string | null;
  readonly kind: 'signal' | 'fatal-error' | 'timeout';
  /** A bounded excerpt of the faulthandler dump or the output's tail. */
  readonly excerpt: string;
  readonly file?: string;
  readonly line?: number;
  /** The lone reruns did not all end the same way (`reproduced` below N/N). */
  readonly flaky?: boolean;
  /** Non-stdlib extension modules loaded at the crash (faulthandler's `Extension modules:` line). */
  readonly extensionModules?: readonly string[];
  /** The phase the test had reached: `teardown` after its body had passed. */
  readonly phase?: TestPhase;
  /** The fixture being torn down when the process died; `test` then names it when wider than a test. */
  readonly fixture?: FixtureRef;
  /** The test that was running, when `test` names something else (a session fixture). */
  readonly during?: string;
}

export interface TestSummary {
  /** How the test command ended. */
  readonly status: 'passed' | 'failed' | 'crashed' | 'timedOut' | 'not-run';
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
  readonly crashed: number;
  readonly timedOut: number;
  readonly crashes: readonly CrashRecord[];
  readonly cases: readonly TestCase[];
  /** Bounded tail of the command's output, for the details. */
  readonly outputTail: string;
  /** `sys._jit.is_enabled()` inside the tested process (CPython 3.14+, pytest); absent where unknown. */
  readonly jitEnabled?: boolean;
}

export interface InterpreterFacts {
  readonly executable: string;
  /** Full version, e.g. '3.13.5'. */
  readonly version: string;
  readonly freeThreaded: boolean;
  /** The JIT is active in this variant's runs (compiled in and PYTHON_JIT=1). */
  readonly jit: boolean;
  /** The JIT is compiled into the build (whether or not this variant switches it on). */
  readonly jitCompiled: boolean;
  readonly debug: boolean;
  /** Where the interpreter came from: 'interpreters', 'prebuilt', 'build', 'cache', 'tool-cache'. */
  readonly source: string;
  /** The python-build-standalone catalog that resolved it: 'embedded of 2026-08-14', 'live of 2026-12-01'. */
  readonly catalog?: string;
}

export interface Sample {
  /** Median (or the one value) of one process's measurement, in milliseconds. */
  readonly values: readonly number[];
}

/** One timing compared with its baseline (see compare.ts): the figures behind a finding, or behind its absence. */
export interface RatioSummary {
  /** median(this) / median(baseline): 1.42 = 42% slower. */
  readonly ratio: number;
  /** 95% bootstrap interval of the ratio. */
  readonly low: number;
  readonly high: number;
  /** Two-sided p of this comparison alone. */
  readonly pValue: number;
  /**
   * Holm-adjusted over the run's whole family of comparisons (report.statistics): the p-value the
   * verdict used. Absent in reports written before the correction.
   */
  readonly adjustedP?: number;
  readonly verdict: 'regression' | 'improvement' | 'unchanged' | 'inconclusive';
  /**
   * Why an inconclusive comparison stayed undecided: 'too-few-runs' where no sample of that size
   * could reach the corrected significance, 'noisy' where it could and did not.
   */
  readonly undecided?: 'too-few-runs' | 'noisy';
  /**
   * 'paired': samples of the same round side by side (Wilcoxon signed-rank); 'independent':
   * Mann-Whitney U. Where rounds pair, both run and the one with the smaller p gives the figures,
   * its p doubled; 'normalized': Mann-Whitney U on figures with each benchmark process's overall
   * speed taken out (suites of at least 8 benchmarks, domain/process-speed.ts).
   */
  readonly method: 'paired' | 'independent' | 'normalized';
  /** Pairs, or the smaller side's samples. */
  readonly n: number;
}

export interface StartupMetric {
  /** 'python -c pass', 'import pkg', or the startup command. */
  readonly name: string;
  readonly kind: 'interpreter' | 'import' | 'command';
  /** Milliseconds, one per sample (after the runner's own overhead is subtracted). */
  readonly samples: readonly number[];
  /**
   * The sampling round of each sample. Every subject (variant, head or base) is sampled once a
   * round, side by side, so samples of one round share the machine's moment: compare pairs them.
   */
  readonly rounds?: readonly number[];
  readonly median: number | null;
  /** Set when the metric could not be measured (a module that does not import). */
  readonly error?: string;
  /** For imports: the heaviest modules, cumulative microseconds, from -X importtime. */
  readonly heaviest?: readonly { module: string; cumulativeUs: number }[];
  /** Against the reference variant's same metric (absent on the reference itself). */
  readonly vsReference?: RatioSummary;
  /** Against the same variant on the PR's base commit. */
  readonly vsBase?: RatioSummary;
}

export interface BenchmarkMetric {
  readonly name: string;
  /**
   * Seconds per iteration, one value per process run: its fastest round for pytest-benchmark,
   * its median for pyperf and hyperfine (see ParsedBenchmark.figure).
   */
  readonly samples: readonly number[];
  /** The ABBA round of each run (see StartupMetric.rounds). */
  readonly rounds?: readonly number[];
  readonly median: number | null;
  readonly unit: 's';
  /** Its parameters where the result file names them (pytest-benchmark, hyperfine), as strings. */
  readonly params?: Readonly<Record<string, string>>;
  /** Calls timed together in one round, where the format says (pytest-benchmark). */
  readonly iterations?: number;
  readonly error?: string;
  readonly vsReference?: RatioSummary;
  readonly vsBase?: RatioSummary;
}

export interface VariantReport {
  readonly name: string;
  readonly optional: boolean;
  readonly interpreter: InterpreterFacts | null;
  readonly install: { readonly ok: boolean; readonly error?: string; readonly durationMs?: number };
  readonly tests: TestSummary;
  readonly gil: { readonly reenabledBy: readonly string[] };
  readonly startup: readonly StartupMetric[];
  readonly benchmarks: readonly BenchmarkMetric[];
  /** Measurements of the PR's base commit with the same interpreter, when compare-base is on. */
  readonly base?: {
    readonly sha: string;
    readonly startup: readonly StartupMetric[];
    readonly benchmarks: readonly BenchmarkMetric[];
    readonly tests?: TestSummary;
    readonly benchmarkCrashes?: BenchmarkCrashReport;
    /** Modules that re-enabled the GIL in base's tests (free-threaded variants whose base tests ran). */
    readonly gil?: { readonly reenabledBy: readonly string[] };
  };
  /** Benchmark processes that died by a signal or a fatal error (a crash finding, not a missing benchmark). */
  readonly benchmarkCrashes?: BenchmarkCrashReport;
  /** In a merged report (mode `report`): the report file (matrix leg) this variant came from. */
  readonly leg?: string;
  readonly threadScaling?: readonly ThreadScaling[];
  /**
   * Benchmark suites of 8 or more, split by process speed (domain/process-speed.ts): the two
   * sides' processes' overall speeds compared, the one test of a change to everything.
   */
  readonly benchmarkSuite?: { readonly vsReference?: RatioSummary; readonly vsBase?: RatioSummary };
  /** The pytest suite rerun under pytest-run-parallel (free-threaded variants, `thread-stress`). */
  readonly threadStress?: ThreadStress;
  /** Tests this build makes much slower or faster than the reference, confirmed by lone reruns (slow-tests.ts). */
  readonly slowTests?: readonly SlowTest[];
  /**
   * Tests this pull request makes much slower under this build: head against the base commit, where
   * the base commit's tests ran under it; confirmed by lone reruns (slow-tests.ts).
   */
  readonly slowTestsVsBase?: readonly SlowTestVsBase[];
  /** Should this code adopt this build? Decided from the figures above (adoption.ts); absent on the reference. */
  readonly adoption?: Adoption;
}

/** One test whose duration differs a lot between this build and the reference; informational. */
export interface SlowTest {
  /** pytest node id: from the tested code, escape before rendering. */
  readonly id: string;
  /** In the normal runs of the suite, seconds. */
  readonly referenceSeconds: number;
  readonly seconds: number;
  /** seconds / referenceSeconds: 29 = 29 times as long. */
  readonly ratio: number;
  /** The lone reruns, seconds, one a round on each side; null where that run did not pass (it disagrees). */
  readonly reruns: {
    readonly reference: readonly (number | null)[];
    readonly variant: readonly (number | null)[];
  };
  /** 'k/N': reruns that differed the same way by the same rules. */
  readonly agreed: string;
}

/** One test that took much longer on the pull request's head than on its base commit, under one build; informational. */
export interface SlowTestVsBase {
  /** pytest node id: from the tested code, escape before rendering. */
  readonly id: string;
  /** In the base commit's run of the suite, seconds. */
  readonly baseSeconds: number;
  /** In head's normal run, seconds. */
  readonly seconds: number;
  /** seconds / baseSeconds: 13 = 13 times as long on head. */
  readonly ratio: number;
  /** The lone reruns, seconds, one a round on each side; null where that run did not pass (it disagrees). */
  readonly reruns: {
    readonly base: readonly (number | null)[];
    readonly head: readonly (number | null)[];
  };
  /** 'k/N': reruns that differed the same way by the same rules. */
  readonly agreed: string;
}

/** `not-ready`: it crashes, hangs, fails or races where the reference does not; `undecided`: facts are missing. */
export type AdoptionVerdict =
  'worth-it' | 'small-gain' | 'trade-off' | 'no-difference' | 'not-worth-it' | 'not-ready' | 'undecided';

/** How one measured fact reads against the reference. */
export type AdoptionReading = 'faster' | 'unchanged' | 'slower' | 'undecided';

/** The answer to "should we adopt this build?", with every fact it was decided from. */
export interface Adoption {
  readonly verdict: AdoptionVerdict;
  /** The variant it was weighed against: the reference of its report. */
  readonly against: string;
  /** What the rules needed and did not have; empty unless the verdict is `undecided`. */
  readonly missing: readonly string[];
  readonly inputs: AdoptionInputs;
}

export interface AdoptionInputs {
  /** The interpreter installed and the project installed into it. */
  readonly installed: boolean;
  /** The test suite ran (whatever its outcome). */
  readonly tested: boolean;
  /** Tests that died by a signal or a fatal error. */
  readonly crashes: number;
  /** Tests that hung past command-timeout-minutes. */
  readonly hangs: number;
  /** The benchmark processes' signal (or 'fatal error') when they crashed; null when they did not. */
  readonly benchmarkCrash: string | null;
  /** Tests that fail here and pass under the reference (flaky ones not counted). */
  readonly failures: number;
  /** Tests that broke under thread stress; null where it did not run. */
  readonly threadUnsafe: number | null;
  /** Modules that re-enabled the GIL; null on a build with a GIL. */
  readonly gilReenabledBy: readonly string[] | null;
  /** Single-threaded throughput: the geometric mean of the benchmarks' ratios; null where none was compared. */
  readonly throughput: {
    readonly ratio: number;
    /** Geometric means of the benchmarks' 95% interval ends: as wide as if their errors all ran together. */
    readonly low: number;
    readonly high: number;
    readonly benchmarks: number;
    readonly undecided: number;
    readonly reading: AdoptionReading;
    /** The whole interval is at least `threshold` away from 1. */
    readonly beyondThreshold: boolean;
  } | null;
  /** The startup measurement that decided (the worst regression, else the interpreter's start). */
  readonly startup: {
    readonly name: string;
    readonly kind: StartupMetric['kind'];
    readonly ratio: number;
    readonly reading: AdoptionReading;
  } | null;
  /** Free-threaded builds: the thread-scaling workload that decided, at its best against the reference's best. */
  readonly threads: {
    readonly workload: string;
    readonly ratio: number;
    readonly threads: number;
    readonly referenceThreads: number;
    readonly reading: AdoptionReading;
  } | null;
}

/**
 * The suite run again with every test in several threads at once (pytest-run-parallel), and
 * what broke: tests that pass alone and fail, crash or hang under threads.
 */
export interface ThreadStress {
  /** `not-run`: the test command is not pytest, or the plugin could not be installed (see `reason`). */
  readonly status: 'ran' | 'not-run';
  readonly reason?: string;
  /** `pytest-run-parallel==0.10.0`. */
  readonly plugin: string;
  readonly threads: number;
  readonly iterations: number;
  /** The stress run of the suite (with its crash reruns), milliseconds. */
  readonly runDurationMs: number;
  /** Everything thread stress cost: install, run, repeats, the check with the GIL and on base. */
  readonly durationMs: number;
  /** Tests run in several threads that passed. */
  readonly passed: number;
  /** Tests that passed in the normal run and failed, errored, crashed or hung under threads. */
  readonly threadUnsafe: number;
  /** Tests that failed in the normal run too: not counted against threads. */
  readonly failedAnyway: number;
  readonly skipped: number;
  /** Tests pytest-run-parallel ran in one thread (its marker, fixtures such as monkeypatch, ...). */
  readonly singleThreaded: number;
  /** Thread-unsafe and single-threaded tests, each with its outcome and why. */
  readonly tests: readonly ThreadStressTest[];
}

export interface ThreadStressTest {
  readonly id: string;
  readonly kind: 'thread-unsafe' | 'single-threaded';
  /** Under stress: `failed`, `error`, `crashed`, `timedOut` (thread-unsafe), or as it ran in one thread. */
  readonly outcome: TestOutcome;
  /** Thread-unsafe: the failure or crash excerpt; single-threaded: pytest-run-parallel's reason. */
  readonly reason: string;
  readonly signal?: string | null;
  /** 'k/N': repeated stress runs of this test alone on head that failed (crash reruns for a crash). */
  readonly reproduced?: string;
  /** 'k/N': the same repeated stress runs on the base commit, when it was checked. */
  readonly onBase?: string;
  /** 'k/N': stress runs of it alone on a GIL build (the reference); null when there was none. */
  readonly withGil?: string | null;
  /** The GIL build those runs used. */
  readonly gilVariant?: string;
}

export interface BenchmarkCrashReport {
  /** The benchmark command, as the input gave it. */
  readonly command: string;
  /** 'SIGSEGV' etc., or null for a `Fatal Python error` without a signal. */
  readonly signal: string | null;
  readonly fatalError: string | null;
  /** 'k/N': runs that crashed of the runs tried. */
  readonly crashed: string;
  /** The output's tail of the first crashed run: from the tested code, escape before rendering. */
  readonly excerpt: string;
}

/**
 * The same workload run at growing thread counts: what free-threading is for. Made from the
 * benchmarks that take a thread count (thread-scaling.ts); each point is one of them.
 */
export interface ThreadScaling {
  /** The benchmarks' common name, the thread count written N, e.g. `test_parallel[N]`. */
  readonly name: string;
  /** Wall time of the whole workload per thread count, in seconds; the fewest threads is the baseline. */
  readonly points: readonly ThreadPoint[];
  /**
   * This variant at its fastest thread count against the reference at its fastest: does this
   * build, run the best way it can be, beat the reference run the best way it can? Absent on the
   * reference itself and where either side has no figures.
   */
  readonly best?: {
    readonly threads: number;
    readonly referenceThreads: number;
    readonly vsReference: RatioSummary;
  };
}

export interface ThreadPoint {
  readonly threads: number;
  /** The benchmark's median, seconds. */
  readonly seconds: number;
  /** The benchmark this point is, as in `benchmarks[].name`. */
  readonly benchmark?: string;
}

/** How the run's timing comparisons were decided together (compare.ts, multiplicity.ts). */
export interface DecisionStatistics {
  /** Holm's step-down procedure: family-wise error rate at most `alpha`. */
  readonly method: 'holm';
  readonly alpha: number;
  /** How many comparisons were corrected together. */
  readonly family: number;
  readonly groups: readonly DecisionGroup[];
  /**
   * Comparisons of two sides whose suite was split by process speed (domain/process-speed.ts):
   * one test of the processes' overall speed, and each benchmark's change beyond it. Absent: none.
   */
  readonly splitSuites?: number;
}

export interface DecisionGroup {
  readonly against: 'reference' | 'base';
  readonly metric: 'startup' | 'throughput';
  readonly compared: number;
  /** Inconclusive: neither a change nor "unchanged" could be said. */
  readonly undecided: number;
  /** Of the undecided, those that had too few runs to reach the corrected significance at all. */
  readonly tooFewRuns: number;
}

export type NoteKind =
  | 'budget'
  | 'underpowered'
  | 'base-unavailable'
  | 'subject-dropped'
  | 'timer-resolution'
  | 'merge'
  /** Text from the tested code that was not valid Unicode, replaced (well-formed.ts). */
  | 'text-replaced';

/** A caveat a reader must know: something that was not measured, or not measured enough. */
export interface Note {
  readonly kind: NoteKind;
  readonly message: string;
  readonly variant?: string;
}

/** One report.json that a merged report (mode `report`) was made from. */
export interface ReportLeg {
  /** Where it came from: the artifact's folder name, or its path. */
  readonly label: string;
  readonly reference: string;
  /** Its variants' names in the merged report. */
  readonly variants: readonly string[];
  readonly generatedAt: string;
  readonly commit: { readonly head: string | null; readonly base: string | null };
  readonly verdict: 'pass' | 'fail';
  /** The leg's own `cancelled`: SIGTERM or SIGINT stopped it, and it holds what had finished. */
  readonly cancelled?: Cancellation;
}

export type FindingKind =
  | 'crash'
  | 'new-crash'
  | 'failure'
  | 'new-failure'
  | 'timeout'
  | 'regression'
  | 'improvement'
  | 'gil-reenabled'
  | 'new-gil-reenabled'
  | 'install-failure'
  | 'missing-benchmark'
  | 'flaky'
  | 'new-flaky'
  | 'thread-unsafe'
  | 'new-thread-unsafe';

export interface Finding {
  readonly kind: FindingKind;
  readonly variant: string;
  /** What the variant was compared with: the reference variant, or the same variant on the base commit. */
  readonly against: 'reference' | 'base' | null;
  readonly metric: 'startup' | 'throughput' | 'tests' | 'install' | 'gil' | 'threads' | null;
  /** The test id, benchmark, import or module name. */
  readonly name: string | null;
  /** Ratio candidate/baseline for timings (1.42 = 42% slower); null otherwise. */
  readonly change: number | null;
  /** Human detail: p-value and interval for timings, the error for install failures. */
  readonly detail?: string;
}

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly generatedAt: string;
  readonly reference: string;
  readonly threshold: number;
  readonly commit: { readonly head: string | null; readonly base: string | null };
  /** Which commit `commit.base` is and why (see domain/baseline.ts); absent when nothing was compared. */
  readonly baseline?: { readonly sha: string; readonly reason: BaselineReason };
  /** The event the run was for; `pullRequest` also for a merge queue (from its branch name). */
  readonly event?: { readonly name: string; readonly pullRequest: number | null };
  readonly variants: readonly VariantReport[];
  readonly findings: readonly Finding[];
  readonly verdict: 'pass' | 'fail';
  /** Why the verdict is fail: which fail-on rule matched which findings. */
  readonly verdictReasons: readonly string[];
  /** Errors that stopped part of the run (report.json is written anyway). */
  readonly errors: readonly string[];
  /** Set by mode `report`: the reports merged into this one, in order. */
  readonly legs?: readonly ReportLeg[];
  /** Caveats a reader should know: a budget that ran short, a base that could not be measured, legs that disagree. */
  readonly notes?: readonly Note[];
  /** How the timing comparisons were decided (absent where nothing was compared). */
  readonly statistics?: DecisionStatistics;
  /** Set when SIGTERM or SIGINT stopped the run: the report holds what had finished before it. */
  readonly cancelled?: Cancellation;
  /** Set when an input was refused before any work: no variant was run (`errors` says why). */
  readonly refused?: { readonly input: string | null; readonly value: string | null };
}

export interface Cancellation {
  readonly signal: 'SIGTERM' | 'SIGINT';
  /** The step that was running (a log group's title, such as `3.13t: tests`), or null. */
  readonly during: string | null;
}
