// "Head vs base" means what this change does, on every event a required check runs on: real git
// repositories, the real 3.13 build, `node dist/index.js` against the fake GitHub. A broken
// test stands for a regression: it is decided exactly (no timing noise), and whether it counts
// as new says which commit was taken as base.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, TOKENS } from '../fakes/github-server.js';
import { interpretersInput, pytoolsInstallCommand } from '../helpers/action.js';
import { gitWith } from '../helpers/git.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';
import { OWNER, PR_NUMBER, REPO, runOnGitHub, type GitHubRun } from '../helpers/report-run.js';

const skip = interpretersSkipReason(['3.13']);
// Local paths as submodule URLs need the file transport, off by default since git 2.38.1.
const FILE_TRANSPORT = {
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'protocol.file.allow',
  GIT_CONFIG_VALUE_0: 'always',
};
const git = gitWith({ ...process.env, ...FILE_TRANSPORT });

const PASSING = 'def test_ok():\n    assert True\n';
const BROKEN = 'def test_broken():\n    assert 1 + 1 == 3\n';
const BROKEN_ID = 'tests/test_broken.py::test_broken';

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

function write(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function commit(dir: string, files: Readonly<Record<string, string>>, message: string): string {
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A tiny project: one passing test, on branch main. */
function project(): { dir: string; b0: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-baseline-'));
  git(dir, 'init', '-q', '-b', 'main');
  const b0 = commit(dir, { 'tests/test_ok.py': PASSING }, 'B0');
  return { dir, b0 };
}

function run(options: {
  dir: string;
  eventName: string;
  event: object;
  sha: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}): Promise<GitHubRun> {
  return runOnGitHub({
    apiUrl: github.url,
    token: TOKENS.actions,
    eventName: options.eventName,
    event: options.event,
    cwd: options.dir,
    inputs: {
      variants: '3.13',
      interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13']),
      'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
      'test-command': 'python -m pytest -q -p no:cacheprovider',
      'measure-minutes': '0.05',
      ...options.inputs,
    },
    env: { GITHUB_SHA: options.sha, ...options.env },
  });
}

function pullRequest(options: { base: string; head: string }): object {
  return {
    action: 'synchronize',
    number: PR_NUMBER,
    pull_request: {
      number: PR_NUMBER,
      head: { sha: options.head },
      base: { sha: options.base, ref: 'main' },
    },
  };
}

const brokenFinding = (run: GitHubRun) => run.report?.findings.find((f) => f.name === BROKEN_ID);

describe.skipIf(skip !== null)(`the baseline on each event${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it("(a) a merge commit into a base branch that moved on: what landed there is not the PR's", async () => {
    const { dir, b0 } = project();
    git(dir, 'checkout', '-qb', 'feature');
    const head = commit(dir, { 'README.md': 'the PR\n' }, 'PR');
    git(dir, 'checkout', '-q', 'main');
    // Landed on main after the payload's base.sha (b0) was taken: a test that broke there.
    const landed = commit(dir, { 'tests/test_broken.py': BROKEN }, 'B1: broke a test on main');
    git(dir, 'checkout', '-q', '--detach', landed);
    git(dir, 'merge', '-q', '--no-ff', '-m', `Merge ${head} into ${landed}`, head);
    const merge = git(dir, 'rev-parse', 'HEAD');

    const result = await run({
      dir,
      eventName: 'pull_request',
      event: pullRequest({ base: b0, head }),
      sha: merge,
    });

    expect(result.report?.baseline).toEqual({ sha: landed, reason: 'merge-commit-first-parent' });
    expect(result.report?.commit).toEqual({ head, base: landed });
    expect(result.report?.variants[0]?.base?.tests?.status).toBe('failed');
    expect(brokenFinding(result)).toMatchObject({ kind: 'failure', against: 'base' });
    expect(result.exitCode).toBe(0);
    expect(github.comments({ owner: OWNER, repo: REPO, number: PR_NUMBER })[0]?.body).toContain(
      `base \`${landed.slice(0, 12)}\` (first parent of the merge commit)`,
    );
  });

  it('(b) a head checkout that branched before base.sha is measured against the merge base', async () => {
    const { dir } = project();
    const broken = commit(dir, { 'tests/test_broken.py': BROKEN }, 'B1: a broken test');
    git(dir, 'checkout', '-qb', 'feature');
    const head = commit(dir, { 'README.md': 'the PR\n' }, 'PR');
    git(dir, 'checkout', '-q', 'main');
    // main fixed the test after the PR branched: with base.sha as base, the PR would be charged.
    git(dir, 'rm', '-q', 'tests/test_broken.py');
    const baseSha = commit(dir, { 'tests/test_ok.py': PASSING }, 'B2: fixed');
    git(dir, 'checkout', '-q', head);

    const result = await run({
      dir,
      eventName: 'pull_request',
      event: pullRequest({ base: baseSha, head }),
      sha: head,
      inputs: { comment: 'off' },
    });

    expect(result.report?.baseline).toEqual({ sha: broken, reason: 'merge-base' });
    expect(brokenFinding(result)).toMatchObject({ kind: 'failure', against: 'base' });
    expect(result.exitCode).toBe(0);
  });

  it('(c) a merge queue compares head_sha with base_sha, posts no comment, and fails by fail-on', async () => {
    const { dir, b0 } = project();
    const group = commit(dir, { 'tests/test_broken.py': BROKEN }, 'merge group: the PR broke a test');
    const event = {
      action: 'checks_requested',
      merge_group: {
        head_sha: group,
        head_ref: `refs/heads/gh-readonly-queue/main/pr-${PR_NUMBER}-${b0}`,
        base_sha: b0,
        base_ref: 'refs/heads/main',
      },
    };

    const result = await run({ dir, eventName: 'merge_group', event, sha: group });

    expect(result.report?.baseline).toEqual({ sha: b0, reason: 'merge-group-base' });
    expect(result.report?.commit).toEqual({ head: group, base: b0 });
    expect(result.report?.event).toEqual({ name: 'merge_group', pullRequest: PR_NUMBER });
    expect(brokenFinding(result)).toMatchObject({ kind: 'new-failure', against: 'base' });
    expect(result.report?.verdict).toBe('fail');
    expect(result.exitCode).toBe(1);
    expect(github.calls).toEqual([]);
    expect(result.stdout).toContain(`merge queue for pull request #${PR_NUMBER}`);
    expect(result.summary).toContain(`merge queue, #${PR_NUMBER} · commit \`${group.slice(0, 12)}\``);
  });

  it('(d) a push with compare-base: true is compared with its before commit', async () => {
    const { dir, b0: before } = project();
    const after = commit(dir, { 'tests/test_broken.py': BROKEN }, 'pushed: a broken test');

    const result = await run({
      dir,
      eventName: 'push',
      event: { ref: 'refs/heads/main', before, after },
      sha: after,
      inputs: { 'compare-base': 'true' },
    });

    expect(result.report?.baseline).toEqual({ sha: before, reason: 'push-before' });
    expect(result.report?.variants[0]?.base?.tests?.status).toBe('passed');
    expect(brokenFinding(result)).toMatchObject({ kind: 'new-failure', against: 'base' });
    expect(result.exitCode).toBe(1);
    // Not a pull request: nothing to comment on.
    expect(github.calls).toEqual([]);
  });

  it("a submodule's code is there on the base commit, at the commit base records", async () => {
    const vendored = mkdtempSync(join(tmpdir(), 'cpv-vendored-'));
    git(vendored, 'init', '-q', '-b', 'main');
    commit(vendored, { '__init__.py': 'VALUE = 1\n' }, 'v1');
    const { dir } = project();
    git(dir, 'submodule', 'add', '-q', vendored, 'vendored');
    const base = commit(
      dir,
      { 'tests/test_vendored.py': 'import vendored\n\ndef test_value():\n    assert vendored.VALUE == 1\n' },
      'base: vendored v1',
    );
    commit(vendored, { '__init__.py': 'VALUE = 2\n' }, 'v2');
    git(join(dir, 'vendored'), 'pull', '-q', 'origin', 'main');
    const head = commit(dir, {}, 'head: vendored v2');

    const result = await run({
      dir,
      eventName: 'pull_request',
      event: pullRequest({ base, head }),
      sha: head,
      inputs: { comment: 'off', 'startup-imports': 'vendored' },
      env: FILE_TRANSPORT,
    });

    const [variant] = result.report?.variants ?? [];
    // Without the submodule, base's tests would fail to import it and the failure would look old.
    expect(variant?.base?.tests?.status).toBe('passed');
    expect(result.report?.findings).toContainEqual(
      expect.objectContaining({
        kind: 'new-failure',
        name: 'tests/test_vendored.py::test_value',
        against: 'base',
      }),
    );
    const baseImport = variant?.base?.startup.find((s) => s.name === 'import vendored');
    expect(baseImport?.error).toBeUndefined();
    expect(baseImport?.samples.length).toBeGreaterThan(0);
    expect(result.stdout).not.toMatch(/submodules could not be checked out/);
  });
});
