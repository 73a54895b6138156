// Evidence that survives however the suite is run, through node dist/index.js on real builds:
// a crash behind `| tee`, a run that tested nothing, the interpreter that really ran the tests,
// an order-dependent failure new on head, a unittest project compared by its counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const interpreters = realInterpreters() ?? {};
const tools = pytoolsPath() ?? '';
const git = gitWith(process.env);
const QUICK = { 'measure-minutes': '0.1', comment: 'off', 'startup-imports': 'json' };

/** A pull request: `base` files committed, then `head` changes on top; the event names both. */
function pullRequest(options: { files: Record<string, string>; head: Record<string, string | null> }): {
  dir: string;
  env: Record<string, string>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-pr-'));
  const write = (files: Record<string, string | null>): void => {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) rmSync(join(dir, path));
      else writeFileSync(join(dir, path), text);
    }
  };
  git(dir, 'init', '-q', '-b', 'main');
  write(options.files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  write(options.head);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'head');
  const head = git(dir, 'rev-parse', 'HEAD');
  return { dir, env: pullRequestEnv({ base, head }) };
}

const freeThreaded = interpretersSkipReason(['3.13t']);
describe.skipIf(freeThreaded !== null)(
  `on real 3.13t${freeThreaded ? ` (skipped: ${freeThreaded})` : ''}`,
  () => {
    it('the crashy fixture through `| tee`: the SIGSEGV and the hang named, and fail-on crash fails the step', async () => {
      const run = await runAction({
        cwd: copyProject(join(ROOT, '__tests__', 'fixtures', 'crashy')),
        inputs: {
          ...QUICK,
          variants: '3.13t',
          interpreters: interpretersInput(interpreters, ['3.13t']),
          'install-command': pytoolsInstallCommand(tools),
          'test-command': 'python -m pytest -q tests/test_crash.py tests/test_hang.py 2>&1 | tee pytest.log',
          'command-timeout-minutes': '0.15',
          'fail-on': 'crash',
        },
        env: { CPV_FIXTURE_CRASH: '1' },
      });
      const [v] = run.report!.variants;
      expect(v?.tests).toMatchObject({ status: 'crashed', exitCode: 0, crashed: 1, timedOut: 1 });
      expect(v?.tests.crashes.map((c) => [c.test, c.kind, c.signal])).toEqual([
        ['tests/test_crash.py::test_segfault', 'signal', 'SIGSEGV'],
        ['tests/test_hang.py::test_hangs_forever', 'timeout', null],
      ]);
      expect(run.report!.verdictReasons).toEqual(['fail-on crash: 2 findings (3.13t)']);
      expect(run.exitCode).toBe(1);
    });

    it('a test command that runs another interpreter: an error naming both, and no figures under the label', async () => {
      const run = await runAction({
        cwd: copyProject(join(ROOT, 'examples')),
        inputs: {
          ...QUICK,
          variants: '3.13t',
          interpreters: interpretersInput(interpreters, ['3.13t']),
          'install-command': pytoolsInstallCommand(tools),
          // What `uv run pytest` or `python3.13 -m pytest` does: the venv's python is not the one running.
          'test-command': `PYTHONPATH="$PYTHONPATH:${tools}" ${interpreters['3.13']} -m pytest -q`,
        },
      });
      const [v] = run.report!.variants;
      expect(v?.install.ok).toBe(false);
      expect(v?.install.error).toMatch(
        new RegExp(
          `^the tests ran on ${interpreters['3.13']!.replace(/[.+]/g, '\\$&')} \\(CPython 3\\.13\\.5, with the GIL\\), not on 3\\.13t's .*/bin/python \\(CPython 3\\.13\\.5, free-threaded\\)`,
        ),
      );
      expect(v?.install.error).toContain('`uv run --active` or UV_PROJECT_ENVIRONMENT');
      expect(v?.tests.status).toBe('not-run');
      expect(v?.startup).toEqual([]);
      expect(run.report!.findings).toMatchObject([{ kind: 'install-failure', variant: '3.13t' }]);
      expect(run.exitCode).toBe(1);
    });
  },
);

