// Thread stress on real 3.13 and 3.13t (node dist/index.js): a pull request whose head publishes
// a lookup table before filling it, its A/A twin, and the ways stress does not run.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/domain/report.js';
import { copyProject, interpretersInput, pytoolsInstallCommand, ROOT, runAction } from '../helpers/action.js';
import { glyphsRepository, runPullRequest } from '../helpers/glyphs.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';
import { wheelsSkipReason } from '../helpers/wheels.js';

const skip = interpretersSkipReason(['3.13', '3.13t']) ?? wheelsSkipReason();
const LOOKUP_TEST = 'tests/test_glyphs.py::test_lookup';

function threadFindings(report: Report | null) {
  return (report?.findings ?? []).filter((f) => f.kind === 'thread-unsafe' || f.kind === 'new-thread-unsafe');
}

describe.skipIf(skip !== null)(`thread stress${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('a lookup table published before it is filled is new-thread-unsafe under 3.13t, and fails the step', async () => {
    const run = await runPullRequest(glyphsRepository('racy'));
    const report = run.report!;
    const [gil, ft] = report.variants;
    // Single-threaded, every test passes on both builds, and on the base commit nothing was rerun.
    expect(gil?.tests).toMatchObject({ status: 'passed', passed: 3 });
    expect(ft?.tests).toMatchObject({ status: 'passed', passed: 3 });
    expect(gil?.threadStress).toBeUndefined();
    const stress = ft?.threadStress;
    expect(stress).toMatchObject({
      status: 'ran',
      plugin: 'pytest-run-parallel==0.10.0',
      threads: 4,
      iterations: 3,
      threadUnsafe: 1,
      singleThreaded: 1,
    });
    expect(stress?.runDurationMs).toBeGreaterThan(0);
    const lookup = stress?.tests.find((t) => t.id === LOOKUP_TEST);
    expect(lookup).toMatchObject({ kind: 'thread-unsafe', onBase: '0/3', gilVariant: '3.13' });
    expect(lookup?.reason).toMatch(/KeyError/);
    expect(Number(lookup?.reproduced?.split('/')[0])).toBeGreaterThanOrEqual(2);
    expect(stress?.tests.find((t) => t.kind === 'single-threaded')).toMatchObject({
      id: 'tests/test_glyphs.py::test_style_follows_the_environment',
      reason: expect.stringContaining('monkeypatch'),
    });
    expect(threadFindings(report)).toEqual([
      expect.objectContaining({
        kind: 'new-thread-unsafe',
        variant: '3.13t',
        against: 'base',
        name: LOOKUP_TEST,
      }),
    ]);
    expect(report.verdictReasons).toEqual(['fail-on new-thread-unsafe: 1 finding (3.13t)']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /🧵 `3\.13t` thread stress, 4 threads x 3 \([\d.]+ s; the tests alone took [\d.]+ s\): 1 passed, \*\*1 fails only under threads\*\*, 1 run single-threaded \(monkeypatch\)\./,
    );
    expect(run.stdout).toContain('🧵 Thread-unsafe tests (1)');
  });

  it('the A/A twin (head changes a comment) has no thread finding and passes', async () => {
    const run = await runPullRequest(glyphsRepository('comment'));
    expect(run.report?.variants[1]?.threadStress).toMatchObject({
      status: 'ran',
      threadUnsafe: 0,
      passed: 2,
    });
    expect(threadFindings(run.report)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('thread-stress: off skips it', async () => {
    const run = await runPullRequest(glyphsRepository('racy'), {
      variants: '3.13t',
      interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13t']),
      'thread-stress': 'off',
      'compare-base': 'false',
    });
    expect(run.report?.variants[0]?.tests.status).toBe('passed');
    expect(run.report?.variants[0]?.threadStress).toBeUndefined();
    expect(run.exitCode).toBe(0);
  });

  it('a test command that is not pytest gets a notice and no failure', async () => {
    const dir = copyProject(join(ROOT, '__tests__', 'fixtures', 'glyphs'));
    const run = await runAction({
      cwd: dir,
      inputs: {
        variants: '3.13t',
        interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13t']),
        'install-command': 'true',
        'test-command': "PYTHONPATH=src python -c \"import glyphs; assert glyphs.lookup('U+0041') == 'A'\"",
        'measure-minutes': '0.1',
        comment: 'off',
      },
    });
    expect(run.report?.variants[0]?.threadStress).toMatchObject({
      status: 'not-run',
      reason: expect.stringContaining('not pytest'),
    });
    expect(run.stdout).toMatch(/::notice::3\.13t: thread stress not run: the test command is not pytest/);
    expect(run.exitCode).toBe(0);
  });

  it('pytest-run-parallel not installable: a notice, stress not run, no failure', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cpv-no-wheels-'));
    mkdirSync(join(empty, 'wheels'));
    const run = await runAction({
      cwd: copyProject(join(ROOT, '__tests__', 'fixtures', 'glyphs')),
      inputs: {
        variants: '3.13t',
        interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13t']),
        'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
        'test-command': 'python -m pytest -q',
        'measure-minutes': '0.1',
        comment: 'off',
      },
      env: { PIP_FIND_LINKS: join(empty, 'wheels'), PIP_NO_INDEX: '1' },
    });
    expect(run.report?.variants[0]?.tests.status).toBe('passed');
    expect(run.report?.variants[0]?.threadStress).toMatchObject({
      status: 'not-run',
      reason: expect.stringMatching(
        /pip install pytest-run-parallel==0\.10\.0 exited with 1: .*pytest-run-parallel/,
      ),
    });
    expect(run.stdout).toMatch(/::notice::3\.13t: thread stress not run: pip install/);
    expect(run.exitCode).toBe(0);
  });
});
