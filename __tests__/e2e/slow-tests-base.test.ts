// Tests a pull request makes much slower than its base commit, on a real 3.13 (node dist/index.js):
// nothing fails, so only the base run for durations under the reference runs the base commit's
// tests; the test head slows down is listed, confirmed by lone reruns interleaved base/head. A
// head that only edits the README (A/A) lists nothing.
import { readFileSync, writeFileSync } from 'node:fs';
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

const skip = interpretersSkipReason(['3.13']);
const FIXTURE = join(ROOT, '__tests__', 'fixtures', 'durations-base');
const PARSES = 'tests/test_work.py::test_parses';
const A_A_RUNS = 3;
// Startup sampling of head and base may take most of the two measure-minutes.
const RUN_TIMEOUT_MS = 5 * 60_000;

const git = gitWith(process.env);

/** A repository whose head commit makes test_parses sleep 0.8 s instead of 0.02 s, or only edits the README. */
function repository(change: 'slower' | 'readme'): { dir: string; base: string; head: string } {
  const dir = copyProject(FIXTURE);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  if (change === 'slower') {
    const file = join(dir, 'tests', 'test_work.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace('PARSE_SECONDS = 0.02', 'PARSE_SECONDS = 0.8'));
  } else writeFileSync(join(dir, 'README.md'), 'changed on head\n');
  git(dir, 'commit', '-qam', 'head');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

async function runOnPullRequest(repo: { dir: string; base: string; head: string }) {
  return runAction({
    cwd: repo.dir,
    inputs: {
      variants: '3.13',
      interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13']),
      'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
      'test-command': 'python -m pytest -q',
      'thread-stress': 'off',
      // Its tenth, 12 s, pays for three rounds of test_parses alone on base and on head.
      'measure-minutes': '2',
      comment: 'off',
    },
    env: pullRequestEnv(repo),
  });
}

describe.skipIf(skip !== null)(
  `tests a pull request makes slower${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it(
      'lists the test head made 40x slower, with reruns that agree, and never fails the check for it',
      async () => {
        const run = await runOnPullRequest(repository('slower'));
        expect(run.stderr).toBe('');
        const [v] = run.report!.variants;
        expect(v?.tests).toMatchObject({ status: 'passed', passed: 3 });
        // Nothing failed: the base commit's tests ran for their durations alone.
        expect(v?.base?.tests).toMatchObject({ status: 'passed', passed: 3 });
        expect(run.stdout).toContain('3.13: tests on the base commit, for their durations');
        expect(v?.slowTests).toBeUndefined();
        expect(v?.slowTestsVsBase).toEqual([expect.objectContaining({ id: PARSES })]);
        const parses = v!.slowTestsVsBase![0]!;
        const [agreed, reruns] = parses.agreed.split('/').map(Number);
        expect(reruns).toBe(3);
        expect(agreed).toBeGreaterThanOrEqual(2);
        expect(parses.ratio).toBeGreaterThanOrEqual(2);
        expect(parses.seconds - parses.baseSeconds).toBeGreaterThanOrEqual(0.5);
        expect(parses.reruns.base).toHaveLength(3);
        expect(parses.reruns.head).toHaveLength(3);
        // Printed for the closing note: the figures behind the line.
        console.log(`${PARSES}: ${JSON.stringify(parses)}; base suite ${v!.base!.tests!.durationMs} ms`);
        expect(run.stdout).toContain('🐢 Tests this PR makes slower (1)');
        expect(run.stdout).toMatch(
          /- `tests\/test_work\.py::test_parses`: [\d.]+ s on base, [\d.]+ s on this PR under `3\.13` \([\d.]+x slower; [23] of 3 reruns agree: /,
        );
        expect(run.stdout).not.toContain('test_steady`:');
        expect(run.report!.findings.filter((f) => f.name === PARSES)).toEqual([]);
        expect(run.report!.verdict).toBe('pass');
        expect(run.exitCode).toBe(0);
      },
      RUN_TIMEOUT_MS,
    );

    it(
      `A/A: a head with the same code as its base lists nothing, ${A_A_RUNS} runs out of ${A_A_RUNS}`,
      async () => {
        for (let i = 0; i < A_A_RUNS; i += 1) {
          const run = await runOnPullRequest(repository('readme'));
          expect(run.stderr).toBe('');
          const [v] = run.report!.variants;
          expect(v?.base?.tests).toMatchObject({ status: 'passed', passed: 3 });
          expect(v?.slowTestsVsBase).toBeUndefined();
          expect(run.stdout).not.toContain('🐢');
          expect(run.exitCode).toBe(0);
        }
      },
      A_A_RUNS * RUN_TIMEOUT_MS,
    );
  },
);
