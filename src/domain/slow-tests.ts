// Tests whose duration changes a lot, informational: never a finding, never fails the check.
// Two kinds of pair, one set of rules. Between builds: a test that took at least MIN_RATIO times
// as long (or as short) under a variant as under the reference, and at least MIN_DELTA_MS more
// (or less). Between commits: a test that took that much longer on the PR's head than on its
// base commit, under the same build, where the base commit's tests ran. Each candidate is then
// rerun alone, a few times, interleaved with its baseline, and listed only where most reruns
// agree, so one slow moment of a shared runner is not reported. Both kinds share one bounded plan.
import type { SlowTest, SlowTestVsBase, TestCase } from './report.js';

export const SLOW_TEST_RULES = {
  /** At least this many times as long, or as short. */
  minRatio: 2,
  /** And at least this far apart, so that tiny tests with a 2x jitter are not reported. */
  minDeltaMs: 500,
  /** Distinct tests rerun, all variants and both kinds together. */
  maxTests: 5,
  /** Lone reruns of each on each side. */
  reruns: 3,
  /** Reruns that must agree: a majority. */
  agreeing: 2,
  /** Share of measure-minutes the reruns may take. */
  budgetShare: 0.1,
  /** A pytest process's own cost, added to a test's time when the budget is planned. */
  processOverheadMs: 1_000,
  /**
   * The base commit's suite runs once more, under the reference, for its durations alone, where
   * nothing else runs it there: when head's suite under the reference took at most this share of
   * measure-minutes, and one of its tests took long enough to be a candidate. It is then stopped
   * at measure-minutes (or the command timeout, the sooner).
   */
  baseSuiteShare: 0.5,
} as const;

/** The timeout of the base commit's suite run for durations alone, or null where it is not worth it. */
export function baseSuiteForDurations(options: {
  /** Head's normal run under the reference. */
  head: { readonly durationMs: number; readonly cases: readonly TestCase[] };
  measureMinutes: number;
  commandTimeoutMs: number;
}): { timeoutMs: number } | null {
  const budgetMs = options.measureMinutes * 60_000;
  if (options.head.durationMs > budgetMs * SLOW_TEST_RULES.baseSuiteShare) return null;
  // Twice as long and 0.5 s longer than on base: a head test under 0.5 s cannot be one.
  const long = [...passedDurations(options.head.cases).values()].some(
    (ms) => ms > SLOW_TEST_RULES.minDeltaMs,
  );
  if (!long) return null;
  return { timeoutMs: Math.min(options.commandTimeoutMs, budgetMs) };
}

/**
 * One test whose normal-run durations differ: `reference` pairs the reference build (baseline)
 * with a variant (candidate), both on head; `base` pairs the base commit (baseline) with head
 * (candidate), both under `variant`.
 */
export interface Candidate {
  readonly id: string;
  readonly variant: string;
  readonly against: 'reference' | 'base';
  readonly baselineMs: number;
  readonly candidateMs: number;
}

/** One round of lone reruns of a candidate: null where that side did not pass. */
export interface RerunPair {
  readonly baselineMs: number | null;
  readonly candidateMs: number | null;
}

/** At least minRatio apart either way and at least minDeltaMs apart; a side with no time is not. */
export function differs(pair: RerunPair): boolean {
  const { baselineMs: a, candidateMs: b } = pair;
  if (a === null || b === null || !(a > 0 && b > 0)) return false;
  const ratio = Math.max(a / b, b / a);
  return ratio >= SLOW_TEST_RULES.minRatio && Math.abs(a - b) >= SLOW_TEST_RULES.minDeltaMs;
}

function passedDurations(cases: readonly TestCase[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cases) {
    if (c.outcome === 'passed' && c.durationMs !== undefined && !c.flaky) out.set(c.id, c.durationMs);
  }
  return out;
}

/** How striking a candidate is: the size of its change on a log scale, then the time it moves. */
function strikingFirst(a: Candidate, b: Candidate): number {
  const size = (c: Candidate): number => Math.abs(Math.log(c.candidateMs / c.baselineMs));
  const moved = (c: Candidate): number => Math.abs(c.candidateMs - c.baselineMs);
  return size(b) - size(a) || moved(b) - moved(a);
}

/** Every (variant, test) pair whose normal-run durations differ enough from the reference's, most striking first. */
export function durationCandidates(options: {
  reference: readonly TestCase[];
  variants: readonly { readonly name: string; readonly cases: readonly TestCase[] }[];
}): Candidate[] {
  const reference = passedDurations(options.reference);
  const found: Candidate[] = [];
  for (const v of options.variants) {
    for (const [id, candidateMs] of passedDurations(v.cases)) {
      const baselineMs = reference.get(id);
      if (baselineMs !== undefined && differs({ baselineMs, candidateMs }))
        found.push({ id, variant: v.name, against: 'reference', baselineMs, candidateMs });
    }
  }
  return found.sort(strikingFirst);
}

