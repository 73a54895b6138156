// Tests whose duration a build changes, on real 3.13, 3.13t and 3.13+jit (node dist/index.js):
// a test that waits for the GIL is listed under 3.13t, confirmed by lone reruns; the same
// interpreter under two labels (A/A) lists nothing, run after run.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, interpretersInput, pytoolsInstallCommand, ROOT, runAction } from '../helpers/action.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';

const ALL = ['3.13', '3.13t', '3.13+jit'];
const skip = interpretersSkipReason(ALL);
const interpreters = realInterpreters() ?? {};
const FIXTURE = join(ROOT, '__tests__', 'fixtures', 'durations');
const CONVOY = 'tests/test_convoy.py::test_waits_for_the_gil';
const A_A_RUNS = 5;
// Startup sampling of each run may take most of its two measure-minutes.
const RUN_TIMEOUT_MS = 5 * 60_000;

function inputs(over: Record<string, string>): Record<string, string> {
  return {
    'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
    'test-command': 'python -m pytest -q',
    'thread-stress': 'off',
    'compare-base': 'false',
    // Its tenth, 12 s, pays for the reruns of one test that takes about a second.
    'measure-minutes': '2',
    ...over,
  };
}

describe.skipIf(skip !== null)(`tests whose duration differs${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it(
    'lists the test that waits for the GIL under 3.13t, with reruns that agree, and nothing under 3.13+jit',
    async () => {
      const run = await runAction({
        cwd: copyProject(FIXTURE),
        inputs: inputs({ variants: ALL.join(' '), interpreters: interpretersInput(interpreters, ALL) }),
      });
      expect(run.stderr).toBe('');
      const report = run.report!;
      const [gil, ft, jit] = report.variants;
      for (const v of report.variants) expect(v.tests).toMatchObject({ status: 'passed', passed: 3 });
      expect(gil?.slowTests).toBeUndefined();
      // Both have a GIL: the convoy is as slow under the JIT as under 3.13.
      expect(jit?.slowTests).toBeUndefined();
      expect(ft?.slowTests).toEqual([expect.objectContaining({ id: CONVOY })]);
      const convoy = ft!.slowTests![0]!;
      const [agreed, reruns] = convoy.agreed.split('/').map(Number);
      expect(reruns).toBe(3);
      expect(agreed).toBeGreaterThanOrEqual(2);
      expect(convoy.ratio).toBeLessThanOrEqual(0.5);
      expect(convoy.referenceSeconds - convoy.seconds).toBeGreaterThanOrEqual(0.5);
      // Printed for the closing note: the figures behind the line.
      console.log(`${CONVOY}: ${JSON.stringify(convoy)}`);
      expect(run.stdout).toContain('🐢 Test durations that differ between builds (1)');
      expect(run.stdout).toMatch(
        /- `tests\/test_convoy\.py::test_waits_for_the_gil`: [\d.]+ s under `3\.13`, [\d.]+ s under `3\.13t` \([\d.]+x faster; [23] of 3 reruns agree: /,
      );
      // Informational: no finding, and the check passes.
      expect(report.findings.filter((f) => f.name === CONVOY)).toEqual([]);
      expect(report.verdict).toBe('pass');
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    `A/A: one interpreter under two labels lists nothing, ${A_A_RUNS} runs out of ${A_A_RUNS}`,
    async () => {
      const same = interpreters['3.13']!;
      for (let i = 0; i < A_A_RUNS; i += 1) {
        const run = await runAction({
          cwd: copyProject(FIXTURE),
          inputs: inputs({ variants: '3.13 3.13.5', interpreters: `3.13=${same}\n3.13.5=${same}` }),
        });
        expect(run.stderr).toBe('');
        expect(run.report?.variants.map((v) => [v.name, v.tests.passed, v.slowTests])).toEqual([
          ['3.13', 3, undefined],
          ['3.13.5', 3, undefined],
        ]);
        expect(run.stdout).not.toContain('🐢');
        expect(run.exitCode).toBe(0);
      }
    },
    A_A_RUNS * RUN_TIMEOUT_MS,
  );
});
