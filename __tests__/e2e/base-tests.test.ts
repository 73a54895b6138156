// On a pull request, a crash on head is new only if the base commit does not crash too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  copyProject,
  interpretersInput,
  pullRequestEnv,
  pytoolsInstallCommand,
  ROOT,
  runAction,
} from '../helpers/action.js';
import { gitWith } from '../helpers/git.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';

const skip = interpretersSkipReason(['3.13t']);
const SEGV_TEST = [
  'import ctypes, sysconfig',
  '',
  'def test_segfaults_without_the_gil():',
  "    if sysconfig.get_config_var('Py_GIL_DISABLED'):",
  '        ctypes.string_at(0)',
  '',
].join('\n');

const git = gitWith(process.env);

/** A repository whose base commit does (or does not) have the crashing test, and a head that has it. */
function repository(options: { crashOnBase: 'yes' | 'no' }): { dir: string; base: string; head: string } {
  const dir = copyProject(join(ROOT, 'examples'));
  git(dir, 'init', '-q', '-b', 'main');
  if (options.crashOnBase === 'yes') writeFileSync(join(dir, 'tests', 'test_segv.py'), SEGV_TEST);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, 'tests', 'test_segv.py'), SEGV_TEST);
  writeFileSync(join(dir, 'README.md'), 'changed on head\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'head');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

async function runOnPullRequest(repo: { dir: string; base: string; head: string }) {
  return runAction({
    cwd: repo.dir,
    inputs: {
      variants: '3.13t',
      interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13t']),
      'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
      'test-command': 'python -m pytest -q',
      'measure-minutes': '0.2',
      comment: 'off',
    },
    env: pullRequestEnv(repo),
  });
}

describe.skipIf(skip !== null)(`tests on the base commit${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('a crash the base commit has too is reported but is not new, so the default fail-on passes', async () => {
    const run = await runOnPullRequest(repository({ crashOnBase: 'yes' }));
    const [v] = run.report!.variants;
    expect(v?.tests.status).toBe('crashed');
    expect(v?.base?.tests?.status).toBe('crashed');
    expect(run.report!.findings).toContainEqual(
      expect.objectContaining({
        kind: 'crash',
        against: 'base',
        name: 'tests/test_segv.py::test_segfaults_without_the_gil',
      }),
    );
    expect(run.report!.findings.filter((f) => f.kind === 'new-crash')).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('a crash that head brings is new and fails the step', async () => {
    const run = await runOnPullRequest(repository({ crashOnBase: 'no' }));
    expect(run.report!.variants[0]?.base?.tests?.status).toBe('passed');
    expect(run.report!.findings).toContainEqual(
      expect.objectContaining({ kind: 'new-crash', against: 'base' }),
    );
    expect(run.exitCode).toBe(1);
  });
});
