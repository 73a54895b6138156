// Startup and throughput of every ready variant, sampled interleaved, and the findings they make.
import type { BenchmarkMetric, Finding, StartupMetric } from '../domain/report.js';
import type { Variant } from '../domain/variants.js';
import type { ProcessRunner, Toolkit } from '../ports.js';
import { measureInterpreterStartup } from './startup.js';

/** One interpreter + venv + project tree to measure: a variant on the head commit (or on base). */
export interface PerformanceSubject {
  readonly variant: Variant;
  /** The venv's python. */
  readonly python: string;
  readonly env: Readonly<Record<string, string>>;
  /** The project tree (the checkout, or the base commit's worktree). */
  readonly cwd: string;
}

export interface PerformanceOptions {
  readonly runner: ProcessRunner;
  readonly toolkit: Toolkit;
  readonly head: readonly PerformanceSubject[];
  /** The same variants on the PR's base commit, when compare-base is on. */
  readonly base: readonly PerformanceSubject[];
  readonly reference: string;
  readonly threshold: number;
  readonly startupImports: readonly string[] | null;
  readonly startupCommand: string | null;
  readonly benchmarkCommand: string | null;
  readonly measureMinutes: number;
  /** Scratch folder for benchmark JSON files. */
  readonly workDir: string;
}

export interface VariantPerformance {
  readonly startup: StartupMetric[];
  readonly benchmarks: BenchmarkMetric[];
  readonly base?: { readonly startup: StartupMetric[]; readonly benchmarks: BenchmarkMetric[] };
}

export interface PerformanceResult {
  readonly variants: ReadonlyMap<string, VariantPerformance>;
  /** Regressions and improvements, vs the reference and vs base. */
  readonly findings: readonly Finding[];
}

export async function measurePerformance(options: PerformanceOptions): Promise<PerformanceResult> {
  const deadline = Date.now() + options.measureMinutes * 60_000;
  const startup = await options.toolkit.group('Startup', () =>
    measureInterpreterStartup({
      runner: options.runner,
      subjects: options.head.map((s) => ({ name: s.variant.name, python: s.python, env: s.env, cwd: s.cwd })),
      samples: 20,
      warmups: 2,
      deadline,
    }),
  );
  const variants = new Map<string, VariantPerformance>();
  for (const subject of options.head) {
    const metric = startup.get(subject.variant.name);
    variants.set(subject.variant.name, { startup: metric ? [metric] : [], benchmarks: [] });
  }
  return { variants, findings: [] };
}
