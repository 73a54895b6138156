// The baseline on real git repositories: GitHub's merge commit, a head checkout that branched
// before base.sha, a shallow clone that must be deepened, and a revision named in compare-base.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { resolveBaseline } from '../../src/suite/baseline.js';
import { GIT_IDENTITY, gitWith } from '../helpers/git.js';

const root = mkdtempSync(join(tmpdir(), 'cpv-baseline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env: Record<string, string> = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: root,
  ...GIT_IDENTITY,
};
const git = gitWith(env);
const runner = new SpawnRunner();

function commit(dir: string, file: string, text: string): string {
  writeFileSync(join(dir, file), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', `${file}: ${text.trim()}`);
  return git(dir, 'rev-parse', 'HEAD');
}

/**
 * main: B0 (the PR branched here) -> B1 (base.sha) -> B2 (landed later); pr: B0 -> H; and GitHub's
 * merge commit of H into B2, first parent B2.
 */
function history(): { dir: string; b0: string; b1: string; b2: string; head: string; merge: string } {
  const dir = mkdtempSync(join(root, 'repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  const b0 = commit(dir, 'main.txt', 'b0\n');
  git(dir, 'checkout', '-qb', 'pr');
  const head = commit(dir, 'pr.txt', 'head\n');
  git(dir, 'checkout', '-q', 'main');
  const b1 = commit(dir, 'main.txt', 'b1\n');
  const b2 = commit(dir, 'main.txt', 'b2\n');
  git(dir, 'checkout', '-q', '--detach', b2);
  git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge pr into main', head);
  const merge = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'branch', 'merge', merge);
  return { dir, b0, b1, b2, head, merge };
}

describe('resolveBaseline for a pull request', () => {
  it("HEAD is GitHub's merge commit: its first parent, even where base.sha is older", async () => {
    const repo = history();
    const outcome = await resolveBaseline({
      runner,
      projectDir: repo.dir,
      plan: { kind: 'pull-request', baseSha: repo.b1, headSha: repo.head },
      env,
    });
    expect(outcome).toEqual({
      ok: true,
      baseline: { sha: repo.b2, reason: 'merge-commit-first-parent' },
      warnings: [],
    });
  });

  it('a head checkout that branched before base.sha: the merge base', async () => {
    const repo = history();
    git(repo.dir, 'checkout', '-q', repo.head);
    const outcome = await resolveBaseline({
      runner,
      projectDir: repo.dir,
      plan: { kind: 'pull-request', baseSha: repo.b2, headSha: repo.head },
      env,
    });
    expect(outcome).toEqual({ ok: true, baseline: { sha: repo.b0, reason: 'merge-base' }, warnings: [] });
  });

  it('a shallow clone of the merge commit reads its parents without fetching history', async () => {
    const repo = history();
    const clone = join(root, `shallow-merge-${Date.now()}`);
    git(root, 'clone', '-q', '--depth', '1', '--branch', 'merge', `file://${repo.dir}`, clone);
    const outcome = await resolveBaseline({
      runner,
      projectDir: clone,
      plan: { kind: 'pull-request', baseSha: repo.b1, headSha: repo.head },
      env,
    });
    expect(outcome).toMatchObject({
      ok: true,
      baseline: { sha: repo.b2, reason: 'merge-commit-first-parent' },
    });
  });

  it('a shallow head checkout fetches base.sha and deepens until the merge base is there', async () => {
    const repo = history();
    const clone = join(root, `shallow-head-${Date.now()}`);
    git(root, 'clone', '-q', '--depth', '1', '--branch', 'pr', `file://${repo.dir}`, clone);
    git(repo.dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    const outcome = await resolveBaseline({
      runner,
      projectDir: clone,
      plan: { kind: 'pull-request', baseSha: repo.b2, headSha: repo.head },
      env,
    });
    expect(outcome).toEqual({ ok: true, baseline: { sha: repo.b0, reason: 'merge-base' }, warnings: [] });
  });

  it('unrelated histories: base.sha itself, with a warning that says what that means', async () => {
    const repo = history();
    const other = mkdtempSync(join(root, 'other-'));
    git(other, 'init', '-q', '-b', 'main');
    commit(other, 'x.txt', 'x\n');
    git(repo.dir, 'fetch', '-q', other, 'main');
    const unrelated = git(repo.dir, 'rev-parse', 'FETCH_HEAD');
    git(repo.dir, 'checkout', '-q', repo.head);
    const outcome = await resolveBaseline({
      runner,
      projectDir: repo.dir,
      plan: { kind: 'pull-request', baseSha: unrelated, headSha: repo.head },
      env,
    });
    expect(outcome).toEqual({
      ok: true,
      baseline: { sha: unrelated, reason: 'pull-request-base' },
      warnings: [expect.stringMatching(/no merge base .* may be charged to this pull request/)],
    });
  });
});

describe('resolveBaseline for compare-base: <revision>', () => {
  it('resolves a ref, and refuses one that is not there', async () => {
    const repo = history();
    const plan = (revision: string) => ({ kind: 'revision' as const, revision });
    expect(await resolveBaseline({ runner, projectDir: repo.dir, plan: plan('HEAD~1'), env })).toEqual({
      ok: true,
      baseline: { sha: repo.b2, reason: 'given' },
      warnings: [],
    });
    expect(await resolveBaseline({ runner, projectDir: repo.dir, plan: plan('origin/nope'), env })).toEqual({
      ok: false,
      error: expect.stringMatching(/compare-base names origin\/nope, which is not a commit/),
    });
  });
});
