// "Should we adopt this build?", answered per variant from what the run measured against the
// reference, by the rules in the README ("Should you adopt this build?"). The rules come first as
// data a reader can check: what breaks it, then the single-threaded speed, then what threads give
// a free-threaded build, then startup. A verdict is only given when every fact its rule reads was
// measured and decided; otherwise it is `undecided` and `missing` says what to measure.
import type {
  Adoption,
  AdoptionInputs,
  AdoptionReading,
  AdoptionVerdict,
  RatioSummary,
  VariantReport,
} from './report.js';
import { geometricMean } from './stats.js';
import { threadCount } from './thread-scaling.js';

type Inputs = AdoptionInputs;

/** Every non-reference variant with its `adoption`; the reference as it was. */
export function withAdoption(options: {
  variants: readonly VariantReport[];
  reference: string;
  threshold: number;
}): VariantReport[] {
  const reference = options.variants.find((v) => v.name === options.reference);
  return options.variants.map((v) =>
    v === reference
      ? v
      : { ...v, adoption: adoptionOf({ variant: v, reference, threshold: options.threshold }) },
  );
}

export function adoptionOf(options: {
  variant: VariantReport;
  reference: VariantReport | undefined;
  threshold: number;
}): Adoption {
  const inputs = adoptionInputs(options);
  const { verdict, missing } = decide({ inputs, freeThreaded: inputs.gilReenabledBy !== null });
  return { verdict, against: options.reference?.name ?? '', missing, inputs };
}

function adoptionInputs(options: {
  variant: VariantReport;
  reference: VariantReport | undefined;
  threshold: number;
}): Inputs {
  const { variant: v, reference } = options;
  const tested = v.tests.status !== 'not-run';
  const failingThere = failing(reference);
  const failures = [...failing(v)].filter((id) => !failingThere.has(id)).length;
  // A failed command with no per-test record is one failure, unless the reference failed as well.
  const uncounted =
    tested && failures === 0 && failing(v).size === 0 && v.tests.status === 'failed'
      ? reference?.tests.status === 'failed'
        ? 0
        : 1
      : 0;
  const crash = v.benchmarkCrashes;
  const stress = v.threadStress?.status === 'ran' ? v.threadStress : undefined;
  return {
    installed: v.install.ok && v.interpreter !== null,
    tested,
    crashes: v.tests.crashes.filter((c) => c.kind !== 'timeout').length,
    hangs: v.tests.crashes.filter((c) => c.kind === 'timeout').length,
    benchmarkCrash: crash ? (crash.signal ?? 'fatal error') : null,
    failures: failures + uncounted,
    threadUnsafe: stress ? stress.threadUnsafe : null,
    gilReenabledBy: v.interpreter?.freeThreaded ? [...v.gil.reenabledBy] : null,
    throughput: throughputOf(v, options.threshold),
    startup: startupOf(v),
    threads: v.interpreter?.freeThreaded ? threadsOf(v) : null,
  };
}

function failing(v: VariantReport | undefined): Set<string> {
  const ids = (v?.tests.cases ?? [])
    .filter((c) => (c.outcome === 'failed' || c.outcome === 'error') && !c.flaky)
    .map((c) => c.id);
  return new Set(ids);
}

function readingOf(verdict: RatioSummary['verdict']): AdoptionReading {
  switch (verdict) {
    case 'regression':
      return 'slower';
    case 'improvement':
      return 'faster';
    case 'unchanged':
      return 'unchanged';
    case 'inconclusive':
      return 'undecided';
  }
}

/**
 * The geometric mean of the single-threaded benchmarks' ratios (those without a thread count, or
 * at one thread). Undecided while any benchmark is (a mean of
 * guesses is a guess, as in the summary table); else read from the geometric means of their
 * interval ends: faster (or slower) only when that whole band is below (above) 1, unchanged when
 * it lies within the threshold either way, undecided when it straddles a threshold.
 */
function throughputOf(v: VariantReport, threshold: number): Inputs['throughput'] {
  // Single-threaded: a benchmark run at several threads says what threads give, below.
  const summaries = v.benchmarks.flatMap((b) =>
    b.vsReference && (threadCount(b)?.threads ?? 1) === 1 ? [b.vsReference] : [],
  );
  if (summaries.length === 0) return null;
  const ratio = geometricMean(summaries.map((s) => s.ratio));
  const low = geometricMean(summaries.map((s) => s.low));
  const high = geometricMean(summaries.map((s) => s.high));
  const band = 1 + threshold;
  const undecided = summaries.filter((s) => s.verdict === 'inconclusive').length;
  const reading: AdoptionReading =
    undecided > 0
      ? 'undecided'
      : high < 1
        ? 'faster'
        : low > 1
          ? 'slower'
          : low >= 1 / band && high <= band
            ? 'unchanged'
            : 'undecided';
  return {
    ratio,
    low,
    high,
    benchmarks: summaries.length,
    undecided,
    reading,
    beyondThreshold: high <= 1 / band || low >= band,
  };
}

