// The action as shipped (node dist/index.js) on real CPython 3.13.5 default, free-threaded and JIT builds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, interpretersInput, pytoolsInstallCommand, ROOT, runAction } from '../helpers/action.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';

const ALL = ['3.13', '3.13t', '3.13+jit'];
const skip = interpretersSkipReason(ALL);
const interpreters = realInterpreters() ?? {};
const tools = pytoolsPath() ?? '';

describe.skipIf(skip !== null)(
  `node dist/index.js on real interpreters${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('reports each variant for what it is on examples/', async () => {
      const run = await runAction({
        cwd: copyProject(join(ROOT, 'examples')),
        inputs: {
          variants: '3.13 3.13t 3.13+jit',
          interpreters: interpretersInput(interpreters, ALL),
          'install-command': pytoolsInstallCommand(tools),
          'test-command': 'python -m pytest -q',
          'measure-minutes': '1',
        },
      });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const report = run.report!;
      expect(report.verdict).toBe('pass');
      expect(report.variants.map((v) => [v.name, v.interpreter?.freeThreaded, v.interpreter?.jit])).toEqual([
        ['3.13', false, false],
        ['3.13t', true, false],
        ['3.13+jit', false, true],
      ]);
      for (const v of report.variants) {
        expect(v.interpreter?.version).toBe('3.13.5');
        expect(v.tests).toMatchObject({ status: 'passed', passed: 7, failed: 0, crashed: 0 });
        expect(v.startup[0]?.samples.length).toBeGreaterThanOrEqual(10);
      }
      // One table row per variant in the comment printed on stdout.
      for (const name of ALL)
        expect(run.stdout).toMatch(new RegExp(`^\\| ✅ \`${name.replace('+', '\\+')}\` +\\|`, 'm'));
      expect(run.stdout).toMatch(/^output verdict=pass$/m);
    });

    it('shows how a benchmark with a threads parameter scales under each build', async () => {
      const run = await runAction({
        cwd: copyProject(join(ROOT, 'examples')),
        inputs: {
          variants: '3.13 3.13t',
          interpreters: interpretersInput(interpreters, ['3.13', '3.13t']),
          'install-command': pytoolsInstallCommand(tools),
          'test-command': 'python -m pytest -q',
          // Short runs (the default pytest-benchmark second per benchmark would allow 3 in the minute).
          'benchmark-command':
            'python -m pytest -q benchmarks -k parallel --benchmark-max-time=0.1 --benchmark-min-rounds=5 --benchmark-json={json}',
          'measure-minutes': '1',
        },
      });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const [gil, free] = run.report!.variants;
      const workload = 'benchmarks/test_bench_wordfreq.py::test_parallel_count[N]';
      for (const v of [gil, free]) {
        expect(v?.threadScaling?.map((s) => s.name)).toEqual([workload]);
        expect(v?.threadScaling?.[0]?.points.map((p) => [p.threads, p.benchmark])).toEqual(
          [1, 2, 4].map((n) => [n, `benchmarks/test_bench_wordfreq.py::test_parallel_count[${n}]`]),
        );
      }
      // How fast each is, and so the verdict, is the machine's business; that it is decided is ours.
      expect(gil?.threadScaling?.[0]?.best).toBeUndefined();
      expect(free?.threadScaling?.[0]?.best?.vsReference.verdict).toMatch(
        /^(improvement|regression|unchanged|inconclusive)$/,
      );
      expect(run.stdout).toContain('🧵 Thread scaling (1)');
      expect(run.stdout).toMatch(
        /^🧵 (Free-threading|Not enough runs to tell).* for `benchmarks\/test_bench_wordfreq\.py::test_parallel_count\[N\]`: `3\.13t` at [124] threads? is /m,
      );
    });

    it('fails the step when an interpreter is not what its label says, and says what the probe found', async () => {
      const run = await runAction({
        cwd: copyProject(join(ROOT, 'examples')),
        inputs: {
          variants: '3.13t',
          interpreters: `3.13t=${interpreters['3.13']}`,
          'install-command': pytoolsInstallCommand(tools),
        },
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(
        /::error::.*3\.13t: interpreters: .*python3\.13 is not 3\.13t: it is not a free-threaded build \(Py_GIL_DISABLED is not set\)\. The probe found CPython 3\.13\.5, with the GIL, no JIT\./,
      );
      // Nothing is measured for the wrong interpreter, and report.json is still written.
      expect(run.report?.variants[0]).toMatchObject({
        name: '3.13t',
        interpreter: null,
        install: { ok: false },
      });
      expect(run.report?.verdict).toBe('fail');
    });

    describe('a test process killed by SIGSEGV under one variant', () => {
      const project = (): string => {
        const dir = copyProject(join(ROOT, 'examples'));
        mkdirSync(join(dir, 'tests'), { recursive: true });
        writeFileSync(
          join(dir, 'tests', 'test_segv.py'),
          [
            'import ctypes, sysconfig',
            '',
            'def test_segfaults_only_without_the_gil():',
            "    if sysconfig.get_config_var('Py_GIL_DISABLED'):",
            '        ctypes.string_at(0)',
            '',
          ].join('\n'),
        );
        return dir;
      };
      const inputs = {
        variants: '3.13 3.13t',
        interpreters: interpretersInput(interpreters, ['3.13', '3.13t']),
        'install-command': pytoolsInstallCommand(tools),
        'test-command': 'python -m pytest -q',
        'measure-minutes': '0.2',
      };

      it('is reported as crashed with SIGSEGV and fails the step by default', async () => {
        const run = await runAction({ cwd: project(), inputs });
        expect(run.exitCode).toBe(1);
        const [gil, ft] = run.report!.variants;
        expect(gil?.tests.status).toBe('passed');
        expect(ft?.tests.status).toBe('crashed');
        expect(ft?.tests.signal).toBe('SIGSEGV');
        expect(ft?.tests.crashes[0]?.signal).toBe('SIGSEGV');
        expect(run.report!.findings).toContainEqual(
          expect.objectContaining({ kind: 'new-crash', variant: '3.13t' }),
        );
        expect(run.report!.verdictReasons).toEqual(['fail-on new-crash: 1 finding (3.13t)']);
      });

      it('passes the step when fail-on does not name crashes, and still reports it', async () => {
        const run = await runAction({ cwd: project(), inputs: { ...inputs, 'fail-on': 'regression' } });
        expect(run.exitCode).toBe(0);
        expect(run.report!.verdict).toBe('pass');
        expect(run.report!.variants[1]?.tests.signal).toBe('SIGSEGV');
      });

      it('recognises a crash that a shell reports as exit 128+11', async () => {
        const run = await runAction({
          cwd: project(),
          inputs: { ...inputs, 'test-command': 'python -m pytest -q; exit $?' },
        });
        expect(run.exitCode).toBe(1);
        expect(run.report!.variants[1]?.tests).toMatchObject({ status: 'crashed', signal: 'SIGSEGV' });
      });
    });
  },
);
