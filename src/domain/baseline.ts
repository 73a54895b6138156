// Which commit "base" is: the one that makes head vs base mean exactly what this change does,
// on each event a required check runs on. The plan comes from the event alone (pure); a pull
// request's plan is finished with git (src/suite/baseline.ts), which alone can tell a merge
// commit from a head checkout.

/** Why the baseline is the commit it is: recorded in report.json and said in the comment. */
export type BaselineReason =
  /** HEAD is GitHub's merge commit (refs/pull/N/merge) of the PR's head: its first parent. */
  | 'merge-commit-first-parent'
  /** HEAD is not that merge commit (a head checkout): the merge base of HEAD and pull_request.base.sha. */
  | 'merge-base'
  /** No merge base could be found (unrelated histories): pull_request.base.sha as it is. */
  | 'pull-request-base'
  /** A merge queue: merge_group.base_sha, the queue's base branch before this group. */
  | 'merge-group-base'
  /** A push: the branch's commit before the push (`before`). */
  | 'push-before'
  /** The commit or ref given in compare-base. */
  | 'given';

export interface Baseline {
  readonly sha: string;
  readonly reason: BaselineReason;
}

/** What the event says about the commits to compare (see context.ts). */
export interface EventFacts {
  readonly eventName: string | null;
  readonly pullRequest: { readonly baseSha: string; readonly headSha: string } | null;
  readonly mergeGroup: { readonly baseSha: string; readonly headSha: string } | null;
  readonly push: { readonly before: string } | null;
}

export type BaselinePlan =
  /** Nothing to compare with; `why` is for the log. */
  | { readonly kind: 'none'; readonly why: string }
  | { readonly kind: 'error'; readonly error: string }
  /** Decided with git: HEAD's parents, else the merge base with `baseSha`. */
  | { readonly kind: 'pull-request'; readonly baseSha: string; readonly headSha: string }
  | { readonly kind: 'commit'; readonly sha: string; readonly reason: 'merge-group-base' | 'push-before' }
  /** compare-base named a commit or ref: resolved with git. */
  | { readonly kind: 'revision'; readonly revision: string };

const NO_COMMIT = /^0+$/;

export function planBaseline(options: {
  setting: 'auto' | 'true' | 'false';
  /** A commit or ref given in compare-base, or null. */
  revision: string | null;
  event: EventFacts;
}): BaselinePlan {
  const { setting, event } = options;
  if (setting === 'false') return { kind: 'none', why: 'compare-base: false' };
  if (options.revision !== null) return { kind: 'revision', revision: options.revision };
  if (event.pullRequest) {
    return { kind: 'pull-request', baseSha: event.pullRequest.baseSha, headSha: event.pullRequest.headSha };
  }
  // A merge queue runs the required checks on its temporary branch; without a base there, every
  // failure the base branch already has would count as new, and a regression could never fire.
  if (event.mergeGroup) return { kind: 'commit', sha: event.mergeGroup.baseSha, reason: 'merge-group-base' };
  if (event.push && setting === 'true') {
    // All zeros: the push created the branch, so there is no commit before it.
    if (NO_COMMIT.test(event.push.before)) {
      return {
        kind: 'none',
        why: 'this push created the branch: there is no commit before it to compare with',
      };
    }
    return { kind: 'commit', sha: event.push.before, reason: 'push-before' };
  }
  if (setting === 'auto') {
    return {
      kind: 'none',
      why: `${event.eventName ?? 'this'} event: no base commit (compare-base: auto compares pull requests and merge queues)`,
    };
  }
  return {
    kind: 'error',
    error:
      `compare-base is true, but this ${event.eventName ?? 'run'} event names no base commit ` +
      '(no pull_request.base.sha, merge_group.base_sha or push before); give compare-base a commit or ref to compare with, ' +
      'or use compare-base: auto to measure a base commit only where the event has one',
  };
}

/** Parent shas from `git cat-file commit` output, in order (first parent first). */
export function commitParents(rawCommit: string): string[] {
  const header = rawCommit.split('\n\n')[0] ?? '';
  return header
    .split('\n')
    .map((line) => /^parent ([0-9a-f]{40,64})$/.exec(line)?.[1])
    .filter((sha): sha is string => sha !== undefined);
}

/**
 * The baseline when HEAD is GitHub's merge commit of the PR's head into its base branch: the
 * first parent is the base branch as it was merged with, which can be newer than base.sha.
 * Null when HEAD is anything else, for the merge base to decide.
 */
export function mergeCommitBaseline(options: {
  parents: readonly string[];
  prHeadSha: string;
}): Baseline | null {
  const [first, second] = options.parents;
  if (first === undefined || second === undefined || options.parents.length !== 2) return null;
  return second === options.prHeadSha ? { sha: first, reason: 'merge-commit-first-parent' } : null;
}

/** PR number from a merge queue branch, `gh-readonly-queue/<base>/pr-<N>-<sha>`; null if it is not one. */
export function mergeQueuePullRequest(ref: string | null | undefined): number | null {
  const match = /(?:^|\/)gh-readonly-queue\/.+\/pr-(\d+)-[0-9a-f]{7,64}$/.exec(ref ?? '');
  return match?.[1] ? Number(match[1]) : null;
}
