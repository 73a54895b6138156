// The base commit (baseline.ts decides which one), measured on the same runner with the same
// interpreters: a git worktree of it (the checkout itself stays untouched, submodules included)
// and a fresh venv per variant, made the way head's were.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Variant } from '../domain/variants.js';
import type { ProcessRunner, Toolkit } from '../ports.js';
import type { Venv } from '../python/venv.js';
import type { PerformanceSubject } from './performance.js';
import { prepareVariant } from './prepare.js';

export interface BaseCheckout {
  readonly sha: string;
  /** The worktree's top. */
  readonly root: string;
  /** working-directory's counterpart inside the worktree. */
  readonly projectDir: string;
  /** Removes the worktree, by hand where git cannot run (a cancelled run); never throws. */
  remove(): Promise<void>;
  /** What went wrong without stopping the checkout (submodules that could not be fetched). */
  readonly warnings: readonly string[];
}

export type CheckoutOutcome =
  { readonly ok: true; readonly checkout: BaseCheckout } | { readonly ok: false; readonly error: string };

/**
 * `git worktree add --detach` of `sha` at `dir`. A shallow checkout (actions/checkout's default
 * fetch-depth: 1) lacks the base commit: one fetch of that commit is tried before giving up.
 */
export async function checkoutBase(options: {
  runner: ProcessRunner;
  /** The head project folder (working-directory), anywhere inside the repository. */
  projectDir: string;
  sha: string;
  dir: string;
  env: Readonly<Record<string, string>>;
}): Promise<CheckoutOutcome> {
  const git = (args: readonly string[], cwd: string) =>
    options.runner.run({ argv: ['git', ...args], cwd, env: options.env, timeoutMs: 10 * 60_000 });
  const top = await git(['rev-parse', '--show-toplevel'], options.projectDir);
  if (top.exitCode !== 0) {
    return {
      ok: false,
      error: `${options.projectDir} is not in a git repository, so its base commit cannot be measured: ${oneLine(top.stderr || top.spawnError)}`,
    };
  }
  const root = top.stdout.trim();
  const prefix = (await git(['rev-parse', '--show-prefix'], options.projectDir)).stdout.trim();
  const has = async () => (await git(['cat-file', '-e', `${options.sha}^{commit}`], root)).exitCode === 0;
  if (!(await has())) {
    const fetched = await git(['fetch', '--no-tags', '--depth=1', 'origin', options.sha], root);
    if (fetched.exitCode !== 0 || !(await has())) {
      return {
        ok: false,
        error: `the base commit ${options.sha} is not in the checkout and could not be fetched (${oneLine(fetched.stderr)}); check out with fetch-depth: 0 to measure it`,
      };
    }
  }
  rmSync(options.dir, { recursive: true, force: true });
  await git(['worktree', 'prune'], root);
  const added = await git(['worktree', 'add', '--detach', options.dir, options.sha], root);
  if (added.exitCode !== 0) {
    return {
      ok: false,
      error: `git worktree add of the base commit ${options.sha} failed: ${oneLine(added.stderr)}`,
    };
  }
  // A worktree starts without submodules; projects that vendor code in them need them to run.
  const warnings: string[] = [];
  if (existsSync(join(options.dir, '.gitmodules'))) {
    const updated = await git(['submodule', 'update', '--init', '--recursive', '--depth', '1'], options.dir);
    if (updated.exitCode !== 0) {
      warnings.push(
        `the base commit's submodules could not be checked out (git submodule update: ${firstErrors(updated.stderr || updated.spawnError)}); base is measured without them`,
      );
    }
  }
  const remove = async (): Promise<void> => {
    try {
      const removed = await git(['worktree', 'remove', '--force', options.dir], root);
      if (removed.exitCode === 0 && !existsSync(options.dir)) return;
    } catch {
      // Cancelled: the runner starts no more processes, and this runs on the way out.
    }
    removeByHand(options.dir);
  };
  return {
    ok: true,
    checkout: {
      sha: options.sha,
      root: options.dir,
      projectDir: resolve(options.dir, prefix),
      remove,
      warnings,
    },
  };
}

