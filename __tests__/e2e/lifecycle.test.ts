// The action as shipped (node dist/index.js) when the world is unkind: a cancel (SIGTERM), a full or
// unwritable output folder, a refused input, a test that leaves a child behind.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
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

  it('on SIGTERM during the tests ends them, writes report.json marked cancelled within seconds, and exits 143', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'cpv-term-')), 'pids');
    const hang = `import os, subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); open('${pidFile}', 'w').write(f'{os.getpid()} {p.pid}\\n'); time.sleep(120)`;
    const runner = runnerFiles();
    let child: ChildProcess | undefined;
    const done = runAction({
      cwd: project(),
      inputs: systemInputs(`python -c "${hang}"`),
      env: runner.env,
      onSpawn: (c) => (child = c),
    });
    const pids = (await waitForFile(pidFile, 60_000)).trim().split(' ').map(Number);
    const signalled = Date.now();
    child?.kill('SIGTERM');
    const run = await done;
    const seconds = (Date.now() - signalled) / 1000;
    console.log(`cancelled report written and exited ${seconds.toFixed(2)} s after SIGTERM`);
    expect(seconds).toBeLessThan(5);
    expect(run.exitCode).toBe(143);
    expect(run.report?.cancelled).toEqual({ signal: 'SIGTERM', during: `${systemLabel}: tests` });
    expect(run.report?.verdict).toBe('fail');
    expect(run.report?.verdictReasons).toEqual(['the run was cancelled by SIGTERM']);
    expect(run.report?.variants[0]?.tests.status).toBe('not-run');
    for (const pid of pids) expect(running(pid)).toBe(false);
    expect(runner.outputs()).toMatchObject({ verdict: 'fail', report: join(run.outputDir, 'report.json') });
    expect(runner.summary()).toContain('cancelled by SIGTERM');
  });

  it('with an output folder that cannot be made, names it and RUNNER_TEMP, and still writes the summary and outputs', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cpv-temp-')), 'a-file');
    writeFileSync(file, '');
    const runner = runnerFiles();
    const run = await runAction({
      cwd: project(),
      inputs: systemInputs('python -c pass'),
      env: { ...runner.env, CPV_OUTPUT_DIR: '', RUNNER_TEMP: file },
    });
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
      const runner = runnerFiles();
      const run = await runAction({
        cwd: project(),
        inputs: systemInputs('python -c pass'),
        env: { ...runner.env, CPV_OUTPUT_DIR: '', RUNNER_TEMP: MOUNT },
      });
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
