// One benchmark process runs every benchmark of the suite, so whatever the shared runner does to
// that process (a slow core, a busy neighbour, its memory layout) moves all of its figures
// together: measured on 200 real benchmarks of tens of µs, a quarter to a third of whole processes
// ran 1.3-1.5x slow. With a few such processes on one side, that common factor swamps a 20% change
// of one benchmark, and it is one factor, not two hundred independent pieces of evidence.
//
// So a comparison of two sides (head and base, or a variant and the reference) with a suite of at
// least MIN_BENCHMARKS_TO_SPLIT benchmarks is split in two, each tested on its own:
//  - the suite: each process's speed, the median over its benchmarks of how far each figure sits
//    from that benchmark's centre over both sides' processes; the two sides' speeds are compared
//    (Mann-Whitney, one test). This is where a change to everything shows, and where process luck
//    is, so it is judged with the process-to-process noise it has.
//  - each benchmark beyond the suite: its figures divided by their process's speed, compared
//    (Mann-Whitney). What a process shared with its neighbours is gone, so a 20% change of one
//    benchmark stands out of a few percent of noise.
// Both use the pooled centres, so swapping processes between sides changes nothing the tests see:
// under the same code on both sides every p-value is a valid permutation test.
import { mannWhitneyU, median, shiftInterval } from './stats.js';

/** Below this many benchmarks a process's speed is not known well enough to split by it. */
export const MIN_BENCHMARKS_TO_SPLIT = 8;

export interface ProcessTimings {
  readonly name: string;
  /** One figure per process (seconds), and the round (process) it came from. */
  readonly samples: readonly number[];
  readonly rounds?: readonly number[];
}

/**
 * One part of a split comparison: the Hodges-Lehmann ratio (the median of all pairwise ratios of
 * one side's figures over the other's), its 95% Moses interval, Mann-Whitney's two-sided p.
 */
export interface SplitFigures {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  readonly pValue: number;
  /** The smaller side's count: processes for the suite, figures for a benchmark. */
  readonly n: number;
  readonly m: number;
}

export interface SuiteSplit {
  /** The sides' process speeds compared: how much faster or slower everything ran. */
  readonly suite: SplitFigures;
  /** Per benchmark, its change beyond the suite's (its figures over their process's speed). */
  readonly benchmarks: ReadonlyMap<string, SplitFigures>;
}

function usable(b: ProcessTimings): boolean {
  return (
    b.samples.length > 0 &&
    b.rounds !== undefined &&
    b.rounds.length === b.samples.length &&
    b.samples.every((x) => x > 0 && Number.isFinite(x))
  );
}

/** Log figures of two sides compared: Mann-Whitney, and the Hodges-Lehmann shift as a ratio. */
function figures(candidate: readonly number[], baseline: readonly number[]): SplitFigures {
  const { shift, low, high } = shiftInterval(candidate, baseline);
  return {
    ratio: Math.exp(shift),
    low: Math.exp(low),
    high: Math.exp(high),
    pValue: mannWhitneyU(candidate, baseline).pValue,
    n: Math.min(candidate.length, baseline.length),
    m: Math.max(candidate.length, baseline.length),
  };
}

/** Log figures of the two sides of a split: process speeds, and each benchmark's beyond them. */
export interface NormalizedSides {
  /** Each process's speed: the median log distance of its benchmarks from their centres. */
  readonly suite: { readonly candidate: readonly number[]; readonly baseline: readonly number[] };
  /** Per benchmark, its log figures less their process's speed. */
  readonly benchmarks: ReadonlyMap<string, { readonly candidate: number[]; readonly baseline: number[] }>;
}

/**
 * The two sides' figures in logs with each process's speed taken out (the centres pooled over
 * both sides); null when fewer than MIN_BENCHMARKS_TO_SPLIT benchmarks have figures and rounds on
 * both sides, or a side has fewer than 3 processes that ran enough of them.
 */
export function normalizeByProcessSpeed(options: {
  candidate: readonly ProcessTimings[];
  baseline: readonly ProcessTimings[];
}): NormalizedSides | null {
  const baseline = new Map(options.baseline.filter(usable).map((b) => [b.name, b]));
  const pairs = options.candidate
    .filter(usable)
    .flatMap((c) => (baseline.has(c.name) ? [{ candidate: c, baseline: baseline.get(c.name)! }] : []));
  if (pairs.length < MIN_BENCHMARKS_TO_SPLIT) return null;
  // Per process (side and round): each benchmark's log distance from its centre over both sides.
  const deviations = { candidate: new Map<number, number[]>(), baseline: new Map<number, number[]>() };
  const logs = pairs.map(({ candidate, baseline: base }) => {
    const c = candidate.samples.map(Math.log);
    const b = base.samples.map(Math.log);
    const centre = median([...c, ...b]);
    const note = (into: Map<number, number[]>, rounds: readonly number[], values: readonly number[]) =>
      rounds.forEach((round, i) => {
        const list = into.get(round) ?? [];
        list.push(values[i]! - centre);
        into.set(round, list);
      });
    note(deviations.candidate, candidate.rounds!, c);
    note(deviations.baseline, base.rounds!, b);
    return { c, b };
  });
  const speedsOf = (from: Map<number, number[]>): Map<number, number> =>
    new Map(
      [...from]
        .filter(([, list]) => list.length >= MIN_BENCHMARKS_TO_SPLIT)
        .map(([round, list]) => [round, median(list)]),
    );
  const speeds = { candidate: speedsOf(deviations.candidate), baseline: speedsOf(deviations.baseline) };
  if (speeds.candidate.size < 3 || speeds.baseline.size < 3) return null;
  const benchmarks = new Map<string, { candidate: number[]; baseline: number[] }>();
  pairs.forEach(({ candidate, baseline: base }, i) => {
    // A figure from a process whose speed is unknown (it ran too few benchmarks) is left out.
    const corrected = (values: readonly number[], rounds: readonly number[], from: Map<number, number>) =>
      values.flatMap((log, j) => {
        const speed = from.get(rounds[j]!);
        return speed === undefined ? [] : [log - speed];
      });
    const c = corrected(logs[i]!.c, candidate.rounds!, speeds.candidate);
    const b = corrected(logs[i]!.b, base.rounds!, speeds.baseline);
    if (c.length > 0 && b.length > 0) benchmarks.set(candidate.name, { candidate: c, baseline: b });
  });
  return {
    suite: { candidate: [...speeds.candidate.values()], baseline: [...speeds.baseline.values()] },
    benchmarks,
  };
}

/**
 * The comparison of two sides split into the suite's change and each benchmark's change beyond
 * it (normalizeByProcessSpeed's figures compared); null where they cannot be split.
 */
export function splitByProcessSpeed(options: {
  candidate: readonly ProcessTimings[];
  baseline: readonly ProcessTimings[];
}): SuiteSplit | null {
  const sides = normalizeByProcessSpeed(options);
  if (!sides) return null;
  const benchmarks = new Map<string, SplitFigures>();
  for (const [name, { candidate, baseline }] of sides.benchmarks) {
    benchmarks.set(name, figures(candidate, baseline));
  }
  return { suite: figures(sides.suite.candidate, sides.suite.baseline), benchmarks };
}