/**
 * What `git worktree remove` and `prune` do, without git: the worktree's files, then its entry in
 * the repository (`.git/worktrees/<id>`, named in the worktree's `.git` file), so a self-hosted
 * runner's next `git worktree list` does not show a cancelled run's leftover.
 */
function removeByHand(dir: string): void {
  let admin: string | null = null;
  try {
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(join(dir, '.git'), 'utf8'));
    // Only an entry under a `worktrees` folder: never the main repository's .git.
    if (pointer && basename(dirname(pointer[1]!.trim())) === 'worktrees') admin = pointer[1]!.trim();
  } catch {
    // No .git file: nothing of it was registered, or it is gone already.
  }
  rmSync(dir, { recursive: true, force: true });
  if (admin) rmSync(admin, { recursive: true, force: true });
}

export interface BaseVariantInput {
  readonly variant: Variant;
  /** The interpreter head's venv was made from. */
  readonly interpreter: string;
  /** The variant's environment around a venv, as for head. */
  readonly envFor: (venv: Venv | null) => Record<string, string>;
}

export interface PreparedBase {
  readonly checkout: BaseCheckout;
  /** One per variant whose base venv and install-command succeeded. */
  readonly subjects: readonly PerformanceSubject[];
  /** The same venvs, by variant name: for running tests on base where head failed. */
  readonly venvs: ReadonlyMap<string, Venv>;
}

/** The worktree and a venv per variant (same interpreter, same install-command), or why not. */
export async function prepareBase(options: {
  runner: ProcessRunner;
  toolkit: Toolkit;
  sha: string;
  projectDir: string;
  /** Worktree and venvs go under it. */
  workDir: string;
  variants: readonly BaseVariantInput[];
  /** null: decided from the base commit's files, as for head. */
  installCommand: string | null;
  timeoutMs: number;
  env: Readonly<Record<string, string>>;
}): Promise<
  { readonly ok: true; readonly base: PreparedBase } | { readonly ok: false; readonly error: string }
> {
  const checked = await checkoutBase({
    runner: options.runner,
    projectDir: options.projectDir,
    sha: options.sha,
    dir: join(options.workDir, 'worktree'),
    env: options.env,
  });
  if (!checked.ok) return checked;
  const { checkout } = checked;
  for (const warning of checkout.warnings) options.toolkit.warning(warning);
  const subjects: PerformanceSubject[] = [];
  const venvs = new Map<string, Venv>();
  for (const input of options.variants) {
    const name = input.variant.name;
    const prepared = await prepareVariant({
      runner: options.runner,
      python: input.interpreter,
      venvDir: join(options.workDir, 'venvs', name.replace(/[^A-Za-z0-9.]+/g, '_')),
      projectDir: checkout.projectDir,
      installCommand: options.installCommand,
      envFor: input.envFor,
      timeoutMs: options.timeoutMs,
    });
    if (!prepared.ok) {
      options.toolkit.warning(
        `${name} on the base commit: ${prepared.error}; this variant is not compared with base`,
      );
      continue;
    }
    venvs.set(name, prepared.venv);
    subjects.push({
      variant: input.variant,
      python: prepared.venv.python,
      env: input.envFor(prepared.venv),
      cwd: checkout.projectDir,
    });
  }
  return { ok: true, base: { checkout, subjects, venvs } };
}

/** git's first `fatal:`/`error:` lines say the cause; the last ones only that it gave up. */
function firstErrors(text: string | undefined): string {
  const errors = (text ?? '').split('\n').filter((line) => /^(fatal|error):/.test(line.trim()));
  return errors.length > 0 ? errors.slice(0, 2).join(' ').slice(0, 400) : oneLine(text);
}

function oneLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n').slice(-2).join(' ').slice(0, 400);
}
