// Thread stress through the real process runner, pip and pytest-run-parallel, on the real 3.13
// build: the GIL does not save a lookup table published before it is filled once the plugin sets
// a 1 µs switch interval, so the race shows here too (under 3.13t: __tests__/e2e/thread-stress.test.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { scrubEnvironment } from '../../src/domain/environment.js';
import { variantEnvironment } from '../../src/domain/runtime-env.js';
import { parseVariant } from '../../src/domain/variants.js';
import { createVenv, type Venv } from '../../src/python/venv.js';
import { runTestSuite, type TestRunResult } from '../../src/suite/tests.js';
import {
  stressOnBase,
  stressVariant,
  type StressPlace,
  type StressSettings,
} from '../../src/suite/thread-stress.js';
import { RACY_LOOKUP } from '../helpers/glyphs.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';
import { offlinePipEnv, wheelsSkipReason } from '../helpers/wheels.js';

const skip = interpretersSkipReason(['3.13']) ?? wheelsSkipReason();
const FIXTURE = new URL('../fixtures/glyphs', import.meta.url).pathname;
const LOOKUP = 'tests/test_glyphs.py::test_lookup';
const runner = new SpawnRunner();
const scratch = mkdtempSync(join(tmpdir(), 'cpv-stress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string, options: { racy: boolean }): string {
  const dir = join(scratch, name);
  cpSync(FIXTURE, dir, { recursive: true });
  if (options.racy) {
    const file = join(dir, 'src', 'glyphs', '__init__.py');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/def lookup\(name\):[\s\S]*?return table\[name\]\n/, RACY_LOOKUP));
  }
  return dir;
}

const log: string[] = [];
const settings: StressSettings = {
  runner,
  command: 'python -m pytest -q',
  threads: 4,
  iterations: 3,
  timeoutMs: 120_000,
  log: (line) => log.push(line),
};

describe.skipIf(skip !== null)(`thread stress of one variant${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let venv: Venv;
  const envOf = (extra: Record<string, string> = {}): Record<string, string> =>
    variantEnvironment({
      base: scrubEnvironment({ ...process.env, ...offlinePipEnv(), ...extra }),
      variant: parseVariant('3.13'),
      venv,
    });
  const place = (cwd: string, extra: Record<string, string> = {}): StressPlace => ({
    python: venv.python,
    env: envOf(extra),
    cwd,
  });
  const normalRun = (cwd: string): Promise<TestRunResult> =>
    runTestSuite({
      ...settings,
      cwd,
      env: envOf(),
      workDir: join(scratch, `normal-${Date.now()}`),
      reruns: 1,
      freeThreaded: false,
    });

  beforeAll(async () => {
    // A venv with pip, as the action makes them, that sees the provisioned pytest through a .pth.
    venv = await createVenv(runner, {
      python: realInterpreters()!['3.13']!,
      dir: join(scratch, 'venv'),
      env: envOf(),
    });
    const purelib = await runner.run({
      argv: [venv.python, '-c', "import sysconfig; print(sysconfig.get_path('purelib'))"],
      timeoutMs: 30_000,
    });
    writeFileSync(join(purelib.stdout.trim(), 'cpv-tools.pth'), `${pytoolsPath()}\n`);
  }, 120_000);

  // First: once the other test has installed the plugin into the venv, pip has nothing to fetch.
  it('a plugin pip cannot install: not run, with pip’s reason and a notice', async () => {
    const notices: string[] = [];
    const safe = project('no-wheels', { racy: false });
    const normal = await normalRun(safe);
    const empty = mkdtempSync(join(tmpdir(), 'cpv-empty-wheels-'));
    const stress = await stressVariant({
      settings,
      place: place(safe, { PIP_FIND_LINKS: empty, PIP_NO_INDEX: '1' }),
      normal,
      gil: null,
      workDir: join(scratch, 'stress-none'),
      notice: (m) => notices.push(m),
    });
    expect(stress).toMatchObject({ status: 'not-run', threadUnsafe: 0, tests: [] });
    expect(stress.reason).toMatch(
      /^pip install pytest-run-parallel==0\.10\.0 exited with 1: .*pytest-run-parallel/,
    );
    expect(notices.at(-1)).toMatch(/^thread stress not run: pip install/);
  }, 120_000);

  it('names the test that fails only under threads, counts the single-threaded one, and repeats on base', async () => {
    const notices: string[] = [];
    const racy = project('racy', { racy: true });
    const normal = await normalRun(racy);
    expect(normal.summary).toMatchObject({ status: 'passed', passed: 3 });
    const stress = await stressVariant({
      settings,
      place: place(racy),
      normal,
      gil: null,
      workDir: join(scratch, 'stress'),
      notice: (m) => notices.push(m),
    });
    expect(stress).toMatchObject({
      status: 'ran',
      passed: 1,
      threadUnsafe: 1,
      singleThreaded: 1,
      failedAnyway: 0,
    });
    const lookup = stress.tests.find((t) => t.id === LOOKUP);
    expect(lookup).toMatchObject({ kind: 'thread-unsafe', outcome: 'failed', reason: "KeyError: 'U+FFFF'" });
    expect(Number(lookup?.reproduced?.split('/')[0])).toBeGreaterThanOrEqual(2);
    expect(lookup?.reproduced?.endsWith('/3')).toBe(true);
    expect(stress.tests.find((t) => t.kind === 'single-threaded')?.reason).toContain('monkeypatch');
    expect(stress.runDurationMs).toBeGreaterThan(0);

    const checked = await stressOnBase({
      settings,
      stress,
      place: place(project('safe', { racy: false })),
      workDir: join(scratch, 'stress-base'),
      notice: (m) => notices.push(m),
    });
    expect(checked.tests.find((t) => t.id === LOOKUP)?.onBase).toBe('0/3');
    expect(notices).toEqual([]);
  }, 240_000);

  it('a test that crashes only under threads is thread-unsafe, named, with its signal and k/N of lone reruns', async () => {
    const notices: string[] = [];
    const dir = project('crashes-in-threads', { racy: false });
    writeFileSync(
      join(dir, 'tests', 'test_crash.py'),
      [
        'import ctypes',
        'import threading',
        '',
        '',
        'def test_reads_null_when_threads_meet():',
        '    if threading.active_count() > 1:',
        '        ctypes.string_at(0)',
        '',
      ].join('\n'),
    );
    const normal = await normalRun(dir);
    expect(normal.summary).toMatchObject({ status: 'passed', passed: 4 });
    const stress = await stressVariant({
      settings,
      place: place(dir),
      normal,
      gil: null,
      workDir: join(scratch, 'stress-crash'),
      notice: (m) => notices.push(m),
    });
    expect(stress).toMatchObject({ status: 'ran', threadUnsafe: 1, passed: 2, singleThreaded: 1 });
    expect(stress.tests.find((t) => t.kind === 'thread-unsafe')).toMatchObject({
      id: 'tests/test_crash.py::test_reads_null_when_threads_meet',
      outcome: 'crashed',
      signal: 'SIGSEGV',
      reproduced: '3/3',
      reason: expect.stringContaining('Segmentation fault'),
    });
  }, 240_000);
});
