// Tests whose duration a build changes a lot: from the normal runs' per-test records, the tests
// that took at least MIN_RATIO times as long (or as short) under a variant as under the reference
// and at least MIN_DELTA_MS more (or less); then each is rerun alone, a few times, interleaved with
// the reference, and listed only where most reruns agree, so one slow moment of a shared runner
// is not reported. Informational: never a finding, never fails the check.
import type { SlowTest, TestCase } from './report.js';

export const SLOW_TEST_RULES = {
  /** At least this many times as long, or as short. */
  minRatio: 2,
  /** And at least this far apart, so that tiny tests with a 2x jitter are not reported. */
  minDeltaMs: 500,
  /** Distinct tests rerun, all variants together. */
  maxTests: 5,
  /** Lone reruns of each on each side. */
  reruns: 3,
  /** Reruns that must agree: a majority. */
  agreeing: 2,
  /** Share of measure-minutes the reruns may take. */
  budgetShare: 0.1,
  /** A pytest process's own cost, added to a test's time when the budget is planned. */
  processOverheadMs: 1_000,
} as const;

export interface Candidate {
  readonly id: string;
  readonly variant: string;
  readonly referenceMs: number;
  readonly variantMs: number;
}

/** At least minRatio apart either way and at least minDeltaMs apart; a side with no time is not. */
export function differs(options: { referenceMs: number | null; variantMs: number | null }): boolean {
  const { referenceMs: a, variantMs: b } = options;
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
  const size = (c: Candidate): number => Math.abs(Math.log(c.variantMs / c.referenceMs));
  return size(b) - size(a) || Math.abs(b.variantMs - b.referenceMs) - Math.abs(a.variantMs - a.referenceMs);
}

/** Every (variant, test) pair whose normal-run durations differ enough, most striking first. */
export function durationCandidates(options: {
  reference: readonly TestCase[];
  variants: readonly { readonly name: string; readonly cases: readonly TestCase[] }[];
}): Candidate[] {
  const reference = passedDurations(options.reference);
  const found: Candidate[] = [];
  for (const v of options.variants) {
    for (const [id, variantMs] of passedDurations(v.cases)) {
      const referenceMs = reference.get(id);
      if (referenceMs !== undefined && differs({ referenceMs, variantMs }))
        found.push({ id, variant: v.name, referenceMs, variantMs });
    }
  }
  return found.sort(strikingFirst);
}

/** One round's cost of rerunning these: each alone under the reference and under its variant. */
function roundCostMs(candidates: readonly Candidate[]): number {
  const overhead = SLOW_TEST_RULES.processOverheadMs;
  return candidates.reduce((sum, c) => sum + c.referenceMs + c.variantMs + 2 * overhead, 0);
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

/**
 * A candidate with its lone reruns, one pair a round (null where a side did not pass): listed when
 * at least `agreeing` pairs differ the same way the normal run did, by the same rules.
 */
export function confirmCandidate(options: {
  candidate: Candidate;
  reruns: readonly { readonly referenceMs: number | null; readonly variantMs: number | null }[];
}): SlowTest | null {
  const { candidate, reruns } = options;
  const slower = candidate.variantMs > candidate.referenceMs;
  const agree = reruns.filter((r) => differs(r) && r.variantMs! > r.referenceMs! === slower).length;
  if (agree < SLOW_TEST_RULES.agreeing) return null;
  return {
    id: candidate.id,
    referenceSeconds: candidate.referenceMs / 1000,
    seconds: candidate.variantMs / 1000,
    ratio: candidate.variantMs / candidate.referenceMs,
    reruns: {
      reference: reruns.map((r) => seconds(r.referenceMs)),
      variant: reruns.map((r) => seconds(r.variantMs)),
    },
    agreed: `${agree}/${reruns.length}`,
  };
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000;
}
