// report.json: the stable core of DESIGN.md ("Reporting"), plus fields that may grow.
// Counts are integers and always present; `name` is the label exactly as written.

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
  readonly pValue: number;
  readonly verdict: 'regression' | 'improvement' | 'unchanged' | 'inconclusive';
  /** 'paired': samples of the same round side by side (Wilcoxon signed-rank); else Mann-Whitney U. */
  readonly method: 'paired' | 'independent';
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
  /** Seconds per iteration, one value per process run (its median round). */
  readonly samples: readonly number[];
  /** The ABBA round of each run (see StartupMetric.rounds). */
  readonly rounds?: readonly number[];
  readonly median: number | null;
  readonly unit: 's';
  /** Its parameters where the result file names them (pytest-benchmark, hyperfine), as strings. */
  readonly params?: Readonly<Record<string, string>>;
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
  };
  /** In a merged report (mode `report`): the report file (matrix leg) this variant came from. */
  readonly leg?: string;
  readonly threadScaling?: readonly ThreadScaling[];
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
  | 'install-failure'
  | 'missing-benchmark'
  | 'flaky';

export interface Finding {
  readonly kind: FindingKind;
  readonly variant: string;
  /** What the variant was compared with: the reference variant, or the same variant on the base commit. */
  readonly against: 'reference' | 'base' | null;
  readonly metric: 'startup' | 'throughput' | 'tests' | 'install' | 'gil' | null;
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
  readonly variants: readonly VariantReport[];
  readonly findings: readonly Finding[];
  readonly verdict: 'pass' | 'fail';
  /** Why the verdict is fail: which fail-on rule matched which findings. */
  readonly verdictReasons: readonly string[];
  /** Errors that stopped part of the run (report.json is written anyway). */
  readonly errors: readonly string[];
  /** Set by mode `report`: the reports merged into this one, in order. */
  readonly legs?: readonly ReportLeg[];
  /** Caveats a reader should know (legs that disagree on threshold or commit). */
  readonly notes?: readonly string[];
}
