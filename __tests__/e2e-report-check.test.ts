// scripts/check-e2e-report.mjs, what every leg of .github/workflows/e2e.yml runs on its
// report.json: it must pass a Windows leg's report and fail one without tests or a startup figure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StartupMetric, VariantReport } from '../src/domain/report.js';
import { report, tests, variant } from './helpers/reports.js';

const SCRIPT = fileURLToPath(new URL('../scripts/check-e2e-report.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cpv-e2e-check-'));

const start = (median: number | null, error?: string): StartupMetric => ({
  name: 'python -c pass',
  kind: 'interpreter',
  samples: median === null ? [] : [median],
  median,
  ...(error ? { error } : {}),
});

function check(variants: VariantReport[], env: Record<string, string>) {
  const path = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(report({ variants })));
  const r = spawnSync(process.execPath, [SCRIPT], {
    env: { PATH: process.env['PATH'] ?? '', REPORT: path, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('scripts/check-e2e-report.mjs', () => {
  const windowsLeg = [
    variant('3.13', { startup: [start(18.2)] }),
    variant('3.13t', { startup: [start(21.7)] }),
  ];

  it('passes a leg whose every variant ran tests and has a startup figure (mode measure: no verdict)', () => {
    expect(check(windowsLeg, { VARIANTS: '3.13 3.13t' })).toEqual({
      status: 0,
      out: 'report.json agrees: 3.13, 3.13t\n',
    });
  });

  it.each([
    [
      'a variant without a startup figure, with the error the report gives',
      [
        windowsLeg[0]!,
        variant('3.13t', {
          startup: [start(null, 'python -c pass failed: exited with 0xC0000005 (STATUS_ACCESS_VIOLATION)')],
        }),
      ],
      '3.13 3.13t',
      '3.13t: no startup figure (python -c pass failed: exited with 0xC0000005 (STATUS_ACCESS_VIOLATION))',
    ],
    ['no startup at all', [variant('3.13')], '3.13', '3.13: no startup figure (python -c pass is missing)'],
    [
      'no tests run',
      [variant('3.13', { startup: [start(18)], tests: tests({ passed: 0, status: 'not-run' }) })],
      '3.13',
      '3.13: tests {',
    ],
    [
      'a requested variant missing',
      windowsLeg,
      '3.13 3.13t 3.13+jit',
      'variants 3.13 3.13t, expected 3.13 3.13t 3.13+jit',
    ],
  ])('fails %s', (_, variants, wanted, problem) => {
    const r = check(variants, { VARIANTS: wanted });
    expect(r.status).toBe(1);
    expect(r.out).toContain(`::error title=report.json::${problem}`);
  });

  it('checks the verdict and crashes outputs where the leg has them', () => {
    const r = check(windowsLeg, { VARIANTS: '3.13 3.13t', VERDICT: 'fail', CRASHES: '1' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('verdict fail / pass');
    expect(r.out).toContain('crashes output 1');
  });
});
