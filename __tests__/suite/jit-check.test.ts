// The JIT as the tested process sees it, on Debian sid's real CPython 3.14 (sys._jit): the test
// plugin records sys._jit.is_enabled() at load, and a +jit run that has it off is said to be.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { scrubEnvironment } from '../../src/domain/environment.js';
import { runTestSuite } from '../../src/suite/tests.js';
import { makeVenv, nextInterpreters, pytoolsPath, venvEnv } from '../helpers/interpreters.js';

const python = nextInterpreters()['3.14+jit'];
const skip =
  python === undefined
    ? 'no CPython 3.14 (scripts/provision.sh writes interpreters-next.txt)'
    : pytoolsPath() === null
      ? 'pytest is not unpacked (scripts/provision.sh)'
      : null;
const scratch = mkdtempSync(join(tmpdir(), 'cpv-jit-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(skip !== null)(`sys._jit in the tested process${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = join(scratch, 'project');
  mkdirSync(join(project, 'tests'), { recursive: true });
  writeFileSync(join(project, 'tests', 'test_x.py'), 'def test_x():\n    assert True\n');

  const run = async (options: { pythonJit: string; jit: boolean }) => {
    const venv = makeVenv({ python: python as string, dir: join(scratch, `venv-${options.pythonJit}`) });
    const log: string[] = [];
    const result = await runTestSuite({
      runner: new SpawnRunner(),
      command: 'python -m pytest -q',
      cwd: project,
      env: scrubEnvironment(venvEnv(venv, process.env, { PYTHON_JIT: options.pythonJit })),
      timeoutMs: 60_000,
      workDir: join(scratch, `work-${options.pythonJit}-${options.jit}`),
      reruns: 0,
      freeThreaded: false,
      jit: options.jit,
      log: (line) => log.push(line),
    });
    return { result, log };
  };

  it('says the JIT was on where PYTHON_JIT=1 reached the tests', async () => {
    const { result } = await run({ pythonJit: '1', jit: true });
    expect(result.summary).toMatchObject({ status: 'passed', passed: 1, jitEnabled: true });
    expect(result.warnings).toEqual([]);
  });

  it('warns when a +jit run had the JIT off (the command reset PYTHON_JIT)', async () => {
    const { result } = await run({ pythonJit: '0', jit: true });
    expect(result.summary).toMatchObject({ status: 'passed', jitEnabled: false });
    expect(result.warnings).toEqual([
      'The tests ran with the JIT off (sys._jit.is_enabled() in the test process), although this variant switches it on: did the command reset PYTHON_JIT?',
    ]);
  });
});
