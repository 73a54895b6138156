// Thread scaling: the benchmarks that take a thread count, gathered per workload into one curve
// per variant, so that the comment can say whether free-threading pays off for this code. The
// thread count comes from the benchmark's parameters where the result file names them
// (pytest-benchmark's `params`, hyperfine's `parameters`), else from its name (`threads=4`,
// `4 threads`), since pyperf names are whatever the user wrote.
import { decideFamily, measureChange, type MeasuredChange } from './compare.js';
import type { BenchmarkMetric, ThreadPoint, ThreadScaling } from './report.js';

/** Parameter names read as a thread count, compared without case. */
export const THREAD_PARAMETERS: readonly string[] = [
  'threads',
  'thread',
  'n_threads',
  'num_threads',
  'nthreads',
  'thread_count',
  'workers',
  'n_workers',
  'num_workers',
  'nworkers',
];

// `threads=4`, `--threads 4`, `n_workers: 8`; and `4 threads`, `4-threads`, `8workers`.
const NAME_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z])(?:n_?|num_?)?(?:threads?|workers)\s*[=:\s]\s*(\d+)(?![\w.])/i,
  /(?<![A-Za-z0-9.])(\d+)[\s_-]?(?:threads?|workers)(?![A-Za-z])/i,
];

export interface ThreadedBenchmark {
  /** The name with the thread count written N: the same for every count of one workload. */
  readonly workload: string;
  readonly threads: number;
}

/** The thread count a benchmark runs with, or null when it takes none. */
export function threadCount(benchmark: {
  readonly name: string;
  readonly params?: Readonly<Record<string, string>>;
}): ThreadedBenchmark | null {
  const { name } = benchmark;
  for (const [key, value] of Object.entries(benchmark.params ?? {})) {
    if (!THREAD_PARAMETERS.includes(key.toLowerCase())) continue;
    const threads = positiveInteger(value);
    if (threads !== null) return { workload: workloadName({ name, key, value }), threads };
  }
  for (const pattern of NAME_PATTERNS) {
    const match = pattern.exec(name);
    const digits = match?.[1];
    const threads = digits === undefined ? null : positiveInteger(digits);
    if (match === null || digits === undefined || threads === null) continue;
    const token = match[0].replace(digits, 'N');
    return {
      workload: name.slice(0, match.index) + token + name.slice(match.index + match[0].length),
      threads,
    };
  }
  return null;
}

/**
 * A parametrized benchmark's name holds the value among its other parameters' (pytest's
 * `test_x[json-4]`, hyperfine's command with the value put in): N goes where the value stands.
 * Where it does not stand as a token of its own (a custom pytest id), the name without its id
 * and the parameter spelled out.
 */
function workloadName(options: { name: string; key: string; value: string }): string {
  const { name, key, value } = options;
  const idStart = name.endsWith(']') ? name.lastIndexOf('[') : -1;
  const searched = idStart >= 0 ? name.slice(idStart) : name;
  const token = new RegExp(`(?<![\\w.])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.])`);
  const at = searched.search(token);
  if (at < 0) return `${idStart >= 0 ? name.slice(0, idStart) : name}[${key}=N]`;
  const offset = (idStart >= 0 ? idStart : 0) + at;
  return name.slice(0, offset) + 'N' + name.slice(offset + value.length);
}

function positiveInteger(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export interface ScalingOptions {
  readonly variants: readonly { readonly variant: string; readonly benchmarks: readonly BenchmarkMetric[] }[];
  readonly reference: string;
  readonly threshold: number;
  readonly alpha?: number;
}

interface Curve {
  readonly name: string;
  /** Sorted by thread count; one benchmark per count. */
  readonly points: readonly { readonly threads: number; readonly metric: BenchmarkMetric }[];
}

/**
 * Per variant, its workloads measured at two thread counts or more; and, off the reference, its
 * fastest point against the reference's fastest. Picking each side's fastest favours both alike,
 * and a "pays off" still needs the threshold and the significance every other change needs.
 */
export function threadScaling(options: ScalingOptions): Map<string, ThreadScaling[]> {
  const curves = new Map(options.variants.map((v) => [v.variant, curvesOf(v.benchmarks)]));
  const referenceCurves = curves.get(options.reference) ?? [];
  // The best-against-best comparisons are one family, corrected together like the run's others.
  const pending: {
    variant: string;
    index: number;
    threads: number;
    referenceThreads: number;
    change: MeasuredChange;
  }[] = [];
  const result = new Map<string, ThreadScaling[]>();
  for (const [variant, own] of curves) {
    if (own.length === 0) continue;
    result.set(
      variant,
      own.map((curve, index): ThreadScaling => {
        const points = curve.points.map((p): ThreadPoint => ({
          threads: p.threads,
          seconds: p.metric.median!,
          benchmark: p.metric.name,
        }));
        const theirs = referenceCurves.find((c) => c.name === curve.name);
        if (variant === options.reference || !theirs) return { name: curve.name, points };
        const mine = fastest(curve);
        const best = fastest(theirs);
        const change = measureChange({ candidate: mine.metric, baseline: best.metric });
        if (change)
          pending.push({ variant, index, threads: mine.threads, referenceThreads: best.threads, change });
        return { name: curve.name, points };
      }),
    );
  }
  const decided = decideFamily({
    changes: pending.map((p) => p.change),
    threshold: options.threshold,
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
  });
  pending.forEach((p, i) => {
    const list = result.get(p.variant)!;
    list[p.index] = {
      ...list[p.index]!,
      best: { threads: p.threads, referenceThreads: p.referenceThreads, vsReference: decided[i]! },
    };
  });
  return result;
}

function curvesOf(benchmarks: readonly BenchmarkMetric[]): Curve[] {
  const byWorkload = new Map<string, Map<number, BenchmarkMetric>>();
  for (const metric of benchmarks) {
    if (metric.error !== undefined || metric.median === null || metric.samples.length === 0) continue;
    const threaded = threadCount(metric);
    if (!threaded) continue;
    const points = byWorkload.get(threaded.workload) ?? new Map<number, BenchmarkMetric>();
    // Two benchmarks that read as one workload at one count: the first stands, the curve stays one.
    if (!points.has(threaded.threads)) points.set(threaded.threads, metric);
    byWorkload.set(threaded.workload, points);
  }
  return [...byWorkload]
    .filter(([, points]) => points.size >= 2)
    .map(([name, points]) => ({
      name,
      points: [...points].sort(([a], [b]) => a - b).map(([threads, metric]) => ({ threads, metric })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function fastest(curve: Curve): Curve['points'][number] {
  return curve.points.reduce((best, p) => (p.metric.median! < best.metric.median! ? p : best));
}
