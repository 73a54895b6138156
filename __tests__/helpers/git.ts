// Git for the tests' throwaway repositories: a fixed identity, so commits work on a machine
// with no git config.
import { execFileSync } from 'node:child_process';

export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'cpv',
  GIT_AUTHOR_EMAIL: 'cpv@example.invalid',
  GIT_COMMITTER_NAME: 'cpv',
  GIT_COMMITTER_EMAIL: 'cpv@example.invalid',
} as const;

/** `git(cwd, ...args)` run with `env` and GIT_IDENTITY; its trimmed output. */
export function gitWith(env: NodeJS.ProcessEnv): (cwd: string, ...args: string[]) => string {
  const withIdentity = { ...env, ...GIT_IDENTITY };
  return (cwd, ...args) => execFileSync('git', args, { cwd, env: withIdentity, encoding: 'utf8' }).trim();
}
