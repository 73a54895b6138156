// Reports as the action writes them, built from a few facts, for the markdown, merge and mode
// `report` tests. Fixed times and commits, so goldens do not move.
import { withAdoption } from '../../src/domain/adoption.js';
import { variantFindings, verdict, type FailOnRule } from '../../src/domain/findings.js';
import {
  REPORT_SCHEMA,
  type BenchmarkMetric,
  type Finding,
  type InterpreterFacts,
  type RatioSummary,
  type Report,
  type StartupMetric,
  type TestSummary,
  type ThreadPoint,
  type VariantReport,
} from '../../src/domain/report.js';

export const HEAD = '4f1c2a9e8b7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b';
export const BASE = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
export const GENERATED_AT = '2025-06-02T10:00:00.000Z';
export const DEFAULT_FAIL_ON: ReadonlySet<FailOnRule> = new Set(['new-crash', 'new-failure', 'regression']);

export function tests(over: Partial<TestSummary> = {}): TestSummary {
  return {
    status: 'passed',
    exitCode: 0,
    signal: null,
    durationMs: 5200,
    passed: 42,
    failed: 0,
    errors: 0,
    skipped: 0,
    crashed: 0,
    timedOut: 0,
    crashes: [],
    cases: [],
    outputTail: '',
    ...over,
  };
}

export function interpreter(name: string, over: Partial<InterpreterFacts> = {}): InterpreterFacts {
  return {
    executable: `/opt/python/${name}/bin/python3`,
    version: '3.13.5',
    freeThreaded: /^3\.\d+(\.\d+)?t/.test(name),
    jit: name.includes('+jit'),
    jitCompiled: true,
    debug: false,
    source: 'prebuilt',
    ...over,
  };
}

export function ratio(value: number, verdictOf: RatioSummary['verdict']): RatioSummary {
  return {
    ratio: value,
    low: value * 0.97,
    high: value * 1.03,
    pValue: verdictOf === 'inconclusive' ? 0.2 : 1e-5,
    verdict: verdictOf,
    method: 'paired',
    n: 20,
  };
}

/** Twenty samples around `median` ms. */
export function samples(median: number): number[] {
  return Array.from({ length: 20 }, (_, i) => Math.round((median + (i - 10) * 0.05) * 100) / 100);
}

export function startup(median: number, over: Partial<StartupMetric> = {}): StartupMetric {
  return { name: 'python -c pass', kind: 'interpreter', samples: samples(median), median, ...over };
}

export function benchmark(
  name: string,
  median: number,
  over: Partial<BenchmarkMetric> = {},
): BenchmarkMetric {
  return { name, samples: [median * 0.99, median, median * 1.01], median, unit: 's', ...over };
}

/** One workload at 1 and 4 threads (`NAME[1]`, `NAME[4]`), its thread count in `params`. */
export function threadedBenchmarks(options: {
  name: string;
  seconds: readonly number[];
  vs?: readonly RatioSummary[];
}): BenchmarkMetric[] {
  return [1, 4].map((threads, i) =>
    benchmark(`${options.name}[${threads}]`, options.seconds[i]!, {
      params: { threads: String(threads) },
      ...(options.vs ? { vsReference: options.vs[i]! } : {}),
    }),
  );
}

/** The thread-scaling points of that workload. */
export function threadCurve(name: string, seconds: readonly number[]): ThreadPoint[] {
  return [1, 4].map((threads, i) => ({ threads, seconds: seconds[i]!, benchmark: `${name}[${threads}]` }));
}

export function variant(name: string, over: Partial<VariantReport> = {}): VariantReport {
  return {
    name,
    optional: false,
    interpreter: interpreter(name),
    install: { ok: true, durationMs: 900 },
    tests: tests(),
    gil: { reenabledBy: [] },
    startup: [],
    benchmarks: [],
    ...over,
  };
}

/** A report whose findings and verdict follow from its variants the way run.ts makes them. */
export function report(options: {
  variants: readonly VariantReport[];
  timingFindings?: readonly Finding[];
  failOn?: ReadonlySet<FailOnRule>;
  reference?: string;
  base?: string | null;
  errors?: readonly string[];
}): Report {
  const reference = options.reference ?? options.variants[0]?.name ?? '3.13';
  // As run.ts does: the adoption verdicts follow from the variants' figures.
  const variants = withAdoption({ variants: options.variants, reference, threshold: 0.1 });
  const findings = [...variants.flatMap(variantFindings), ...(options.timingFindings ?? [])];
  const decided = verdict({
    findings,
    failOn: options.failOn ?? DEFAULT_FAIL_ON,
    optionalVariants: new Set(options.variants.filter((v) => v.optional).map((v) => v.name)),
  });
  const errors = options.errors ?? [];
  const reasons = [...decided.reasons, ...(errors.length > 0 ? ['the run stopped with an error'] : [])];
  return {
    schema: REPORT_SCHEMA,
    generatedAt: GENERATED_AT,
    reference,
    threshold: 0.1,
    commit: { head: HEAD, base: options.base === undefined ? null : options.base },
    variants,
    findings,
    verdict: reasons.length > 0 ? 'fail' : 'pass',
    verdictReasons: reasons,
    errors,
  };
}

export const SEGV_EXCERPT = [
  'Fatal Python error: Segmentation fault',
  '',
  'Thread 0x00007f3a1b7fe6c0 (most recent call first):',
  '  File "/work/src/crashy/__init__.py", line 31 in bump',
  '  File "/work/tests/test_counter.py", line 18 in worker',
  '  File "/opt/python/3.13t/lib/python3.13t/threading.py", line 992 in run',
  '',
  'Current thread 0x00007f3a2c9ff740 (most recent call first):',
  '  File "/work/tests/test_counter.py", line 24 in test_counter_threads',
  '',
  'Extension modules: crashy._noglext (total: 1)',
].join('\n');
