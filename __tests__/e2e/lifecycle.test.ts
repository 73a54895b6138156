// The action as shipped (node dist/index.js) when the world is unkind: a cancel (SIGTERM, SIGINT), a full or
// unwritable output folder, a refused input, a test that leaves a child behind.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interpretersInput, pytoolsInstallCommand, runAction, type ActionRun } from '../helpers/action.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';
import { running } from '../helpers/processes.js';
import { parseOutputs } from '../helpers/report-run.js';

async function waitForFile(path: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (existsSync(path) && readFileSync(path, 'utf8').endsWith('\n')) return readFileSync(path, 'utf8');
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not appear within ${ms} ms`);
}

/**
 * Starts the action, sends it `signal` (SIGTERM unless given) once the tests have written
 * `pidFile` (`PID PID...` and a newline), and times how long it takes to exit from there.
 */
async function cancelWhenReady(options: {
  cwd: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  pidFile: string;
  signal?: 'SIGTERM' | 'SIGINT';
}): Promise<{ run: ActionRun; pids: number[]; seconds: number }> {
  let child: ChildProcess | undefined;
  const done = runAction({
    cwd: options.cwd,
    inputs: options.inputs,
    env: options.env,
    onSpawn: (c) => (child = c),
  });
  const pids = (await waitForFile(options.pidFile, 180_000)).trim().split(' ').map(Number);
  const signalled = Date.now();
  const signal = options.signal ?? 'SIGTERM';
  child?.kill(signal);
  const run = await done;
  const seconds = (Date.now() - signalled) / 1000;
  console.log(`cancelled: report written and exited ${seconds.toFixed(2)} s after ${signal}`);
  return { run, pids, seconds };
}

/** The runner's file commands: GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, as empty files the action appends to. */
function runnerFiles(): {
  env: Record<string, string>;
  outputs: () => Record<string, string>;
  summary: () => string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-runner-'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return {
    env: { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    outputs: () => parseOutputs(readFileSync(output, 'utf8')),
    summary: () => readFileSync(summary, 'utf8'),
  };
}

// The machine's own Python (any 3.x): these runs need no provisioned build and no pytest.
const SYSTEM_PYTHON = '/usr/bin/python3';
const systemLabel = existsSync(SYSTEM_PYTHON)
  ? execFileSync(SYSTEM_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    }).trim()
  : null;

function systemInputs(testCommand: string): Record<string, string> {
  return {
    variants: systemLabel ?? '',
    interpreters: `${systemLabel}=${SYSTEM_PYTHON}`,
    'install-command': 'true',
    'test-command': testCommand,
    'thread-stress': 'off',
    'measure-minutes': '0.05',
  };
}

/** A passing run on the machine's Python whose output folder is RUNNER_TEMP's, as on a runner. */
async function runWithRunnerTemp(
  runnerTemp: string,
): Promise<{ run: ActionRun; runner: ReturnType<typeof runnerFiles> }> {
  const runner = runnerFiles();
  const run = await runAction({
    cwd: mkdtempSync(join(tmpdir(), 'cpv-lifecycle-')),
    inputs: systemInputs('python -c pass'),
    env: { ...runner.env, CPV_OUTPUT_DIR: '', RUNNER_TEMP: runnerTemp },
  });
  return { run, runner };
}

const project = (): string => mkdtempSync(join(tmpdir(), 'cpv-lifecycle-'));

describe('node dist/index.js: refused inputs', () => {
  it('still writes report.json with the error and sets the report and verdict outputs', async () => {
    const runner = runnerFiles();
    const run = await runAction({ cwd: project(), inputs: { variants: '3.13t+jit' }, env: runner.env });
    expect(run.exitCode).toBe(1);
    expect(run.report).toMatchObject({
      variants: [],
      verdict: 'fail',
      refused: { input: 'variants', value: '3.13t+jit' },
    });
    expect(run.report?.errors[0]).toMatch(/^Input 'variants' has the value "3\.13t\+jit": .*JIT/);
    const outputs = runner.outputs();
    expect(outputs).toMatchObject({ report: join(run.outputDir, 'report.json'), verdict: 'fail' });
    expect(runner.summary()).toContain('_No variant was reported._');
  });
});

describe.skipIf(systemLabel === null)(`node dist/index.js on the machine's ${SYSTEM_PYTHON}`, () => {
  it("ends a test's background child with the command", async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'cpv-bg-')), 'pid');
    const started = `import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); open('${pidFile}', 'w').write(f'{p.pid}\\n')`;
    const run = await runAction({ cwd: project(), inputs: systemInputs(`python -c "${started}"`) });
    expect(run.report?.variants[0]?.tests.status).toBe('passed');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(running(pid)).toBe(false);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'on %s during the tests ends them, writes report.json marked cancelled within seconds, and exits %i',
    async (signal, code) => {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'cpv-term-')), 'pids');
      const hang = `import os, subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); open('${pidFile}', 'w').write(f'{os.getpid()} {p.pid}\\n'); time.sleep(120)`;
      const runner = runnerFiles();
      const { run, pids, seconds } = await cancelWhenReady({
        cwd: project(),
        inputs: systemInputs(`python -c "${hang}"`),
        env: runner.env,
        pidFile,
        signal,
      });
      expect(seconds).toBeLessThan(5);
      expect(run.exitCode).toBe(code);
      expect(run.report?.cancelled).toEqual({ signal, during: `${systemLabel}: tests` });
      expect(run.report?.verdict).toBe('fail');
      expect(run.report?.verdictReasons).toEqual([`the run was cancelled by ${signal}`]);
      expect(run.report?.variants[0]?.tests.status).toBe('not-run');
      for (const pid of pids) expect(running(pid)).toBe(false);
      expect(runner.outputs()).toMatchObject({ verdict: 'fail', report: join(run.outputDir, 'report.json') });
      expect(runner.summary()).toContain(`cancelled by ${signal}`);
    },
  );

  it('with an output folder that cannot be made, names it and RUNNER_TEMP, and still writes the summary and outputs', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cpv-temp-')), 'a-file');
    writeFileSync(file, '');
    const { run, runner } = await runWithRunnerTemp(file);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `::error::cpython-variants could not write its report: could not make the folder for report.json in ${file}/cpython-variants (the folder chosen by the environment variable RUNNER_TEMP): ENOTDIR`,
    );
    expect(runner.summary()).toContain('could not make the work folder');
    expect(runner.outputs()).toMatchObject({ verdict: 'fail', report: '' });
  });
});

