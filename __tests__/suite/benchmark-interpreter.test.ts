// Benchmark results that another interpreter wrote (`uv run`, tox, `python3.12 -m pytest`) are
// refused, naming both, rather than reported under the variant's name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { measureBenchmarks } from '../../src/suite/benchmarks.js';

const root = mkdtempSync(join(tmpdir(), 'cpv-bench-interp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('measureBenchmarks and the interpreter that wrote the results', () => {
  // pytest-benchmark's JSON, as written by the interpreter named in $RAN.
  const script = join(root, 'fake-pytest-benchmark.sh');
  writeFileSync(
    script,
    `printf '%s' '{"machine_info":{"python_implementation":"CPython","python_version":"'"$RAN"'"},"benchmarks":[{"fullname":"t.py::test_b","name":"test_b","stats":{"median":0.25,"data":[0.25,0.25]}}]}' > "$1"\n`,
  );
  const subject = (key: string, ran: string) => ({
    key,
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', RAN: ran },
    pythonVersion: '3.13.5',
  });

  it('figures from the variant’s own version are kept; from another, refused with both and the fix', async () => {
    const outcome = await measureBenchmarks({
      runner: new SpawnRunner(),
      subjects: [subject('3.13t@head', '3.13.5'), subject('3.13+jit@head', '3.12.3')],
      command: `bash ${script} {json}`,
      minRuns: 2,
      maxRuns: 2,
      warmups: 0,
      precision: 0.01,
      deadline: Date.now() + 60_000,
      timeoutMs: 30_000,
      workDir: join(root, 'work'),
      log: () => undefined,
      warn: () => undefined,
    });
    expect(outcome.metrics.get('3.13t@head')?.map((m) => m.name)).toEqual(['t.py::test_b']);
    expect(outcome.metrics.get('3.13+jit@head') ?? []).toEqual([]);
    expect(outcome.failures.get('3.13+jit@head')).toMatch(
      /^the benchmarks ran on an interpreter \(CPython 3\.12\.3\), not on the variant's CPython 3\.13\.5, so their figures are not reported\..*`uv run --active`/,
    );
  });
});
