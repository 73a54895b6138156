// Records over exit codes, on a real CPython 3.13 through the real process runner: a crash
// behind a pipe, a session fixture's teardown, an order-dependent failure, an xdist worker
// killed without a word, a child's `Fatal Python error` that a passing test expected.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { scrubEnvironment } from '../../src/domain/environment.js';
import { runTestSuite, type TestRunOptions } from '../../src/suite/tests.js';
import {
  interpretersSkipReason,
  makeVenv,
  realInterpreters,
  venvEnv,
  xdistPath,
  type TestVenv,
} from '../helpers/interpreters.js';

const FIXTURES = new URL('../fixtures/evidence', import.meta.url).pathname;
const CRASHY = new URL('../fixtures/crashy', import.meta.url).pathname;
const runner = new SpawnRunner();
const scratch = mkdtempSync(join(tmpdir(), 'cpv-evidence-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(source: string): string {
  const dir = mkdtempSync(join(scratch, 'project-'));
  cpSync(source, dir, { recursive: true });
  return dir;
}

const venvs = new Map<string, TestVenv>();
function venv(options: { xdist?: boolean } = {}): TestVenv {
  const key = options.xdist ? 'xdist' : 'plain';
  const made = venvs.get(key);
  if (made) return made;
  const python = realInterpreters()?.['3.13'];
  if (python === undefined) throw new Error('no 3.13 interpreter');
  const extraPaths = options.xdist ? [xdistPath() ?? ''] : [];
  const fresh = makeVenv({ python, dir: join(scratch, `venv-${key}`), extraPaths });
  venvs.set(key, fresh);
  return fresh;
}

function run(
  options: Partial<TestRunOptions> & { cwd: string; venv: TestVenv; extraEnv?: Record<string, string> },
) {
  return runTestSuite({
    runner,
    command: 'python -m pytest -q -p no:cacheprovider',
    env: scrubEnvironment(venvEnv(options.venv, process.env, options.extraEnv)),
    timeoutMs: 60_000,
    workDir: mkdtempSync(join(scratch, 'work-')),
    reruns: 2,
    freeThreaded: false,
    ...options,
  });
}

const skip = interpretersSkipReason(['3.13']);
describe.skipIf(skip !== null)(
  `evidence from the records on real 3.13${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('a segfault behind `| tee` is a crash of the test, though the pipeline exits 0', async () => {
      const { summary } = await run({
        cwd: project(CRASHY),
        venv: venv(),
        command: 'python -m pytest -q -p no:cacheprovider tests/test_crash.py 2>&1 | tee pytest.log',
        extraEnv: { CPV_FIXTURE_CRASH: '1' },
      });
      expect(summary.exitCode).toBe(0);
      expect(summary).toMatchObject({ status: 'crashed', signal: 'SIGSEGV', crashed: 1 });
      expect(summary.crashes).toMatchObject([
        { test: 'tests/test_crash.py::test_segfault', signal: 'SIGSEGV', reproduced: '2/2' },
      ]);
      // The suite went on past the crash.
      expect(
        summary.cases.find((c) => c.id === 'tests/test_crash.py::test_after_the_crash_in_the_same_file')
          ?.outcome,
      ).toBe('passed');
    });

    it("a segfault in a session fixture's teardown is blamed on the fixture, not on the last test", async () => {
      const { summary } = await run({ cwd: project(join(FIXTURES, 'fixture-teardown')), venv: venv() });
      expect(summary.status).toBe('crashed');
      expect(summary.crashes).toMatchObject([
        {
          test: 'fixture database (session scope), teardown',
          during: 'tests/test_rows.py::test_last',
          phase: 'teardown',
          fixture: { name: 'database', scope: 'session', file: 'tests/conftest.py' },
          signal: 'SIGSEGV',
          // Alone, test_last sets the fixture up and tears it down again: the same crash.
          reproduced: '2/2',
          file: 'tests/conftest.py',
        },
      ]);
      expect(summary.cases.map((c) => [c.id, c.outcome])).toEqual([
        ['tests/test_rows.py::test_rows', 'passed'],
        ['fixture database (session scope), teardown', 'crashed'],
      ]);
    });

    it('a failure that comes back in the same order but not alone is order-dependent, not flaky', async () => {
      const { summary } = await run({ cwd: project(join(FIXTURES, 'order-dependent')), venv: venv() });
      const failed = summary.cases.find((c) => c.id === 'tests/test_state.py::test_reads_clean_state');
      expect(failed).toMatchObject({
        outcome: 'failed',
        orderDependent: {
          before: ['tests/test_state.py::test_leaves_state_behind', 'tests/test_state.py::test_unrelated'],
        },
      });
      expect(failed?.flaky).toBeUndefined();
    });

    it('a test that passes while a child it runs dies of a Fatal Python error is no crash', async () => {
      const dir = mkdtempSync(join(scratch, 'unittest-'));
      cpSync(join(FIXTURES, 'child-crash'), dir, { recursive: true });
      const { summary } = await run({ cwd: dir, venv: venv(), command: 'python -m unittest -v 2>&1' });
      expect(summary.outputTail).toContain('Fatal Python error');
      expect(summary).toMatchObject({ status: 'passed', crashed: 0, passed: 1 });
    });

    const xdistSkip = xdistPath() === null ? 'pytest-xdist is not unpacked (scripts/provision.sh)' : null;
    it.skipIf(xdistSkip !== null)(
      `xdist workers SIGKILLed without a word and segfaulted: each test named, crashed, with its signal${xdistSkip ? ` (skipped: ${xdistSkip})` : ''}`,
      async () => {
        const { summary } = await run({
          cwd: project(join(FIXTURES, 'xdist-kill')),
          venv: venv({ xdist: true }),
          command: 'python -m pytest -q -p no:cacheprovider -n 2',
          reruns: 1,
        });
        expect(summary.status).toBe('crashed');
        // Each dead worker's test, with its own signal: the segfault's from its dump, SIGKILL for the silent one.
        expect(summary.crashes.map((c) => [c.test, c.signal]).sort()).toEqual([
          ['tests/test_kill.py::test_killed', 'SIGKILL'],
          ['tests/test_segv.py::test_segfaults', 'SIGSEGV'],
        ]);
        expect(summary.cases.find((c) => c.id === 'tests/test_kill.py::test_killed')?.outcome).toBe(
          'crashed',
        );
        expect(
          summary.cases
            .filter((c) => c.outcome === 'passed')
            .map((c) => c.id)
            .sort(),
        ).toEqual(['tests/test_kill.py::test_fine', 'tests/test_kill.py::test_fine_too']);
      },
    );
  },
);
