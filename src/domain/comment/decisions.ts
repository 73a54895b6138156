// What the timing verdicts rest on: how many comparisons were decided together, and which gated
// ones stayed undecided. The headline must never say more than was decided.
import type { FailOnRule } from '../findings.js';
import type { DecisionGroup, Report } from '../report.js';
import { MIN_BENCHMARKS_TO_SPLIT } from '../process-speed.js';
import { plural } from './format.js';

/** Without the rules (a report rendered on its own), the default gate: head vs base. */
const DEFAULT_GATED: ReadonlySet<FailOnRule> = new Set(['regression']);

/** The comparisons a fail-on rule turns into a failed check: vs base for `regression`, vs the reference for `variant-regression`. */
function gated(group: DecisionGroup, failOn: ReadonlySet<FailOnRule>): boolean {
  return group.against === 'base' ? failOn.has('regression') : failOn.has('variant-regression');
}

export interface Undecided {
  readonly undecided: number;
  readonly compared: number;
  readonly tooFewRuns: number;
}

/** The gated comparisons that stayed undecided, over all groups. */
export function undecidedGated(report: Report, failOn: ReadonlySet<FailOnRule> | undefined): Undecided {
  const rules = failOn ?? DEFAULT_GATED;
  const groups = (report.statistics?.groups ?? []).filter((g) => gated(g, rules));
  return {
    undecided: groups.reduce((n, g) => n + g.undecided, 0),
    compared: groups.reduce((n, g) => n + g.compared, 0),
    tooFewRuns: groups.reduce((n, g) => n + g.tooFewRuns, 0),
  };
}

/** "37 of 200 gated comparisons undecided (30 with too few runs)", or null when all were decided. */
export function undecidedText(open: Undecided): string | null {
  if (open.undecided === 0) return null;
  const why = open.tooFewRuns > 0 ? ` (${open.tooFewRuns} with too few runs)` : '';
  return `${open.undecided} of ${plural(open.compared, 'gated comparison')} undecided${why}`;
}

/** What would decide them: the fix the reader can make. */
export function undecidedFix(open: Undecided): string {
  return open.tooFewRuns > 0
    ? 'More runs would decide them: raise `measure-minutes`, or make one run of `benchmark-command` shorter (see the notes below).'
    : 'They were too noisy to call either way at the corrected significance; a rerun on a quieter runner may decide them.';
}

/** The footnote: the method behind every bold ratio, and how large the family was. */
export function statisticsFootnote(report: Report): string {
  const s = report.statistics;
  if (!s) return '';
  const split =
    s.splitSuites !== undefined && s.splitSuites > 0
      ? ` Where a suite has ${MIN_BENCHMARKS_TO_SPLIT} or more benchmarks, one process runs them all, so its luck (a slow core, a busy moment) is measured from all of them and taken out: the suite's overall change is one test, each benchmark's change beyond it another.`
      : '';
  return ` Significance is corrected over all ${plural(s.family, 'comparison')} of the run (Holm, family-wise error rate ${Math.round(s.alpha * 1000) / 10}%), so a same-code pull request fails by chance at most that often.${split}`;
}