/** Interpreter start and imports as compare.ts decided them: any regression reads slower. */
function startupOf(v: VariantReport): Inputs['startup'] {
  const compared = v.startup.flatMap((m) => (m.vsReference ? [{ metric: m, summary: m.vsReference }] : []));
  if (compared.length === 0) return null;
  const readings = compared.map((c) => readingOf(c.summary.verdict));
  const reading: AdoptionReading = readings.includes('slower')
    ? 'slower'
    : readings.includes('undecided')
      ? 'undecided'
      : readings.includes('faster')
        ? 'faster'
        : 'unchanged';
  const interpreter = compared.find((c) => c.metric.kind === 'interpreter');
  const deciding =
    interpreter && readingOf(interpreter.summary.verdict) === reading
      ? interpreter
      : compared
          .filter((c) => readingOf(c.summary.verdict) === reading)
          .sort((a, b) => Math.abs(Math.log(b.summary.ratio)) - Math.abs(Math.log(a.summary.ratio)))[0]!;
  return { name: deciding.metric.name, kind: deciding.metric.kind, ratio: deciding.summary.ratio, reading };
}

/** The workload where threads did best: one that pays off is enough; else undecided, else no gain. */
function threadsOf(v: VariantReport): Inputs['threads'] {
  const bests = (v.threadScaling ?? []).flatMap((s) => (s.best ? [{ name: s.name, best: s.best }] : []));
  if (bests.length === 0) return null;
  const order: readonly AdoptionReading[] = ['faster', 'undecided', 'unchanged', 'slower'];
  const [first] = [...bests].sort(
    (a, b) =>
      order.indexOf(readingOf(a.best.vsReference.verdict)) -
        order.indexOf(readingOf(b.best.vsReference.verdict)) ||
      a.best.vsReference.ratio - b.best.vsReference.ratio,
  );
  const { name, best } = first!;
  return {
    workload: name,
    ratio: best.vsReference.ratio,
    threads: best.threads,
    referenceThreads: best.referenceThreads,
    reading: readingOf(best.vsReference.verdict),
  };
}

type Decision = { verdict: AdoptionVerdict; missing: string[] };

const undecided = (missing: string[]): Decision => ({ verdict: 'undecided', missing });

/** The rules, in the README's order; the first that applies decides. */
function decide(options: { inputs: Inputs; freeThreaded: boolean }): Decision {
  const { inputs, freeThreaded } = options;
  if (!inputs.installed) return { verdict: 'not-ready', missing: [] };
  const broken =
    inputs.crashes + inputs.hangs + inputs.failures + (inputs.threadUnsafe ?? 0) > 0 ||
    inputs.benchmarkCrash !== null;
  if (broken) return { verdict: 'not-ready', missing: [] };
  if (!inputs.tested) return undecided(['test results (the tests did not run)']);
  if ((inputs.gilReenabledBy ?? []).length > 0) return { verdict: 'not-worth-it', missing: [] };

  const throughput = inputs.throughput?.reading;
  const startup = inputs.startup?.reading;
  // Threads are what a free-threaded build is for: its verdict waits for them; a GIL build has none to wait for.
  const threads = freeThreaded ? inputs.threads?.reading : 'unchanged';
  const threadGain = threads === 'faster';
  const known = (r: AdoptionReading | undefined): r is AdoptionReading =>
    r !== undefined && r !== 'undecided';
  const missing = [
    ...(known(throughput) ? [] : [missingThroughput(inputs)]),
    ...(known(startup) ? [] : [missingStartup(inputs)]),
    ...(known(threads) ? [] : [missingThreads(inputs)]),
  ];
  if (!known(throughput)) return undecided(missing);
  if (!known(threads)) return undecided(missing);
  if (throughput === 'slower') return { verdict: threadGain ? 'trade-off' : 'not-worth-it', missing: [] };
  if (!known(startup)) return undecided(missing);
  const gain = throughput === 'faster' || threadGain;
  if (startup === 'slower') return { verdict: gain ? 'trade-off' : 'not-worth-it', missing: [] };
  if (threadGain || (throughput === 'faster' && inputs.throughput?.beyondThreshold))
    return { verdict: 'worth-it', missing: [] };
  if (throughput === 'faster' || startup === 'faster') return { verdict: 'small-gain', missing: [] };
  return { verdict: 'no-difference', missing: [] };
}

function missingThroughput(inputs: Inputs): string {
  const t = inputs.throughput;
  if (!t) return 'throughput (no benchmark was compared with the reference)';
  const why =
    t.undecided > 0
      ? `${t.undecided} of ${t.benchmarks} benchmarks undecided`
      : `the benchmarks span ${t.low.toFixed(2)}x to ${t.high.toFixed(2)}x together`;
  return `a decided throughput (${why}: more runs or a larger measure-minutes)`;
}

function missingStartup(inputs: Inputs): string {
  return inputs.startup ? 'a decided startup' : 'startup (not compared with the reference)';
}

function missingThreads(inputs: Inputs): string {
  return inputs.threads
    ? 'a decided thread scaling (more benchmark runs)'
    : 'thread scaling (no benchmark takes a thread count)';
}
