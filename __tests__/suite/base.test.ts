import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { variantEnvironment } from '../../src/domain/runtime-env.js';
import { parseVariant } from '../../src/domain/variants.js';
import type { Toolkit } from '../../src/ports.js';
import { checkoutBase, prepareBase } from '../../src/suite/base.js';
import { GIT_IDENTITY, gitWith } from '../helpers/git.js';
import { realInterpreters } from '../helpers/interpreters.js';

const root = mkdtempSync(join(tmpdir(), 'cpv-base-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env: Record<string, string> = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: root,
  ...GIT_IDENTITY,
};
const git = gitWith(env);

/** A repository whose project lives in a subfolder, with two commits: base and head. */
function repository(): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(root, 'repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'project'));
  writeFileSync(join(dir, 'project', 'version.txt'), 'base\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, 'project', 'version.txt'), 'head\n');
  git(dir, 'commit', '-q', '-am', 'head');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

describe('checkoutBase', () => {
  const runner = new SpawnRunner();

  it('puts the base commit in a worktree, finds the project folder in it, and removes it', async () => {
    const repo = repository();
    const dir = join(root, 'wt-1');
    const outcome = await checkoutBase({
      runner,
      projectDir: join(repo.dir, 'project'),
      sha: repo.base,
      dir,
      env,
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const { checkout } = outcome;
    expect(checkout.projectDir).toBe(join(dir, 'project'));
    expect(readFileSync(join(checkout.projectDir, 'version.txt'), 'utf8')).toBe('base\n');
    // The checkout the user's tests run in is left as it was.
    expect(readFileSync(join(repo.dir, 'project', 'version.txt'), 'utf8')).toBe('head\n');
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(repo.head);
    await checkout.remove();
    expect(existsSync(dir)).toBe(false);
    expect(git(repo.dir, 'worktree', 'list')).not.toContain(dir);
  });

  it('removes the worktree when the run was cancelled and no git can be started', async () => {
    const repo = repository();
    const dir = join(root, 'wt-cancelled');
    const cancel = new AbortController();
    const cancellable = new SpawnRunner({ cancel: cancel.signal });
    const outcome = await checkoutBase({
      runner: cancellable,
      projectDir: repo.dir,
      sha: repo.base,
      dir,
      env,
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(git(repo.dir, 'worktree', 'list')).toContain(dir);
    cancel.abort(new Error('cancelled by SIGTERM'));
    await expect(cancellable.run({ argv: ['true'], timeoutMs: 5_000 })).rejects.toThrow(/SIGTERM/);
    await outcome.checkout.remove();
    expect(existsSync(dir)).toBe(false);
    // git itself sees no worktree left, not even a prunable one.
    expect(git(repo.dir, 'worktree', 'list', '--porcelain')).not.toContain(dir);
    expect(git(repo.dir, 'worktree', 'prune', '--dry-run', '-v')).toBe('');
    expect(existsSync(join(repo.dir, '.git'))).toBe(true);
  });

  it('a second run over a leftover worktree starts clean', async () => {
    const repo = repository();
    const dir = join(root, 'wt-2');
    const first = await checkoutBase({ runner, projectDir: repo.dir, sha: repo.base, dir, env });
    expect(first.ok).toBe(true);
    const second = await checkoutBase({ runner, projectDir: repo.dir, sha: repo.head, dir, env });
    expect(second.ok).toBe(true);
    if (second.ok) {
      expect(readFileSync(join(second.checkout.projectDir, 'project', 'version.txt'), 'utf8')).toBe('head\n');
      await second.checkout.remove();
    }
  });

  it('a base commit the clone lacks (fetch-depth: 1) is an error that says how to get it', async () => {
    const repo = repository();
    const outcome = await checkoutBase({
      runner,
      projectDir: repo.dir,
      sha: 'f'.repeat(40),
      dir: join(root, 'wt-3'),
      env,
    });
    expect(outcome).toEqual({
      ok: false,
      error: expect.stringMatching(/is not in the checkout .*fetch-depth: 0/),
    });
  });

  it("checks out the base commit's submodules at the commit base records", async () => {
    // Local paths as submodule URLs need the file transport, off by default since git 2.38.1.
    const fileEnv = {
      ...env,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'protocol.file.allow',
      GIT_CONFIG_VALUE_0: 'always',
    };
    const gitFile = gitWith(fileEnv);
    const vendored = mkdtempSync(join(root, 'vendored-'));
    gitFile(vendored, 'init', '-q', '-b', 'main');
    writeFileSync(join(vendored, 'lib.txt'), 'v1\n');
    gitFile(vendored, 'add', '.');
    gitFile(vendored, 'commit', '-qm', 'v1');
    const repo = repository();
    gitFile(repo.dir, 'checkout', '-q', repo.base);
    gitFile(repo.dir, 'submodule', 'add', '-q', vendored, 'vendor');
    gitFile(repo.dir, 'commit', '-qm', 'vendor v1');
    const base = gitFile(repo.dir, 'rev-parse', 'HEAD');
    writeFileSync(join(vendored, 'lib.txt'), 'v2\n');
    gitFile(vendored, 'commit', '-qam', 'v2');
    gitFile(join(repo.dir, 'vendor'), 'pull', '-q', 'origin', 'main');
    gitFile(repo.dir, 'commit', '-qam', 'vendor v2');

    const outcome = await checkoutBase({
      runner,
      projectDir: repo.dir,
      sha: base,
      dir: join(root, 'wt-sub'),
      env: fileEnv,
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.checkout.warnings).toEqual([]);
    expect(readFileSync(join(outcome.checkout.root, 'vendor', 'lib.txt'), 'utf8')).toBe('v1\n');
    await outcome.checkout.remove();

    // Without the file transport the submodule cannot be fetched: a warning with git's reason.
    const refused = await checkoutBase({
      runner,
      projectDir: repo.dir,
      sha: base,
      dir: join(root, 'wt-sub2'),
      env,
    });
    expect(refused.ok).toBe(true);
    if (!refused.ok) return;
    expect(refused.checkout.warnings).toEqual([
      expect.stringMatching(
        /submodules could not be checked out \(git submodule update: .*file.*\); base is measured without them/,
      ),
    ]);
    await refused.checkout.remove();
  });

  it('a project outside git is an error', async () => {
    const plain = mkdtempSync(join(root, 'plain-'));
    const outcome = await checkoutBase({
      runner,
      projectDir: plain,
      sha: 'a'.repeat(40),
      dir: join(root, 'wt-4'),
      env,
    });
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/is not in a git repository/) });
  });
});

const python = realInterpreters()?.['3.13'];

describe.skipIf(python === undefined)('prepareBase on a real interpreter', () => {
  it('makes a venv per variant in the base worktree with the same install-command; a variant whose install fails there is left out', async () => {
    const repo = repository();
    const warnings: string[] = [];
    const toolkit: Toolkit = {
      info: () => undefined,
      warning: (m) => warnings.push(m),
      error: () => undefined,
      notice: () => undefined,
      group: (_name, fn) => fn(),
      setOutput: () => undefined,
      appendSummary: async () => undefined,
      setFailed: () => undefined,
    };
    const variants = ['3.13', '3.13+jit'].map((name) => {
      const variant = parseVariant(name);
      return {
        variant,
        interpreter: python!,
        envFor: (venv: { dir: string; bin: string } | null) =>
          variantEnvironment({ base: env, variant, ...(venv ? { venv } : {}) }),
      };
    });
    const prepared = await prepareBase({
      runner: new SpawnRunner(),
      toolkit,
      sha: repo.base,
      projectDir: join(repo.dir, 'project'),
      workDir: join(root, 'prepared'),
      variants,
      // Succeeds where the JIT is off, fails where it is on: one variant in, one out.
      installCommand:
        "python -c \"import os, sys; open('installed-' + os.environ['PYTHON_JIT'], 'w').write(sys.prefix); sys.exit(int(os.environ['PYTHON_JIT']))\"",
      timeoutMs: 120_000,
      env,
    });
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    const { checkout, subjects, venvs } = prepared.base;
    expect(checkout.projectDir).toBe(join(root, 'prepared', 'worktree', 'project'));
    expect(readFileSync(join(checkout.projectDir, 'version.txt'), 'utf8')).toBe('base\n');
    expect(subjects.map((s) => s.variant.name)).toEqual(['3.13']);
    expect(subjects[0]).toMatchObject({ cwd: checkout.projectDir, python: venvs.get('3.13')!.python });
    expect(subjects[0]!.env['VIRTUAL_ENV']).toBe(venvs.get('3.13')!.dir);
    // install-command ran in the base worktree, inside the variant's base venv.
    expect(readFileSync(join(checkout.projectDir, 'installed-0'), 'utf8')).toBe(venvs.get('3.13')!.dir);
    expect(warnings).toEqual([
      expect.stringMatching(/^3\.13\+jit on the base commit: install-command .* exited with 1/),
    ]);
    await checkout.remove();
    expect(existsSync(checkout.root)).toBe(false);
  });
});
