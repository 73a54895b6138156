// GIL re-enabling, head against base, on a C extension compiled in the test for each interpreter
// (gcc with the interpreter's own headers and suffix, from sysconfig, as install-command). One
// commit declares `Py_mod_gil` (PEP 703), the other does not.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, TOKENS } from '../fakes/github-server.js';
import { interpretersInput, pytoolsInstallCommand } from '../helpers/action.js';
import { gitWith } from '../helpers/git.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';
import { OWNER, PR_NUMBER, REPO, runOnGitHub, type GitHubRun } from '../helpers/report-run.js';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
const skip = hasGcc ? interpretersSkipReason(['3.13', '3.13t']) : 'no gcc to compile the extension';
const git = gitWith(process.env);

function extension(options: { declaresGil: boolean }): string {
  return [
    '#include <Python.h>',
    '',
    'static PyObject *answer(PyObject *self, PyObject *unused) { return PyLong_FromLong(42); }',
    'static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};',
    'static PyModuleDef_Slot slots[] = {',
    ...(options.declaresGil ? ['    {Py_mod_gil, Py_MOD_GIL_NOT_USED},'] : []),
    '    {0, NULL}};',
    'static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "pkg._ext", NULL, 0, methods, slots};',
    'PyMODINIT_FUNC PyInit__ext(void) { return PyModuleDef_Init(&def); }',
    '',
  ].join('\n');
}

// Built by each variant's venv python, in each tree (head's checkout, base's worktree).
const BUILD = [
  'import subprocess, sysconfig',
  "suffix = sysconfig.get_config_var('EXT_SUFFIX')",
  "include = sysconfig.get_path('include')",
  "subprocess.check_call(['gcc', '-shared', '-fPIC', '-O0', '-I' + include, 'pkg/_ext.c', '-o', 'pkg/_ext' + suffix])",
  '',
].join('\n');

// The venv's python by path: the extension must be built by the variant's own interpreter, and a
// ~/.bashrc that puts pyenv first on PATH would make a bare `python` another one.
const VENV_PYTHON = '"$VIRTUAL_ENV/bin/python"';

const TEST = 'from pkg import _ext\n\n\ndef test_answer():\n    assert _ext.answer() == 42\n';

/** base and head of a project whose extension declares Py_mod_gil on one side only. */
function repository(options: { baseDeclares: boolean }): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-gil-'));
  mkdirSync(join(dir, 'pkg'));
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, '.gitignore'), '*.so\n');
  writeFileSync(join(dir, 'build_ext.py'), BUILD);
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  writeFileSync(join(dir, 'tests', 'test_ext.py'), TEST);
  writeFileSync(join(dir, 'pkg', '_ext.c'), extension({ declaresGil: options.baseDeclares }));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, 'pkg', '_ext.c'), extension({ declaresGil: !options.baseDeclares }));
  git(dir, 'commit', '-qam', options.baseDeclares ? 'head: drop Py_mod_gil' : 'head: declare Py_mod_gil');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

function runPullRequest(
  repo: { dir: string; base: string; head: string },
  inputs: Record<string, string> = {},
): Promise<GitHubRun> {
  return runOnGitHub({
    apiUrl: github.url,
    token: TOKENS.actions,
    eventName: 'pull_request',
    event: {
      number: PR_NUMBER,
      pull_request: { number: PR_NUMBER, head: { sha: repo.head }, base: { sha: repo.base } },
    },
    cwd: repo.dir,
    inputs: {
      variants: '3.13 3.13t',
      interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13', '3.13t']),
      'install-command': `${VENV_PYTHON} build_ext.py && ${pytoolsInstallCommand(pytoolsPath() ?? '').replace(/^python /, `${VENV_PYTHON} `)}`,
      'test-command': `${VENV_PYTHON} -m pytest -q -p no:cacheprovider`,
      'startup-imports': 'pkg',
      'measure-minutes': '0.05',
      ...inputs,
    },
    env: { GITHUB_SHA: repo.head },
  });
}

const gilFindings = (run: GitHubRun) =>
  (run.report?.findings ?? []).filter((f) => f.metric === 'gil').map((f) => [f.kind, f.variant, f.name]);

describe.skipIf(skip !== null)(
  `GIL re-enabling, head against base${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('head drops Py_mod_gil: new-gil-reenabled under 3.13t naming the module, nothing under 3.13', async () => {
      const result = await runPullRequest(repository({ baseDeclares: true }), {
        'fail-on': 'new-gil-reenabled',
      });

      const [gil, freeThreaded] = result.report?.variants ?? [];
      expect(freeThreaded?.gil.reenabledBy).toEqual(['pkg._ext']);
      expect(freeThreaded?.base?.gil).toEqual({ reenabledBy: [] });
      expect(gil?.gil.reenabledBy).toEqual([]);
      expect(gilFindings(result)).toEqual([['new-gil-reenabled', '3.13t', 'pkg._ext']]);
      expect(result.report?.verdictReasons).toEqual(['fail-on new-gil-reenabled: 1 finding (3.13t)']);
      expect(result.exitCode).toBe(1);
      const [comment] = github.comments({ owner: OWNER, repo: REPO, number: PR_NUMBER });
      expect(comment?.body).toContain('This PR makes `pkg._ext` re-enable the GIL under `3.13t`');
    });

    it('head declares Py_mod_gil: reported as an improvement, and the check passes', async () => {
      const result = await runPullRequest(repository({ baseDeclares: false }), {
        comment: 'off',
        variants: '3.13t',
        interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13t']),
      });

      const [freeThreaded] = result.report?.variants ?? [];
      expect(freeThreaded?.gil.reenabledBy).toEqual([]);
      expect(freeThreaded?.base?.gil).toEqual({ reenabledBy: ['pkg._ext'] });
      expect(gilFindings(result)).toEqual([['improvement', '3.13t', 'pkg._ext']]);
      expect(result.exitCode).toBe(0);
      expect(result.summary).toContain('This PR makes `pkg._ext` run without the GIL under `3.13t`');
    });
  },
);
