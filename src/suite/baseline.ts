// The baseline commit, finished with git where the event alone cannot tell (domain/baseline.ts
// has the rules). A shallow checkout (actions/checkout's default fetch-depth: 1) gets what is
// missing fetched shallowly: the base commit at depth 1, then history in steps until the merge
// base is found.
import {
  commitParents,
  mergeCommitBaseline,
  planBaseline,
  type Baseline,
  type BaselinePlan,
  type EventFacts,
} from '../domain/baseline.js';
import type { ProcessRunner, Toolkit } from '../ports.js';

export type BaselineOutcome =
  | { readonly ok: true; readonly baseline: Baseline; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

// Enough for most pull requests at the first step; the last one takes whatever is left.
const DEEPEN_STEPS = [50, 500] as const;

type Git = (args: readonly string[]) => Promise<{ ok: boolean; out: string; err: string }>;

function gitIn(options: { runner: ProcessRunner; cwd: string; env: Readonly<Record<string, string>> }): Git {
  return async (args) => {
    const result = await options.runner.run({
      argv: ['git', ...args],
      cwd: options.cwd,
      env: options.env,
      timeoutMs: 10 * 60_000,
    });
    return {
      ok: result.exitCode === 0,
      out: result.stdout.trim(),
      err: oneLine(result.stderr || result.spawnError),
    };
  };
}

/** The commit `plan` means, in the repository around `projectDir`. */
export async function resolveBaseline(options: {
  runner: ProcessRunner;
  projectDir: string;
  plan: Extract<BaselinePlan, { kind: 'pull-request' | 'commit' | 'revision' }>;
  env: Readonly<Record<string, string>>;
}): Promise<BaselineOutcome> {
  const { plan } = options;
  const git = gitIn({ runner: options.runner, cwd: options.projectDir, env: options.env });
  switch (plan.kind) {
    case 'commit':
      // checkoutBase fetches it when the clone lacks it.
      return { ok: true, baseline: { sha: plan.sha, reason: plan.reason }, warnings: [] };
    case 'revision':
      return resolveRevision(git, plan.revision);
    case 'pull-request':
      return resolvePullRequest(git, plan);
  }
}

async function resolveRevision(git: Git, revision: string): Promise<BaselineOutcome> {
  const verify = () => git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  let found = await verify();
  if (!found.ok) {
    await git(['fetch', '--no-tags', '--depth=1', 'origin', revision]);
    found = await verify();
    // A branch name fetched from origin lands in FETCH_HEAD, not under its own name.
    if (!found.ok) found = await git(['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']);
  }
  if (!found.ok) {
    return {
      ok: false,
      error: `compare-base names ${revision}, which is not a commit in the checkout and could not be fetched from origin`,
    };
  }
  return { ok: true, baseline: { sha: found.out, reason: 'given' }, warnings: [] };
}

async function resolvePullRequest(
  git: Git,
  plan: { readonly baseSha: string; readonly headSha: string },
): Promise<BaselineOutcome> {
  const head = await git(['rev-parse', 'HEAD']);
  if (!head.ok) return { ok: false, error: `git rev-parse HEAD failed: ${head.err}` };
  // cat-file reads the parents from the commit object itself, which a shallow clone keeps even
  // where it cut the parents off (rev-parse HEAD^2 would fail there).
  const raw = await git(['cat-file', 'commit', 'HEAD']);
  const merged = mergeCommitBaseline({ parents: commitParents(raw.out), prHeadSha: plan.headSha });
  if (merged) return { ok: true, baseline: merged, warnings: [] };

  const has = async (sha: string) => (await git(['cat-file', '-e', `${sha}^{commit}`])).ok;
  if (!(await has(plan.baseSha))) await git(['fetch', '--no-tags', '--depth=1', 'origin', plan.baseSha]);
  if (!(await has(plan.baseSha))) {
    return {
      ok: false,
      error: `the pull request's base commit ${plan.baseSha} is not in the checkout and could not be fetched; check out with fetch-depth: 0 to measure it`,
    };
  }
  const mergeBase = () => git(['merge-base', 'HEAD', plan.baseSha]);
  let found = await mergeBase();
  const shallow = async () => (await git(['rev-parse', '--is-shallow-repository'])).out === 'true';
  for (const depth of DEEPEN_STEPS) {
    if (found.ok || !(await shallow())) break;
    await git(['fetch', '--no-tags', `--deepen=${depth}`, 'origin', head.out, plan.baseSha]);
    found = await mergeBase();
  }
  if (!found.ok && (await shallow())) {
    await git(['fetch', '--no-tags', '--unshallow', 'origin', head.out, plan.baseSha]);
    found = await mergeBase();
  }
  if (!found.ok) {
    return {
      ok: true,
      baseline: { sha: plan.baseSha, reason: 'pull-request-base' },
      warnings: [
        `no merge base of HEAD and the pull request's base commit ${plan.baseSha} was found (${found.err || 'unrelated histories'}); comparing with the base commit itself, so changes on the base branch may be charged to this pull request`,
      ],
    };
  }
  return { ok: true, baseline: { sha: found.out, reason: 'merge-base' }, warnings: [] };
}

function oneLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n').slice(-2).join(' ').slice(0, 400);
}

/**
 * The baseline for this run, from compare-base and the event, logged with its reason; null when
 * nothing is compared. An error only where compare-base asked for a base explicitly.
 */
export async function chooseBaseline(options: {
  runner: ProcessRunner;
  toolkit: Toolkit;
  projectDir: string;
  setting: 'auto' | 'true' | 'false';
  revision: string | null;
  event: EventFacts;
  env: Readonly<Record<string, string>>;
}): Promise<{ readonly baseline: Baseline | null; readonly error?: string }> {
  const plan = planBaseline({ setting: options.setting, revision: options.revision, event: options.event });
  switch (plan.kind) {
    case 'none':
      options.toolkit.info(`no base commit to compare with: ${plan.why}`);
      return { baseline: null };
    case 'error':
      return { baseline: null, error: plan.error };
    default: {
      const resolved = await resolveBaseline({
        runner: options.runner,
        projectDir: options.projectDir,
        plan,
        env: options.env,
      });
      if (!resolved.ok) {
        if (options.setting === 'true') return { baseline: null, error: resolved.error };
        options.toolkit.warning(`${resolved.error}; not compared with a base commit`);
        return { baseline: null };
      }
      for (const warning of resolved.warnings) options.toolkit.warning(warning);
      options.toolkit.info(`base commit ${resolved.baseline.sha} (${resolved.baseline.reason})`);
      return { baseline: resolved.baseline };
    }
  }
}
