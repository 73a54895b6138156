// The action as shipped (node dist/index.js) on CPython 3.13.5 and Debian sid's real 3.14 and 3.15
// (3.14.10 and 3.15.2 when written; GIL builds with the JIT compiled in and off): the probe's facts, the JIT on only in the
// +jit runs (as the tested process itself reports it), tests, startup and -X importtime on all.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, pytoolsInstallCommand, ROOT, runAction } from '../helpers/action.js';
import { nextInterpreters, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';

const VARIANTS = ['3.13', '3.14', '3.14+jit', '3.15+jit'];
const paths: Record<string, string | undefined> = { ...realInterpreters(), ...nextInterpreters() };
const missing = VARIANTS.filter((v) => paths[v] === undefined);
const tools = pytoolsPath();
const skip =
  missing.length > 0
    ? `no interpreter for ${missing.join(', ')} (scripts/provision.sh)`
    : tools === null
      ? 'pytest is not unpacked (scripts/provision.sh)'
      : null;

// sid moves on: each interpreter's own version is the one expected.
const versionOf = (variant: string): string =>
  execFileSync(paths[variant] as string, ['-c', 'import platform; print(platform.python_version())'], {
    encoding: 'utf8',
  }).trim();

describe.skipIf(skip !== null)(
  `node dist/index.js on 3.14 and 3.15${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('runs 3.13 3.14 3.14+jit 3.15+jit, each for what it is', async () => {
      const run = await runAction({
        cwd: copyProject(join(ROOT, 'examples')),
        inputs: {
          variants: VARIANTS.join(' '),
          interpreters: VARIANTS.map((v) => `${v}=${paths[v]}`).join('\n'),
          'install-command': pytoolsInstallCommand(tools ?? ''),
          'test-command': 'python -m pytest -q',
          'measure-minutes': '1',
        },
      });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const report = run.report!;
      expect(report.verdict).toBe('pass');
      expect(
        report.variants.map((v) => [
          v.name,
          v.interpreter?.version,
          v.interpreter?.jitCompiled,
          v.interpreter?.jit,
          v.tests.jitEnabled,
        ]),
      ).toEqual([
        // 3.13 has no sys._jit: the tested process cannot say, so the report does not pretend.
        ['3.13', '3.13.5', false, false, undefined],
        ['3.14', versionOf('3.14'), true, false, false],
        ['3.14+jit', versionOf('3.14'), true, true, true],
        ['3.15+jit', versionOf('3.15+jit'), true, true, true],
      ]);
      for (const v of report.variants) {
        expect(v.tests).toMatchObject({ status: 'passed', passed: 7, failed: 0, crashed: 0 });
        const interpreter = v.startup.find((m) => m.kind === 'interpreter');
        expect(interpreter?.samples.length).toBeGreaterThanOrEqual(10);
        const imported = v.startup.find((m) => m.kind === 'import');
        expect(imported?.error).toBeUndefined();
        expect(imported?.median).toBeGreaterThan(0);
        // -X importtime parsed: the package's own modules among the heaviest imports.
        expect(imported?.heaviest?.map((h) => h.module)).toContainEqual(expect.stringMatching(/^wordfreq\./));
      }
      expect(run.stdout).not.toMatch(/The tests ran with the JIT/);
      // The figures, for the record: medians of `python -c pass` and of importing the package.
      console.log(
        report.variants
          .map((v) =>
            [
              v.name,
              ...v.startup.map((m) => `${m.name}: ${m.median?.toFixed(1)} ms (n=${m.samples.length})`),
            ].join('  '),
          )
          .join('\n'),
      );
    });
  },
);
