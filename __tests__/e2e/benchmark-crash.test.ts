// A benchmark process that dies is a crash, not a missing benchmark: through node dist/index.js on
// real 3.13 and 3.13t, with a benchmark command that segfaults only under the free-threaded build.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretersInput, runAction } from '../helpers/action.js';
import { interpretersSkipReason, realInterpreters } from '../helpers/interpreters.js';

const USED = ['3.13', '3.13t'];
const skip = interpretersSkipReason(USED);
const interpreters = realInterpreters() ?? {};

// Writes hyperfine-format JSON of a tiny loop's timings; under a free-threaded build it first
// dereferences NULL, as a broken C extension would.
const BENCH = `
import json, sys, sysconfig, time
if sysconfig.get_config_var("Py_GIL_DISABLED"):
    import ctypes
    ctypes.string_at(0)
times = []
for _ in range(5):
    t = time.perf_counter()
    sum(range(20000))
    times.append(time.perf_counter() - t)
json.dump({"results": [{"command": "sum_range", "times": times}]}, open(sys.argv[1], "w"))
`;

describe.skipIf(skip !== null)(
  `a benchmark that segfaults under one variant${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('is a crash finding named after the command, and fail-on: crash fails the step', async () => {
      const project = mkdtempSync(join(tmpdir(), 'cpv-bench-crash-'));
      writeFileSync(join(project, 'bench.py'), BENCH);
      const run = await runAction({
        cwd: project,
        inputs: {
          variants: '3.13 3.13t',
          interpreters: interpretersInput(interpreters, USED),
          'install-command': 'true',
          'test-command': 'python -c pass',
          'benchmark-command': 'python bench.py {json}',
          'startup-imports': 'json',
          'measure-minutes': '0.5',
          'fail-on': 'crash',
        },
      });
      expect(run.exitCode).toBe(1);
      const report = run.report!;
      expect(report.verdict).toBe('fail');
      expect(report.findings).toContainEqual(
        expect.objectContaining({
          kind: 'new-crash',
          variant: '3.13t',
          metric: 'throughput',
          name: 'python bench.py {json}',
          detail: expect.stringContaining('SIGSEGV'),
        }),
      );
      const ft = report.variants.find((v) => v.name === '3.13t')!;
      expect(ft.benchmarkCrashes).toMatchObject({ signal: 'SIGSEGV', command: 'python bench.py {json}' });
      expect(ft.benchmarkCrashes!.crashed).toMatch(/^2\/2$/);
      // The default build ran its benchmark, and is no crash.
      const plain = report.variants.find((v) => v.name === '3.13')!;
      expect(plain.benchmarkCrashes).toBeUndefined();
      expect(plain.benchmarks[0]?.samples.length).toBeGreaterThan(0);
      expect(report.verdictReasons.join('\n')).toMatch(/fail-on crash/);
      expect(run.stdout).toMatch(/python bench\.py/);
    });

    it('a budget too small for the runs needed is said before and after: the log, report.json notes, the comment', async () => {
      const project = mkdtempSync(join(tmpdir(), 'cpv-bench-slow-'));
      // A second a run: 12 s of budget hold a handful of rounds of two variants, not ten.
      writeFileSync(
        join(project, 'bench.py'),
        'import json, sys, time\ntime.sleep(1)\njson.dump({"results": [{"command": "nap", "times": [1.0]}]}, open(sys.argv[1], "w"))\n',
      );
      const run = await runAction({
        cwd: project,
        inputs: {
          variants: '3.13 3.13t',
          interpreters: interpretersInput(interpreters, USED),
          'install-command': 'true',
          'test-command': 'python -c pass',
          'benchmark-command': 'python bench.py {json}',
          'startup-imports': 'json',
          'measure-minutes': '0.2',
        },
      });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/only \d+ run\(s\) per subject fit in measure-minutes/);
      expect(run.report!.notes).toContainEqual(
        expect.objectContaining({
          kind: 'underpowered',
          message: expect.stringMatching(/are needed to detect/),
        }),
      );
      expect(run.stdout).toMatch(/ℹ️ benchmarks\\: \d+ run\\\(s\\\) per subject where \d+ are needed/);
    });
  },
);
