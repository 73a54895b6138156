// `node dist/index.js` as a GitHub runner starts it for one event, against the fake GitHub:
// an event payload file, the job summary and output files, the API URL and a token.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Report } from '../../src/domain/report.js';
import { runAction, type ActionRun } from './action.js';
import { BASE, HEAD } from './reports.js';

export const OWNER = 'octo';
export const REPO = 'lib';
export const PR_NUMBER = 7;

export interface GitHubRun extends ActionRun {
  readonly summary: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export function pullRequestEvent(options: { number?: number; head?: string; base?: string } = {}): object {
  return {
    action: 'synchronize',
    number: options.number ?? PR_NUMBER,
    pull_request: {
      number: options.number ?? PR_NUMBER,
      head: { sha: options.head ?? HEAD, ref: 'feature' },
      base: { sha: options.base ?? BASE, ref: 'main' },
    },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

/** What GitHub sends to a `workflow_run` workflow when a PR's measuring workflow completed. */
export function workflowRunEvent(
  options: {
    headSha?: string;
    pullRequests?: readonly { number: number; repo: string }[];
    headRepository?: string;
  } = {},
): object {
  const headSha = options.headSha ?? HEAD;
  const api = 'https://api.github.com';
  return {
    action: 'completed',
    workflow_run: {
      id: 99,
      event: 'pull_request',
      head_sha: headSha,
      head_branch: 'feature',
      head_repository: { full_name: options.headRepository ?? `${OWNER}/${REPO}` },
      conclusion: 'success',
      pull_requests: (options.pullRequests ?? [{ number: PR_NUMBER, repo: `${OWNER}/${REPO}` }]).map(
        (pr) => ({
          url: `${api}/repos/${pr.repo}/pulls/${pr.number}`,
          id: 1000 + pr.number,
          number: pr.number,
          head: {
            ref: 'feature',
            sha: headSha,
            repo: { id: 1, url: `${api}/repos/${OWNER}/${REPO}`, name: REPO },
          },
          base: {
            ref: 'main',
            sha: BASE,
            repo: { id: 2, url: `${api}/repos/${pr.repo}`, name: pr.repo.split('/')[1] },
          },
        }),
      ),
    },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

/** The GITHUB_OUTPUT file, as @actions/core writes it: `name<<DELIMITER`, the value, the delimiter. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1] ?? ''] = m[3] ?? '';
  return outputs;
}

/** Writes `reports` as NAME/report.json (download-artifact's layout) under a fresh folder. */
export function writeReports(reports: Readonly<Record<string, Report | string>>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'cpv-reports-'));
  for (const [path, report] of Object.entries(reports)) {
    const file = join(cwd, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof report === 'string' ? report : JSON.stringify(report, null, 2));
  }
  return cwd;
}

export async function runOnGitHub(options: {
  apiUrl: string;
  token: string;
  event: object;
  eventName: string;
  inputs: Record<string, string>;
  cwd: string;
  env?: Record<string, string>;
}): Promise<GitHubRun> {
  const files = mkdtempSync(join(tmpdir(), 'cpv-runner-'));
  const eventPath = join(files, 'event.json');
  const summaryPath = join(files, 'summary.md');
  const outputPath = join(files, 'output.txt');
  writeFileSync(eventPath, JSON.stringify(options.event));
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  const run = await runAction({
    cwd: options.cwd,
    inputs: { 'github-token': options.token, ...options.inputs },
    env: {
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: options.eventName,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: options.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_JOB: 'variants',
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      ...options.env,
    },
  });
  return {
    ...run,
    cwd: options.cwd,
    summary: readFileSync(summaryPath, 'utf8'),
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
  };
}
