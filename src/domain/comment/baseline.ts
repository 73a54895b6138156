// The meta line's account of what was compared: which commit is "base", and why that one. A
// reviewer who sees a regression must be able to tell what it was measured against.
import type { BaselineReason } from '../baseline.js';
import { codeSpan } from '../escape.js';
import type { Report } from '../report.js';

const WHY: Record<BaselineReason, string> = {
  'merge-commit-first-parent': 'first parent of the merge commit',
  'merge-base': 'merge base with the base branch',
  'pull-request-base': "the pull request's base commit: no merge base was found",
  'merge-group-base': "the merge queue's base",
  'push-before': 'the commit before the push',
  given: 'given in compare-base',
};

/** `base `abc123` (first parent of the merge commit)`, or '' when nothing was compared. */
export function baseMeta(report: Report): string {
  const sha = report.baseline?.sha ?? report.commit.base;
  if (!sha) return '';
  const shown = codeSpan(sha.slice(0, 12), { where: 'prose' });
  // In mode `report` the reason comes from a file a fork's workflow wrote: only our own words are shown.
  const reason =
    report.baseline && Object.hasOwn(WHY, report.baseline.reason) ? WHY[report.baseline.reason] : undefined;
  return reason ? `base ${shown} (${reason})` : `base ${shown}`;
}

/** `merge queue, #7` for a merge_group run; '' for other events, where the comment's place says it. */
export function eventMeta(report: Report): string {
  if (report.event?.name !== 'merge_group') return '';
  const pr = report.event.pullRequest;
  return pr === null ? 'merge queue' : `merge queue, #${pr}`;
}

/** What "this" is in "this PR makes ...": the change the run measured against base. */
export function changeNoun(report: Report): string {
  switch (report.baseline?.reason) {
    case 'push-before':
      return 'this push';
    case 'merge-group-base':
      return 'this merge group';
    case 'given':
      return 'this commit';
    default:
      return 'this PR';
  }
}
