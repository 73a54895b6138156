// What the run knows of GitHub's event: the pull request and its base commit, and for a
// `workflow_run` event (the split workflow's `mode: report`), the run whose reports it merges.
import { existsSync, readFileSync } from 'node:fs';
import { mergeQueuePullRequest } from './domain/baseline.js';
import type { PullRequestRef } from './ports.js';

export interface RunContext {
  readonly eventName: string | null;
  readonly pullRequest: (PullRequestRef & { readonly baseSha: string; readonly headSha: string }) | null;
  readonly repository: { readonly owner: string; readonly repo: string } | null;
  readonly sha: string | null;
  readonly runUrl: string | null;
  readonly apiUrl: string;
  /** The triggering run of a `workflow_run` event: its head commit is what was measured. */
  readonly workflowRun: WorkflowRunRef | null;
  /** A `merge_group` event (merge queue): the group's commit and the base branch's before it. */
  readonly mergeGroup: MergeGroupRef | null;
  /** A `push` event: the branch's commit before the push (all zeros for a new branch). */
  readonly push: { readonly before: string } | null;
}

export interface MergeGroupRef {
  readonly headSha: string;
  readonly baseSha: string;
  readonly headRef: string | null;
  /** The PR the group was made for, from the queue branch `gh-readonly-queue/<base>/pr-<N>-<sha>`. */
  readonly pullRequest: number | null;
}

export interface WorkflowRunRef {
  readonly headSha: string;
  readonly headBranch: string | null;
  /** owner/name of the repository the head commit lives in: a fork's for a fork PR. */
  readonly headRepository: string | null;
  /** The event that started the measuring run ('pull_request', 'push', ...). */
  readonly event: string | null;
}

interface PullRequestPayload {
  merge_group?: { head_sha?: string; base_sha?: string; head_ref?: string };
  before?: string;
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
  workflow_run?: {
    head_sha?: string;
    head_branch?: string | null;
    event?: string;
    head_repository?: { full_name?: string } | null;
    pull_requests?: {
      number?: number;
      head?: { sha?: string };
      base?: { sha?: string; repo?: { url?: string; name?: string } };
    }[];
  };
}

type Repository = NonNullable<RunContext['repository']>;

/**
 * The pull request a `workflow_run` was for. GitHub lists every open PR whose head is the run's
 * branch, including PRs into other repositories (an upstream's, when the run was in a fork), so
 * only a PR into this repository counts, the one at the measured commit first. For a PR from a
 * fork the list is empty: https://github.com/orgs/community/discussions/25220
 */
function workflowRunPullRequest(
  run: NonNullable<PullRequestPayload['workflow_run']>,
  repository: Repository,
): RunContext['pullRequest'] {
  const here = (run.pull_requests ?? []).filter((pr) =>
    (pr.base?.repo?.url ?? '')
      .toLowerCase()
      .endsWith(`/repos/${repository.owner}/${repository.repo}`.toLowerCase()),
  );
  const pr = here.find((p) => p.head?.sha === run.head_sha) ?? here[0];
  if (!pr?.number || !pr.base?.sha || !pr.head?.sha) return null;
  return { ...repository, number: pr.number, baseSha: pr.base.sha, headSha: pr.head.sha };
}

export function readRunContext(env: Readonly<Record<string, string | undefined>>): RunContext {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  const repository = owner && repo ? { owner, repo } : null;
  let payload: PullRequestPayload = {};
  const path = env['GITHUB_EVENT_PATH'];
  if (path && existsSync(path)) {
    try {
      payload = JSON.parse(readFileSync(path, 'utf8')) as PullRequestPayload;
    } catch {
      payload = {};
    }
  }
  const pr = payload.pull_request;
  const run = payload.workflow_run;
  let pullRequest: RunContext['pullRequest'] =
    repository && pr?.number && pr.base?.sha && pr.head?.sha
      ? { ...repository, number: pr.number, baseSha: pr.base.sha, headSha: pr.head.sha }
      : null;
  if (!pullRequest && repository && run) pullRequest = workflowRunPullRequest(run, repository);
  const server = env['GITHUB_SERVER_URL'];
  const group = payload.merge_group;
  const eventName = env['GITHUB_EVENT_NAME'] ?? null;
  return {
    eventName,
    pullRequest,
    repository,
    sha: env['GITHUB_SHA'] ?? null,
    runUrl:
      server && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID']
        ? `${server}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`
        : null,
    apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
    workflowRun: run?.head_sha
      ? {
          headSha: run.head_sha,
          headBranch: run.head_branch ?? null,
          headRepository: run.head_repository?.full_name ?? null,
          event: run.event ?? null,
        }
      : null,
    mergeGroup:
      group?.head_sha && group.base_sha
        ? {
            headSha: group.head_sha,
            baseSha: group.base_sha,
            headRef: group.head_ref ?? null,
            pullRequest: mergeQueuePullRequest(group.head_ref),
          }
        : null,
    push: eventName === 'push' && payload.before ? { before: payload.before } : null,
  };
}
