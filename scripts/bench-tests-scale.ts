// npm run bench (scripts/bench-tests-scale.mjs): the action's own work on a suite of 20,000 tests
// under 3 variants, with the base commit's run of each: parsing the plugin's records, building
// the summaries, comparing head with base into findings, rendering the comment, writing
// report.json. The budget is 2 s for all of it and 20 MB for report.json. No interpreter runs:
// the records are written as the plugin writes them (start, finish; some failures, fixture
// teardowns), so the figure is ours alone.
import console from 'node:console';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { variantFindings, verdict } from '../src/domain/findings.js';
import { renderComment } from '../src/domain/markdown.js';
import {
  REPORT_SCHEMA,
  type Report,
  type TestCase,
  type TestSummary,
  type VariantReport,
} from '../src/domain/report.js';
import { countsFromSummaryLine, parseTestRecords } from '../src/domain/test-records.js';
import { writeReportFiles } from '../src/report-files.js';

const TESTS = Number(process.env['CPV_BENCH_SCALE_TESTS'] ?? 20_000);
const VARIANTS = ['3.13', '3.13t', '3.13+jit'];
const BUDGET_MS = 2_000;
const BUDGET_BYTES = 20 * 1024 * 1024;

function recordsText(options: { pid: number; failEvery: number }): string {
  const ids = Array.from(
    { length: TESTS },
    (_, i) => `tests/test_mod${Math.floor(i / 50)}.py::test_case_${i}[param-${i % 7}]`,
  );
  const lines: string[] = [];
  const write = (record: object): void => {
    // As the plugin writes them: compact, the pid on each, no time on per-test records.
    lines.push(JSON.stringify({ ...record, pid: options.pid }));
  };
  write({
    event: 'load',
    gil: false,
    python: '3.13.5',
    freeThreaded: false,
    rootdir: '/w/proj',
    executable: '/w/venv/bin/python',
  });
  write({ event: 'session-start', gil: false });
  write({ event: 'collected', count: ids.length, ids });
  ids.forEach((nodeid, i) => {
    write({ event: 'start', nodeid, line: 10 + (i % 50) });
    if (i % 10 === 0) write({ event: 'fixture-teardown', nodeid, fixture: 'tmp_path', scope: 'function' });
    if (i % 10 === 0) write({ event: 'fixture-done', fixture: 'tmp_path' });
    const failed = i % options.failEvery === 0;
    write({
      event: 'finish',
      nodeid,
      outcome: failed ? 'failed' : 'passed',
      duration: 0.001234,
      message: failed ? `AssertionError: assert ${i} == ${i + 1}` : null,
      ...(failed ? { phase: 'call' } : {}),
    });
  });
  write({ event: 'session-finish', exitstatus: 1, gil: false });
  return lines.join('\n') + '\n';
}

function summaryOf(cases: readonly TestCase[]): TestSummary {
  const count = (...outcomes: TestCase['outcome'][]): number =>
    cases.filter((c) => outcomes.includes(c.outcome)).length;
  const failed = count('failed');
  return {
    status: failed > 0 ? 'failed' : 'passed',
    exitCode: failed > 0 ? 1 : 0,
    signal: null,
    durationMs: 60_000,
    passed: count('passed', 'xpassed'),
    failed,
    errors: count('error'),
    skipped: count('skipped', 'xfailed'),
    crashed: 0,
    timedOut: 0,
    crashes: [],
    cases,
    outputTail: `${failed} failed, ${TESTS - failed} passed in 60.00s`,
  };
}

// Written outside the timed part: the records are the plugin's work, not the action's.
const texts = VARIANTS.map((_, v) => ({
  head: recordsText({ pid: 100 + v, failEvery: 97 }),
  base: recordsText({ pid: 200 + v, failEvery: 131 }),
}));
const recordBytes = texts.reduce((sum, t) => sum + t.head.length + t.base.length, 0);
interface Pass {
  parsedMs: number;
  comparedMs: number;
  renderedMs: number;
  totalMs: number;
  cpuMs: number;
  bytes: number;
  findings: number;
  chars: number;
}

