// What the run knows of GitHub's event: the pull request and its base commit.
import { existsSync, readFileSync } from 'node:fs';
import type { PullRequestRef } from './ports.js';

export interface RunContext {
  readonly eventName: string | null;
  readonly pullRequest: (PullRequestRef & { readonly baseSha: string; readonly headSha: string }) | null;
  readonly repository: { readonly owner: string; readonly repo: string } | null;
  readonly sha: string | null;
  readonly runUrl: string | null;
  readonly apiUrl: string;
}

interface PullRequestPayload {
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
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
  const pullRequest =
    repository && pr?.number && pr.base?.sha && pr.head?.sha
      ? { ...repository, number: pr.number, baseSha: pr.base.sha, headSha: pr.head.sha }
      : null;
  const server = env['GITHUB_SERVER_URL'];
  return {
    eventName: env['GITHUB_EVENT_NAME'] ?? null,
    pullRequest,
    repository,
    sha: env['GITHUB_SHA'] ?? null,
    runUrl:
      server && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID']
        ? `${server}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`
        : null,
    apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
  };
}