const gil = interpretersSkipReason(['3.13']);
describe.skipIf(gil !== null)(`on real 3.13${gil ? ` (skipped: ${gil})` : ''}`, () => {
  it('3.13.99, which no catalog has and no source build can make, is refused before any download or build', async () => {
    const run = await runAction({
      cwd: copyProject(join(ROOT, 'examples')),
      inputs: { ...QUICK, variants: '3.13.99' },
    });
    expect(run.exitCode).toBe(1);
    const error = run.report!.variants[0]?.install.error ?? '';
    expect(error).toMatch(
      /^Input 'variants' has the value "3\.13\.99": CPython 3\.13\.99 is not in .*, which knows .*3\.13 \(3\.13\.0 to 3\.13\.\d+\).*; and no source build can make it: the newest 3\.13 known is 3\.13\.\d+/,
    );
    expect(run.report!.errors).toEqual([`3.13.99: ${error}`]);
    expect(run.stdout).not.toMatch(/built from source|Downloaded|python\.org\/ftp/);
    expect(run.report!.verdictReasons).toContain('the run stopped with an error');
  });

  it('3.13 3.13.99?: the optional variant fails to install as a finding, and the step passes', async () => {
    const run = await runAction({
      cwd: copyProject(join(ROOT, 'examples')),
      inputs: {
        ...QUICK,
        variants: '3.13 3.13.99?',
        // One shared list for every matrix leg: the line for a variant this leg does not request is set aside.
        interpreters: `${interpretersInput(interpreters, ['3.13'])}\n3.14t=/opt/elsewhere/python3.14t`,
        'install-command': pytoolsInstallCommand(tools),
        'test-command': 'python -m pytest -q',
      },
    });
    expect(run.report!.findings).toMatchObject([{ kind: 'install-failure', variant: '3.13.99' }]);
    expect(run.stdout).toMatch(
      /^::notice::interpreters: ignored the lines for 3\.14t, not among the variants \(3\.13, 3\.13\.99\)$/m,
    );
    expect(run.report!.verdict).toBe('pass');
    expect(run.exitCode).toBe(0);
  });

  it('an order-dependent failure new on head is a new failure that fails the step by default', async () => {
    const test = (polluter: boolean): string =>
      [
        'CACHE = {}',
        '',
        ...(polluter ? ['def test_leaves_state_behind():', '    CACHE["user"] = "alice"', ''] : []),
        'def test_reads_clean_state():',
        '    assert CACHE == {}',
        '',
      ].join('\n');
    const pr = pullRequest({
      files: { 'test_state.py': test(false) },
      head: { 'test_state.py': test(true) },
    });
    const run = await runAction({
      cwd: pr.dir,
      env: pr.env,
      inputs: {
        ...QUICK,
        variants: '3.13',
        interpreters: interpretersInput(interpreters, ['3.13']),
        'install-command': pytoolsInstallCommand(tools),
        'test-command': 'python -m pytest -q -p no:cacheprovider',
      },
    });
    expect(run.report!.findings).toMatchObject([
      {
        kind: 'new-failure',
        against: 'base',
        name: 'test_state.py::test_reads_clean_state',
        detail: expect.stringMatching(
          /^order-dependent: .*ran before it: test_state\.py::test_leaves_state_behind$/,
        ),
      },
    ]);
    expect(run.exitCode).toBe(1);
  });

  it('a unittest project (no pytest): head fails 3 tests, base 1: a new failure, by the runner’s counts', async () => {
    const suite = (failing: number): string =>
      [
        'import unittest',
        '',
        'class T(unittest.TestCase):',
        ...Array.from({ length: 5 }, (_, i) => [
          `    def test_${i}(self):`,
          `        self.assertTrue(${i >= failing ? 'True' : 'False'})`,
        ]).flat(),
        '',
      ].join('\n');
    const pr = pullRequest({ files: { 'test_unit.py': suite(1) }, head: { 'test_unit.py': suite(3) } });
    const run = await runAction({
      cwd: pr.dir,
      env: pr.env,
      inputs: {
        ...QUICK,
        variants: '3.13',
        interpreters: interpretersInput(interpreters, ['3.13']),
        'install-command': '',
        'test-command': 'python -m unittest -v',
      },
    });
    const [v] = run.report!.variants;
    expect(v?.tests).toMatchObject({ status: 'failed', failed: 3, passed: 2 });
    expect(v?.base?.tests).toMatchObject({ status: 'failed', failed: 1, passed: 4 });
    expect(run.report!.findings).toMatchObject([
      {
        kind: 'new-failure',
        name: null,
        detail:
          "3 failed by the runner's summary, 1 on the base commit; the tests could not be compared one by one",
      },
    ]);
    expect(run.stdout).toContain('the tests could not be compared one by one');
    expect(run.exitCode).toBe(1);
  });
});