// A real full file system: a tmpfs of one page, filled. Only where this process may mount (root).
const MOUNT = mkdtempSync(join(tmpdir(), 'cpv-full-'));
const mounted = ((): boolean => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', MOUNT], { stdio: 'ignore' });
    writeFileSync(join(MOUNT, 'filler'), Buffer.alloc(4096));
    return true;
  } catch {
    return false;
  }
})();
afterAll(() => {
  if (mounted) execFileSync('umount', [MOUNT]);
});

describe.skipIf(!mounted || systemLabel === null)(
  'node dist/index.js with RUNNER_TEMP on a full file system',
  () => {
    it('leaves no report.json at all rather than a truncated one, and says where', async () => {
      const folder = join(MOUNT, 'cpython-variants');
      mkdirSync(folder, { recursive: true });
      const { run, runner } = await runWithRunnerTemp(MOUNT);
      expect(run.exitCode).toBe(1);
      expect(readdirSync(folder).filter((f) => f !== 'work')).toEqual([]);
      expect(run.stdout).toMatch(
        new RegExp(
          `::error::cpython-variants could not write its report: could not write report\\.json in ${folder} \\(the folder chosen by the environment variable RUNNER_TEMP\\): ENOSPC`,
        ),
      );
      expect(runner.summary()).toContain('CPython variants');
      expect(runner.outputs()).toMatchObject({ verdict: 'fail', report: '' });
    });
  },
);

const REAL = ['3.13', '3.13t'];
const realSkip = interpretersSkipReason(REAL);

describe.skipIf(realSkip !== null)(
  `node dist/index.js on real 3.13 and 3.13t, cancelled${realSkip ? ` (skipped: ${realSkip})` : ''}`,
  () => {
    it('keeps the variant that finished, ends the hanging pytest and its child, and says where it stopped', async () => {
      const dir = project();
      const pidFile = join(dir, 'pids');
      const leftover = join(dir, 'leftover');
      mkdirSync(join(dir, 'tests'));
      writeFileSync(
        join(dir, 'tests', 'test_cancel.py'),
        [
          'import os, subprocess, sys, sysconfig, time',
          '',
          'def test_hangs_without_the_gil():',
          "    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])",
          "    if not sysconfig.get_config_var('Py_GIL_DISABLED'):",
          `        open(${JSON.stringify(leftover)}, 'w').write(f'{child.pid}\\n')`,
          '        return',
          `    open(${JSON.stringify(pidFile)}, 'w').write(f'{os.getpid()} {child.pid}\\n')`,
          '    time.sleep(120)',
          '',
        ].join('\n'),
      );
      const runner = runnerFiles();
      const { run, pids, seconds } = await cancelWhenReady({
        cwd: dir,
        inputs: {
          variants: REAL.join(' '),
          interpreters: interpretersInput(realInterpreters() ?? {}, REAL),
          'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
          'test-command': 'python -m pytest -q -p no:cacheprovider tests',
        },
        env: runner.env,
        pidFile,
      });
      expect(seconds).toBeLessThan(5);
      expect(run.exitCode).toBe(143);
      const report = run.report!;
      expect(report.cancelled).toEqual({ signal: 'SIGTERM', during: '3.13t: tests' });
      expect(report.variants.map((v) => [v.name, v.tests.status, v.tests.passed])).toEqual([
        ['3.13', 'passed', 1],
        ['3.13t', 'not-run', 0],
      ]);
      expect(report.findings).toEqual([]);
      // The hanging test, its child, and the child the finished variant's test left behind.
      for (const pid of [...pids, Number(readFileSync(leftover, 'utf8'))]) expect(running(pid)).toBe(false);
      expect(runner.outputs()).toMatchObject({ verdict: 'fail', report: join(run.outputDir, 'report.json') });
    });
  },
);
