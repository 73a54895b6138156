// Mode `report` as the split workflow runs it: a `workflow_run` job that downloaded the report.json
// artifacts of `mode: measure` jobs, merges them, comments on the PR and sets a commit status on
// its head. node dist/index.js against the fake GitHub on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/domain/report.js';
import { FakeGitHub, TOKENS } from '../fakes/github-server.js';
import {
  OWNER,
  PR_NUMBER,
  REPO,
  runOnGitHub,
  workflowRunEvent,
  writeReports,
} from '../helpers/report-run.js';
import { BASE, HEAD, report, startup, tests, variant } from '../helpers/reports.js';

const pr = { owner: OWNER, repo: REPO, number: PR_NUMBER };
const RUN_URL = 'https://github.com/octo/lib/actions/runs/4242';

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

const x64 = report({
  variants: [variant('3.13', { startup: [startup(14.1)] }), variant('3.13t', { startup: [startup(19.9)] })],
});
const arm64Failing = report({
  variants: [
    variant('3.13', { startup: [startup(17.0)] }),
    variant('3.13t', {
      tests: tests({
        status: 'failed',
        exitCode: 1,
        passed: 41,
        failed: 1,
        cases: [
          { id: 'tests/test_atomics.py::test_relaxed_order', outcome: 'failed', message: 'assert 3 == 4' },
        ],
      }),
    }),
  ],
  failOn: new Set(),
});
const jit = report({ variants: [variant('3.13+jit', { startup: [startup(14.4)] })] });

function merge(options: {
  files: Record<string, Report | string>;
  reports?: string;
  event?: object;
  token?: string;
  inputs?: Record<string, string>;
}) {
  return runOnGitHub({
    apiUrl: github.url,
    token: options.token ?? TOKENS.actions,
    event: options.event ?? workflowRunEvent(),
    eventName: 'workflow_run',
    cwd: writeReports(options.files),
    inputs: { mode: 'report', reports: options.reports ?? 'reports', ...options.inputs },
  });
}

