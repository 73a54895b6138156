// End to end on the real CPython builds, through the real process runner: the crashy fixture
// project crashes, hangs, re-enables the GIL and races under 3.13t, and passes under 3.13.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { scrubEnvironment } from '../../src/domain/environment.js';
import { runTestSuite, type TestRunOptions, type TestRunResult } from '../../src/suite/tests.js';
import {
  interpretersSkipReason,
  makeVenv,
  realInterpreters,
  venvEnv,
  type TestVenv,
} from '../helpers/interpreters.js';

const FIXTURE = new URL('../fixtures/crashy', import.meta.url).pathname;
const runner = new SpawnRunner();
const scratch = mkdtempSync(join(tmpdir(), 'cpv-tests-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Long enough for a normal session of the fixture on a loaded 2-core machine; the hang costs it twice.
const HANG_TIMEOUT_MS = 8_000;

function project(name: string): string {
  const dir = join(scratch, name);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function venvFor(variant: string): TestVenv {
  const python = realInterpreters()?.[variant];
  if (python === undefined) throw new Error(`no interpreter for ${variant}`);
  return makeVenv({ python, dir: join(scratch, `venv-${variant}`) });
}

async function run(
  options: Partial<TestRunOptions> & { venv: TestVenv; cwd: string; extraEnv?: Record<string, string> },
): Promise<{ result: TestRunResult; seconds: number; log: string[] }> {
  const log: string[] = [];
  const started = Date.now();
  const result = await runTestSuite({
    runner,
    command: 'python -m pytest -q',
    env: scrubEnvironment(venvEnv(options.venv, process.env, options.extraEnv)),
    timeoutMs: 60_000,
    workDir: join(scratch, `work-${Math.random().toString(36).slice(2)}`),
    reruns: 3,
    freeThreaded: false,
    log: (line) => log.push(line),
    ...options,
  });
  return { result, seconds: (Date.now() - started) / 1000, log };
}

const outcomes = (result: TestRunResult): Record<string, string> =>
  Object.fromEntries(result.summary.cases.map((c) => [c.id, c.outcome]));

const ORDINARY = {
  'tests/test_basics.py::test_slug': 'passed',
  'tests/test_basics.py::test_mean[values0-2]': 'passed',
  'tests/test_basics.py::test_mean[values1-5]': 'passed',
  'tests/test_basics.py::test_mean_of_nothing': 'passed',
  'tests/test_basics.py::test_python2_only': 'skipped',
  'tests/test_basics.py::test_float_sum_is_exact': 'xfailed',
  'tests/test_crash.py::test_after_the_crash_in_the_same_file': 'passed',
  'tests/test_environment.py::test_no_credentials_in_environment': 'passed',
  'tests/test_flaky.py::test_fails_the_first_time': 'skipped',
  'tests/test_flaky.py::test_crashes_the_first_time': 'skipped',
  'tests/test_strings.py::test_slug_keeps_digits': 'passed',
  'tests/test_strings.py::test_slug_of_one_word': 'passed',
};

const freeThreadedSkip = interpretersSkipReason(['3.13t']);
describe.skipIf(freeThreadedSkip !== null)(
  `the crashy fixture under the free-threaded 3.13t build${freeThreadedSkip ? ` (skipped: ${freeThreadedSkip})` : ''}`,
  () => {
    let run3t: Awaited<ReturnType<typeof run>>;
    beforeAll(async () => {
      run3t = await run({
        venv: venvFor('3.13t'),
        cwd: project('crashy-3.13t'),
        extraEnv: { CPV_FIXTURE_CRASH: '1' },
        timeoutMs: HANG_TIMEOUT_MS,
        freeThreaded: true,
      });
      console.info(`3.13t crashy run with reruns: ${run3t.seconds.toFixed(1)} s`);
    }, 180_000);

    it('names the segfaulting test, its signal and line, and reproduces it 3/3 alone', () => {
      const crash = run3t.result.summary.crashes.find((c) => c.kind === 'signal');
      expect(crash).toMatchObject({
        test: 'tests/test_crash.py::test_segfault',
        signal: 'SIGSEGV',
        reproduced: '3/3',
        flaky: false,
        file: 'tests/test_crash.py',
        line: 13,
      });
      expect(crash?.excerpt).toContain('Fatal Python error: Segmentation fault');
      expect(crash?.excerpt).toContain('in test_segfault');
      expect(crash?.excerpt).not.toContain('pluggy');
    });

    it('names the hung test, dumps where it waited (SIGABRT first), and reruns it once', () => {
      const hang = run3t.result.summary.crashes.find((c) => c.kind === 'timeout');
      expect(hang).toMatchObject({
        test: 'tests/test_hang.py::test_hangs_forever',
        signal: null,
        reproduced: '1/1',
        file: 'tests/test_hang.py',
        line: 9,
      });
      expect(hang?.excerpt).toContain('in test_hangs_forever');
    });

    it('names the module that switched the GIL back on', () => {
      expect(run3t.result.gilReenabledBy).toEqual(['crashy_noglext']);
      expect(outcomes(run3t.result)['tests/test_extension.py::test_extension_without_py_mod_gil']).toBe(
        'passed',
      );
    });

    it('fails the thread-safety assertion, not flaky on rerun', () => {
      const race = run3t.result.summary.cases.find(
        (c) => c.id === 'tests/test_counter.py::test_shared_counter_is_exact',
      );
      expect(race).toMatchObject({ outcome: 'failed', file: 'tests/test_counter.py', line: 9 });
      expect(race?.message).toMatch(/lost \d+ updates/);
      expect(race?.flaky).toBeUndefined();
    });

    it('keeps every other outcome: the suite went on past the crash and the hang', () => {
      expect(outcomes(run3t.result)).toEqual({
        ...ORDINARY,
        'tests/test_counter.py::test_shared_counter_is_exact': 'failed',
        'tests/test_crash.py::test_segfault': 'crashed',
        'tests/test_extension.py::test_extension_without_py_mod_gil': 'passed',
        'tests/test_hang.py::test_hangs_forever': 'timedOut',
      });
      expect(run3t.result.summary).toMatchObject({
        status: 'crashed',
        signal: 'SIGSEGV',
        passed: 9,
        failed: 1,
        errors: 0,
        skipped: 4,
        crashed: 1,
        timedOut: 1,
      });
      expect(run3t.result.warnings).toEqual([]);
    });
  },
);

const defaultSkip = interpretersSkipReason(['3.13']);
describe.skipIf(defaultSkip !== null)(
  `the crashy fixture under the default 3.13 build${defaultSkip ? ` (skipped: ${defaultSkip})` : ''}`,
  () => {
    let venv: TestVenv;
    beforeAll(() => {
      venv = venvFor('3.13');
    });

    it('passes: the race holds under the GIL, the extension keeps it, the crash and hang are opt-in', async () => {
      const { result, seconds } = await run({ venv, cwd: project('crashy-3.13') });
      console.info(`3.13 crashy run: ${seconds.toFixed(1)} s`);
      expect(result.summary).toMatchObject({
        status: 'passed',
        exitCode: 0,
        failed: 0,
        crashed: 0,
        timedOut: 0,
      });
      expect(outcomes(result)).toEqual({
        ...ORDINARY,
        'tests/test_counter.py::test_shared_counter_is_exact': 'passed',
        'tests/test_crash.py::test_segfault': 'skipped',
        'tests/test_extension.py::test_extension_without_py_mod_gil': 'passed',
        'tests/test_hang.py::test_hangs_forever': 'skipped',
      });
      expect(result.summary.crashes).toEqual([]);
      expect(result.gilReenabledBy).toEqual([]);
    });

    it('the tested code sees no credentials when the env is built by scrubEnvironment', async () => {
      const parent = {
        ...process.env,
        GITHUB_TOKEN: 'ghs_secret',
        ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
        INPUT_GITHUB_TOKEN: 'ghs_secret',
        GITHUB_OUTPUT: '/tmp/out',
        GITHUB_STEP_SUMMARY: '/tmp/summary',
      };
      const cwd = project('crashy-credentials');
      const command = 'python -m pytest -q tests/test_environment.py';
      const base = { venv, cwd, command, reruns: 0 };
      const scrubbed = await run({ ...base, env: scrubEnvironment(venvEnv(venv, parent)) });
      expect(scrubbed.result.summary).toMatchObject({ status: 'passed', passed: 1 });
      // The control: the same test does see them when nothing scrubs.
      const leaky = await run({ ...base, env: venvEnv(venv, parent) });
      expect(leaky.result.summary).toMatchObject({ status: 'failed', failed: 1 });
      expect(leaky.result.summary.cases[0]?.message).toContain('GITHUB_TOKEN');
    });

    it('falls back to the summary line when pytest cannot import the plugin (python -I drops PYTHONPATH)', async () => {
      const { result } = await run({
        venv,
        cwd: project('crashy-isolated'),
        command: 'python -I -m pytest -q',
      });
      expect(result.summary).toMatchObject({ status: 'passed', passed: 10, skipped: 6, cases: [] });
      expect(result.warnings.join('\n')).toContain('could not import the per-test recording plugin');
    });

    it('marks a failure and a crash that do not come back on rerun as flaky', async () => {
      const markers = mkdtempSync(join(scratch, 'flaky-'));
      const { result, seconds } = await run({
        venv,
        cwd: project('crashy-flaky'),
        command: 'python -m pytest -q tests/test_flaky.py',
        extraEnv: { CPV_FIXTURE_FLAKY_DIR: markers },
      });
      console.info(`3.13 flaky run with reruns: ${seconds.toFixed(1)} s`);
      expect(result.summary.cases).toMatchObject([
        { id: 'tests/test_flaky.py::test_fails_the_first_time', outcome: 'failed', flaky: true },
        { id: 'tests/test_flaky.py::test_crashes_the_first_time', outcome: 'crashed' },
      ]);
      expect(result.summary.crashes).toMatchObject([
        {
          test: 'tests/test_flaky.py::test_crashes_the_first_time',
          signal: 'SIGSEGV',
          reproduced: '0/3',
          flaky: true,
        },
      ]);
    });

    it('a crash outside pytest: by signal, or as exit 139 from a shell, with the dump', async () => {
      const cwd = project('crashy-plain');
      const segv = 'python -c "import ctypes; ctypes.string_at(0)"';
      for (const command of [segv, `${segv}; exit $?`]) {
        const { result } = await run({ venv, cwd, command });
        expect(result.summary).toMatchObject({ status: 'crashed', signal: 'SIGSEGV', crashed: 1 });
        expect(result.summary.crashes).toMatchObject([
          { test: null, kind: 'signal', signal: 'SIGSEGV', reproduced: null },
        ]);
        expect(result.summary.crashes[0]?.excerpt).toContain('Fatal Python error: Segmentation fault');
      }
    });

    it('a runner that is not pytest: unittest counts, and the plugin stays out of the way', async () => {
      const cwd = mkdtempSync(join(scratch, 'unittest-'));
      writeFileSync(
        join(cwd, 'test_plain.py'),
        [
          'import unittest',
          'class T(unittest.TestCase):',
          '    def test_ok(self): pass',
          '    def test_fails(self): self.assertEqual(1, 2)',
          '    @unittest.skip("not here")',
          '    def test_skip(self): pass',
          '',
        ].join('\n'),
      );
      const { result } = await run({ venv, cwd, command: 'python -m unittest' });
      expect(result.summary).toMatchObject({ status: 'failed', passed: 1, failed: 1, skipped: 1, cases: [] });
      expect(result.warnings.join('\n')).toContain('not pytest');
      // PYTEST_ADDOPTS and the plugin on PYTHONPATH harm nothing outside pytest.
      const plain = await run({
        venv,
        cwd,
        command: 'python -c "import cpv_pytest_plugin, sys; sys.exit(0)"',
      });
      expect(plain.result.summary.status).toBe('passed');
    });
  },
);

const jitSkip = interpretersSkipReason(['3.13+jit']);
describe.skipIf(jitSkip !== null)(
  `the crashy fixture under the JIT build${jitSkip ? ` (skipped: ${jitSkip})` : ''}`,
  () => {
    it('passes with the JIT on', async () => {
      const { result } = await run({
        venv: venvFor('3.13+jit'),
        cwd: project('crashy-jit'),
        extraEnv: { PYTHON_JIT: '1' },
      });
      expect(result.summary).toMatchObject({ status: 'passed', failed: 0, crashed: 0 });
    });
  },
);

describe('outcomes from the process alone (no interpreter needed)', () => {
  it('reads a JUnit file the command wrote during the run', async () => {
    const cwd = mkdtempSync(join(scratch, 'junit-'));
    const xml = new URL('../fixtures/real/pytest-8.3.5-mixed.xml', import.meta.url).pathname;
    const result = await runTestSuite({
      runner,
      command: `: runner --junitxml=out/junit.xml; mkdir -p out; cp ${xml} out/junit.xml; exit 1`,
      cwd,
      env: scrubEnvironment(process.env),
      timeoutMs: 10_000,
      workDir: join(cwd, '.work'),
      reruns: 3,
      freeThreaded: false,
    });
    expect(result.summary).toMatchObject({ status: 'failed', passed: 1, failed: 1, errors: 1, skipped: 2 });
    expect(result.warnings.join('\n')).toContain('outcomes come from its JUnit file');
  });
});