/** The action's whole share once: parse, compare, render, write. */
function onePass(out: string): Pass {
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  const lap = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  const variants: VariantReport[] = VARIANTS.map((name, v) => {
    const head = parseTestRecords(texts[v]!.head, { relativeTo: '/w' });
    const base = parseTestRecords(texts[v]!.base, { relativeTo: '/w' });
    countsFromSummaryLine(`${'.'.repeat(80)}\n1 failed, ${TESTS - 1} passed in 60.00s`);
    return {
      name,
      optional: false,
      interpreter: {
        executable: '/w/venv/bin/python',
        version: '3.13.5',
        freeThreaded: name.endsWith('t'),
        jit: name.includes('+jit'),
        jitCompiled: name.includes('+jit'),
        debug: false,
        source: 'prebuilt',
      },
      install: { ok: true },
      tests: summaryOf(head.cases),
      gil: { reenabledBy: [] },
      startup: [],
      benchmarks: [],
      base: { sha: 'b'.repeat(40), startup: [], benchmarks: [], tests: summaryOf(base.cases) },
    };
  });
  const parsedMs = lap();
  const findings = variants.flatMap(variantFindings);
  const decided = verdict({
    findings,
    failOn: new Set(['new-crash', 'new-failure', 'regression', 'install-failure']),
    optionalVariants: new Set(),
  });
  const comparedMs = lap();
  const report: Report = {
    schema: REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    reference: VARIANTS[0]!,
    threshold: 0.1,
    commit: { head: 'a'.repeat(40), base: 'b'.repeat(40) },
    variants,
    findings,
    verdict: decided.verdict,
    verdictReasons: decided.reasons,
    errors: [],
  };
  const markdown = renderComment(report, { fullReportHint: 'report.json', marker: '<!-- cpv -->' });
  renderComment(report, { fullReportHint: 'report.json', limit: 300_000 });
  const renderedMs = lap();
  const written = writeReportFiles({
    location: { directory: out, chosenBy: 'this script' },
    report,
    markdown,
  });
  if (written.reportPath === null) throw new Error(written.failures.join('; '));
  const totalMs = lap();
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const bytes = statSync(written.reportPath).size;

  return {
    parsedMs,
    comparedMs,
    renderedMs,
    totalMs,
    cpuMs,
    bytes,
    findings: findings.length,
    chars: markdown.length,
  };
}

// Three passes, each in a fresh process as the action runs (cold JIT, cold heap): a shared runner's
// other processes slow some, and the fastest is the action's own cost. The budget is on that
// pass's wall time; its CPU time (which counts V8's parallel garbage collector threads) is beside it.
const PASSES = 3;
if (process.env['CPV_BENCH_ONE_PASS'] === '1') {
  const out = mkdtempSync(join(tmpdir(), 'cpv-bench-scale-'));
  try {
    console.log(JSON.stringify(onePass(out)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} else {
  const passes = Array.from({ length: PASSES }, (): Pass => {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, CPV_BENCH_ONE_PASS: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`a pass failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Pass;
  });
  const best = passes.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
  const { parsedMs, comparedMs, renderedMs, totalMs, cpuMs, bytes } = best;
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(
    `scale: ${TESTS} tests x ${VARIANTS.length} variants, head and base (${mb(recordBytes)} of records)`,
  );
  console.log(
    `scale: parse ${parsedMs.toFixed(0)} ms, compare ${(comparedMs - parsedMs).toFixed(0)} ms (${best.findings} findings), ` +
      `render ${(renderedMs - comparedMs).toFixed(0)} ms (${best.chars} chars), write ${(totalMs - renderedMs).toFixed(0)} ms`,
  );
  console.log(
    `scale: total ${totalMs.toFixed(0)} ms wall (budget ${BUDGET_MS} ms; the ${PASSES} passes: ${passes.map((p) => p.totalMs.toFixed(0)).join(', ')} ms), ` +
      `${cpuMs.toFixed(0)} ms CPU; report.json ${mb(bytes)} (budget ${mb(BUDGET_BYTES)})`,
  );
  if (totalMs > BUDGET_MS || bytes > BUDGET_BYTES) {
    console.error('scale: over budget');
    process.exitCode = 1;
  }
}