/**
 * Every (variant, test) pair that head made slower than the base commit by the same rules, under
 * the same build, most striking first. Only slower: the reruns' budget is small and shared, and a
 * pull request's cost is what its author needs to hear about.
 */
export function baseCandidates(
  variants: readonly {
    readonly name: string;
    readonly head: readonly TestCase[];
    readonly base: readonly TestCase[];
  }[],
): Candidate[] {
  const found: Candidate[] = [];
  for (const v of variants) {
    const base = passedDurations(v.base);
    for (const [id, candidateMs] of passedDurations(v.head)) {
      const baselineMs = base.get(id);
      if (baselineMs !== undefined && candidateMs > baselineMs && differs({ baselineMs, candidateMs }))
        found.push({ id, variant: v.name, against: 'base', baselineMs, candidateMs });
    }
  }
  return found.sort(strikingFirst);
}

/** Both kinds in one list, most striking first, for one plan. */
export function allCandidates(...lists: readonly (readonly Candidate[])[]): Candidate[] {
  return lists.flat().sort(strikingFirst);
}

/** One round's cost of rerunning these: each alone on both of its sides. */
function roundCostMs(candidates: readonly Candidate[]): number {
  const overhead = SLOW_TEST_RULES.processOverheadMs;
  return candidates.reduce((sum, c) => sum + c.baselineMs + c.candidateMs + 2 * overhead, 0);
}

/**
 * The candidates worth their reruns: at most maxTests distinct tests, the most striking first,
 * while every round of all of them fits in the budget. The rest are named as not confirmed.
 */
export function planReruns(options: { candidates: readonly Candidate[]; budgetMs: number }): {
  chosen: Candidate[];
  skipped: Candidate[];
} {
  const chosen: Candidate[] = [];
  const skipped: Candidate[] = [];
  const ids = new Set<string>();
  for (const c of options.candidates) {
    const isNew = !ids.has(c.id);
    const fitsCount = !isNew || ids.size < SLOW_TEST_RULES.maxTests;
    const cost = roundCostMs([...chosen, c]) * SLOW_TEST_RULES.reruns;
    if (fitsCount && cost <= options.budgetMs) {
      chosen.push(c);
      ids.add(c.id);
    } else skipped.push(c);
  }
  return { chosen, skipped };
}

/** Pairs that differ the same way the normal run did, by the same rules. */
function agreeing(candidate: Candidate, reruns: readonly RerunPair[]): number {
  const slower = candidate.candidateMs > candidate.baselineMs;
  return reruns.filter((r) => differs(r) && r.candidateMs! > r.baselineMs! === slower).length;
}

/**
 * A candidate against the reference with its lone reruns, one pair a round: listed when at least
 * `agreeing` pairs differ the same way the normal run did.
 */
export function confirmCandidate(options: {
  candidate: Candidate;
  reruns: readonly RerunPair[];
}): SlowTest | null {
  const { candidate, reruns } = options;
  const agree = agreeing(candidate, reruns);
  if (agree < SLOW_TEST_RULES.agreeing) return null;
  return {
    id: candidate.id,
    referenceSeconds: candidate.baselineMs / 1000,
    seconds: candidate.candidateMs / 1000,
    ratio: candidate.candidateMs / candidate.baselineMs,
    reruns: {
      reference: reruns.map((r) => seconds(r.baselineMs)),
      variant: reruns.map((r) => seconds(r.candidateMs)),
    },
    agreed: `${agree}/${reruns.length}`,
  };
}

/** The same for a candidate against the base commit: the base's reruns, then head's. */
export function confirmBaseCandidate(options: {
  candidate: Candidate;
  reruns: readonly RerunPair[];
}): SlowTestVsBase | null {
  const { candidate, reruns } = options;
  const agree = agreeing(candidate, reruns);
  if (agree < SLOW_TEST_RULES.agreeing) return null;
  return {
    id: candidate.id,
    baseSeconds: candidate.baselineMs / 1000,
    seconds: candidate.candidateMs / 1000,
    ratio: candidate.candidateMs / candidate.baselineMs,
    reruns: {
      base: reruns.map((r) => seconds(r.baselineMs)),
      head: reruns.map((r) => seconds(r.candidateMs)),
    },
    agreed: `${agree}/${reruns.length}`,
  };
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000;
}
