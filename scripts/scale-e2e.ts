// The scale bench's end-to-end A/A runs: `node dist/index.js`, as users run it, on the synthetic
// suite's pull request (base and head the same code), with compare-base: how many head-vs-base
// regressions it reports and its verdict.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpawnRunner } from '../src/adapters/process.js';
import type { Report } from '../src/domain/report.js';
import { BENCHMARK_COMMAND, BENCHMARK_FLAGS } from './scale-suite.js';

export interface EndToEndRun {
  readonly exitCode: number | null;
  readonly verdict: string;
  readonly reasons: readonly string[];
  /** Head-vs-base regressions: what must be 0 on the same code. */
  readonly regressions: number;
  readonly improvements: number;
  readonly runsPerSide: number | null;
  readonly seconds: number;
  /** report.json's errors, or why there is none. */
  readonly errors: readonly string[];
}

export async function runEndToEnd(options: {
  /** dist/index.js */
  readonly dist: string;
  readonly checkout: string;
  readonly baseSha: string;
  readonly headSha: string;
  readonly interpreters: Readonly<Record<string, string>>;
  readonly variants: readonly string[];
  readonly installCommand: string;
  readonly measureMinutes: number;
}): Promise<EndToEndRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'cpv-scale-e2e-'));
  const event = join(scratch, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: { number: 1, base: { sha: options.baseSha }, head: { sha: options.headSha } },
    }),
  );
  const outputDir = join(scratch, 'out');
  const inputs: Record<string, string> = {
    variants: options.variants.join(' '),
    interpreters: options.variants.map((v) => `${v}=${options.interpreters[v]}`).join('\n'),
    'install-command': options.installCommand,
    // The suite as plain tests, once each: quick, and it proves the benchmarks run at all.
    'test-command': `python -m pytest benchmarks ${BENCHMARK_FLAGS} --benchmark-disable`,
    'benchmark-command': BENCHMARK_COMMAND,
    'compare-base': 'true',
    'measure-minutes': String(options.measureMinutes),
    'thread-stress': 'off',
    comment: 'off',
  };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    CPV_OUTPUT_DIR: outputDir,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_SHA: options.headSha,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const started = Date.now();
  const result = await new SpawnRunner().run({
    argv: [process.execPath, options.dist],
    cwd: options.checkout,
    env,
    timeoutMs: (options.measureMinutes + 15) * 60_000,
  });
  const seconds = (Date.now() - started) / 1000;
  try {
    return readOutcome({ outputDir, result, seconds });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readOutcome(options: {
  outputDir: string;
  result: { exitCode: number | null; stdout: string; stderr: string };
  seconds: number;
}): EndToEndRun {
  const { result, seconds } = options;
  const path = join(options.outputDir, 'report.json');
  if (!existsSync(path)) {
    return {
      exitCode: result.exitCode,
      verdict: 'no report',
      reasons: [],
      regressions: Number.NaN,
      improvements: Number.NaN,
      runsPerSide: null,
      seconds,
      errors: [
        `no report.json; the action's output ends: ${result.stdout.slice(-1500)}${result.stderr.slice(-1500)}`,
      ],
    };
  }
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  const vsBase = report.findings.filter((f) => f.against === 'base' && f.metric === 'throughput');
  const firstBenchmark = report.variants[0]?.benchmarks[0];
  return {
    exitCode: result.exitCode,
    verdict: report.verdict,
    reasons: report.verdictReasons,
    regressions: vsBase.filter((f) => f.kind === 'regression').length,
    improvements: vsBase.filter((f) => f.kind === 'improvement').length,
    runsPerSide: firstBenchmark ? firstBenchmark.samples.length : null,
    seconds,
    errors: report.errors,
  };
}