describe('mode report in a workflow_run workflow (node dist/index.js)', () => {
  it("merges download-artifact's folders, comments on the PR, and sets a failing status on its head", async () => {
    const run = await merge({
      files: {
        'reports/variants-x64/report.json': x64,
        'reports/variants-arm64/report.json': arm64Failing,
        'reports/variants-jit/report.json': jit,
      },
    });

    expect(run.exitCode).toBe(1);
    expect(run.report?.legs?.map((l) => l.label)).toEqual(['variants-arm64', 'variants-jit', 'variants-x64']);
    expect(run.report?.variants.map((v) => v.name)).toEqual([
      '3.13 (variants-arm64)',
      '3.13t (variants-arm64)',
      '3.13+jit',
      '3.13 (variants-x64)',
      '3.13t (variants-x64)',
    ]);
    // The arm64 leg passed by its own fail-on (none); the merging step's default fails it.
    expect(run.report?.verdictReasons).toEqual(['fail-on new-failure: 1 finding (3.13t (variants-arm64))']);
    const [comment] = github.comments(pr);
    expect(github.comments(pr)).toHaveLength(1);
    expect(comment?.body).toContain('merged from 3 reports');
    expect(comment?.body).toContain(
      '`tests/test_atomics.py::test_relaxed_order` failed under `3.13t (variants-arm64)`',
    );
    expect(github.statuses).toEqual([
      expect.objectContaining({
        owner: OWNER,
        repo: REPO,
        sha: HEAD,
        state: 'failure',
        context: 'cpython-variants: CI/variants',
        description: 'failed: fail-on new-failure: 1 finding (3.13t (variants-arm64))',
        target_url: RUN_URL,
      }),
    ]);
    expect(run.outputs).toMatchObject({ verdict: 'fail', 'comment-url': comment?.html_url });
    // Annotations would point at files of a checkout this job does not have.
    expect(run.stdout).not.toMatch(/^::error (title|file)=/m);
  });

  it('takes globs, and passing reports give a success status', async () => {
    const run = await merge({
      files: { 'dl/a/report.json': x64, 'dl/b/report.json': jit },
      reports: 'dl/*/report.json',
    });
    expect(run.exitCode).toBe(0);
    expect(run.report?.variants.map((v) => v.name)).toEqual(['3.13', '3.13t', '3.13+jit']);
    expect(github.statuses.map((s) => [s.sha, s.state, s.description])).toEqual([
      [HEAD, 'success', 'passed: 3 variants, no finding fails the check'],
    ]);
  });

  it('for a PR from a fork (GitHub names no PR in workflow_run): finds it by its head, comments, sets the status', async () => {
    github.seedPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 12,
      headLabel: 'mallory:feature',
      headSha: HEAD,
      baseSha: BASE,
    });
    const run = await merge({
      files: { 'reports/x64/report.json': x64 },
      event: workflowRunEvent({ pullRequests: [], headRepository: 'mallory/lib' }),
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/found #12 by its head mallory:feature/);
    expect(github.comments({ owner: OWNER, repo: REPO, number: 12 })).toHaveLength(1);
    expect(github.statuses.map((s) => [s.sha, s.state])).toEqual([[HEAD, 'success']]);
  });

  it('for a fork whose branch moved on since the measured commit: no comment, a warning, the status still', async () => {
    github.seedPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 12,
      headLabel: 'mallory:feature',
      headSha: 'f'.repeat(40),
      baseSha: BASE,
    });
    const run = await merge({
      files: { 'reports/x64/report.json': x64 },
      event: workflowRunEvent({ pullRequests: [], headRepository: 'mallory/lib' }),
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /^::warning::no comment: the workflow_run event names no pull request of this repository for 4f1c2a9e/m,
    );
    expect(github.calls.filter((c) => c.path.includes('/comments'))).toEqual([]);
    expect(github.statuses.map((s) => [s.sha, s.state])).toEqual([[HEAD, 'success']]);
    expect(run.summary).toContain('## ✅ CPython variants');
  });

  it('never comments on a PR into another repository that workflow_run lists', async () => {
    await merge({
      files: { 'reports/x64/report.json': x64 },
      event: workflowRunEvent({ pullRequests: [{ number: 3, repo: 'upstream/lib' }] }),
    });
    expect(github.calls.filter((c) => c.path.includes('/comments'))).toEqual([]);
    expect(github.comments({ owner: OWNER, repo: REPO, number: 3 })).toEqual([]);
  });

  it('names each file it could not use, merges the rest, and fails the check as incomplete', async () => {
    const spoiled = JSON.parse(JSON.stringify(jit)) as { variants: { tests: { passed: number } }[] };
    const first = spoiled.variants[0];
    if (first) first.tests.passed = 1.5;
    const stale: Report = { ...jit, commit: { head: 'e'.repeat(40), base: null } };
    const run = await merge({
      files: {
        'reports/good/report.json': x64,
        'reports/spoiled/report.json': JSON.stringify(spoiled),
        'reports/stale/report.json': stale,
        'reports/truncated/report.json': '{"schema": "cpython-variants/report@1", "vari',
      },
      reports: 'reports missing/*.json',
    });

    expect(run.exitCode).toBe(1);
    expect(run.report?.legs?.map((l) => l.label)).toEqual(['good', 'stale']);
    const errors = run.report?.errors ?? [];
    expect(errors).toEqual([
      expect.stringMatching(/^Input 'reports' has the value "missing\/\*\.json": it matches no file/),
      'reports/spoiled/report.json is not a cpython-variants report: $.variants[0].tests.passed must be a whole number, got 1.5',
      expect.stringMatching(/^reports\/truncated\/report\.json is not JSON: /),
      `stale was measured on ${'e'.repeat(40)}, not on ${HEAD}, the commit this run reports on (an artifact of another run?)`,
    ]);
    for (const e of errors.slice(1, 2)) expect(run.stdout).toContain(`::error::${e}`);
    expect(run.report?.verdictReasons).toEqual(['the report is incomplete: 4 errors']);
    expect(github.statuses.map((s) => s.state)).toEqual(['failure']);
    expect(github.comments(pr)[0]?.body).toContain(
      '> ⚠️ reports/spoiled/report\\.json is not a cpython\\-variants report',
    );
  });

  it('with a read-only token: warnings for the comment and the status, the outcome by fail-on alone', async () => {
    const run = await merge({ files: { 'reports/x64/report.json': x64 }, token: TOKENS.forkReadOnly });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^::warning::the comment was not posted: the token may not write comments/m);
    expect(run.stdout).toMatch(
      /^::warning::the commit status was not set: the token may not write commit statuses/m,
    );
    expect(run.summary).toContain('| Variant ');
  });
});
