// npm run bench, scale part (issue 11): do the action's verdicts hold on a suite of 200 benchmarks?
//  1. Real runs: a synthetic suite of 200 pytest-benchmark benchmarks (scale-suite.ts) in a git
//     repository whose head differs from base only in a comment, head and base trees set up as
//     the action sets them up, RUNS real processes per variant and side (scale-measure.ts). Saved
//     to a JSON file; `--from FILE` reruns the rest on it without measuring.
//  2. Simulated pull requests drawn from those runs (scale-simulate.ts), judged by the action's own
//     comparePerformance and verdict: how often the same code fails the gate, and how often a
//     slowdown of twice the threshold in 10 benchmarks is caught.
//  3. A bias detector (head/base ratios over all runs) and the timer's resolution against the
//     rounds' times.
//  4. Two real end-to-end A/A runs of `node dist/index.js` (scale-e2e.ts): 0 regressions.
// A summary with every figure and its goal; the exit code is 1 when a goal is missed.
// Knobs: CPV_SCALE_RUNS (50), CPV_SCALE_PRS (1000), CPV_SCALE_N ("20,30,plan": plan is the runs
// a side the action asks for on this suite), CPV_SCALE_STATISTICS (other per-process figures to
// try, e.g. "median,q25"), CPV_SCALE_DRAW
// (without-replacement | with-replacement), CPV_SCALE_E2E (2; 0 skips), CPV_SCALE_E2E_MINUTES (4).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pytoolsInstallCommand } from '../__tests__/helpers/action.js';
import { gitWith } from '../__tests__/helpers/git.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../__tests__/helpers/interpreters.js';
import { runEndToEnd, type EndToEndRun } from './scale-e2e.js';
import { measureScale } from './scale-measure.js';
import {
  biasReport,
  commonBenchmarks,
  MIN_TICKS,
  PROCESS_STATISTICS,
  shiftAuc,
  simulatePullRequests,
  timerReport,
  type DrawMode,
  type ScaleSamples,
  type SimulationResult,
} from './scale-simulate.js';
import { addHeadComment, SUITE_SIZE, writeSuite } from './scale-suite.js';
import { runsNeeded } from '../src/domain/multiplicity.js';

const VARIANTS = ['3.13', '3.13t'];
const REFERENCE = '3.13';
const THRESHOLD = 0.1;
const INJECTED = 10;
const GOALS = { failShare: 0.05, caughtShare: 0.95, falsePerPr: 0.05, e2eRegressions: 0 };

const env = process.env;
const RUNS = Number(env['CPV_SCALE_RUNS'] ?? 50);
const PRS = Number(env['CPV_SCALE_PRS'] ?? 1000);
// The action's family on this suite: every benchmark of every variant against base, and of every
// variant but the reference against the reference (startup's few imports left out).
const PLANNED = runsNeeded({
  family: SUITE_SIZE * (VARIANTS.length + VARIANTS.length - 1),
  method: 'split',
});
const SIZES = (env['CPV_SCALE_N'] ?? '20,30,plan')
  .split(',')
  .map((n) => (n === 'plan' ? PLANNED : Number(n)));
// Without replacement by default: a draw with replacement repeats real processes within one
// simulated pull request, which no real run does, and so overstates how sure the tests may be.
const DRAW = (env['CPV_SCALE_DRAW'] ?? 'without-replacement') as DrawMode;
const E2E_RUNS = Number(env['CPV_SCALE_E2E'] ?? 2);
// Other per-process figures to try on the same runs (from their saved rounds), printed beside the
// action's own: e.g. "min,q25,mean". Informational; the goals are checked on the action's figure.
const STATISTICS = (env['CPV_SCALE_STATISTICS'] ?? '').split(',').filter(Boolean);
const E2E_MINUTES = Number(env['CPV_SCALE_E2E_MINUTES'] ?? 4);

interface Check {
  readonly figure: string;
  readonly value: string;
  readonly goal: string;
  /** null: not run here. */
  readonly met: boolean | null;
}

export async function main(options: { repo: string; argv: readonly string[] }): Promise<number> {
  const started = Date.now();
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  const loadAtStart = load();
  log(
    `scale bench: load average ${loadAtStart} (1, 5, 15 min) on ${execFileSync('nproc').toString().trim()} cores`,
  );
  if (DRAW !== 'with-replacement' && DRAW !== 'without-replacement') {
    throw new Error(`CPV_SCALE_DRAW is ${DRAW}; it must be with-replacement or without-replacement`);
  }

  const fromIndex = options.argv.indexOf('--from');
  const from = fromIndex >= 0 ? options.argv[fromIndex + 1] : undefined;
  if (fromIndex >= 0 && !from) throw new Error('--from needs a file: --from samples.json');
  const needsInterpreters = !from || E2E_RUNS > 0;
  const skip = needsInterpreters ? interpretersSkipReason(VARIANTS) : null;
  if (skip !== null) {
    console.error(`bench-scale: ${skip}`);
    return 2;
  }
  const interpreters = realInterpreters() ?? {};
  const installCommand = pytoolsInstallCommand(pytoolsPath() ?? '');
  const scratch = mkdtempSync(join(tmpdir(), 'cpv-bench-scale-'));
  // The trees, venvs and result files go; the saved samples (outside scratch) stay.
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  const repo = needsInterpreters ? makeRepository(join(scratch, 'checkout')) : null;

  let data: ScaleSamples;
  if (from) {
    data = JSON.parse(readFileSync(from, 'utf8')) as ScaleSamples;
    log(`samples from ${from} (measured ${data.measuredAt}, ${data.runs} runs a subject)`);
  } else {
    log(`measuring ${RUNS} runs of ${SUITE_SIZE} benchmarks per variant (${VARIANTS.join(', ')}) and side`);
    data = await measureScale({
      interpreters,
      variants: VARIANTS,
      reference: REFERENCE,
      threshold: THRESHOLD,
      checkout: repo!.dir,
      baseSha: repo!.base,
      installCommand,
      outputDir: join(scratch, 'out'),
      runs: RUNS,
      log,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cpv-scale-samples-')), 'scale-samples.json');
    writeFileSync(file, JSON.stringify(data));
    log(
      `raw per-process samples: ${file} (rerun the simulation with: node scripts/bench-scale.mjs --from ${file})`,
    );
  }
  const names = commonBenchmarks(data);
  log(
    `${names.length} benchmarks with runs on every subject; ${data.secondsPerProcess.toFixed(2)} s a process`,
  );
  const checks: Check[] = [];
  const lines: string[] = [];

  // Same-code pull requests, and pull requests with 10 slowed benchmarks, at each run count.
  log(`the action asks for ${PLANNED} runs a side on this suite (runsNeeded, split by process speed)`);
  const sizes = SIZES.filter((n) => {
    const fits = DRAW === 'with-replacement' || n <= data.runs;
    if (!fits) log(`N=${n} skipped: more than the ${data.runs} real runs, drawn without replacement`);
    return fits;
  });
  for (const n of sizes) {
    const aa = simulatePullRequests({
      data,
      runsPerSide: n,
      prs: PRS,
      threshold: THRESHOLD,
      seed: 11 + n,
      draw: DRAW,
    });
    const power = simulatePullRequests({
      data,
      runsPerSide: n,
      prs: PRS,
      threshold: THRESHOLD,
      seed: 1011 + n,
      draw: DRAW,
      inject: { count: INJECTED, factor: 1 + 2 * THRESHOLD },
    });
    // A run drawn twice counts twice in the paired test, as two runs it is not: with replacement
    // is the pessimistic side, so the other way is printed beside it.
    const other: DrawMode = DRAW === 'with-replacement' ? 'without-replacement' : 'with-replacement';
    const aaOther =
      n <= data.runs
        ? simulatePullRequests({
            data,
            runsPerSide: n,
            prs: PRS,
            threshold: THRESHOLD,
            seed: 2011 + n,
            draw: other,
          })
        : null;
    lines.push(
      ...describeSimulation({ n, aa, power, benchmarks: names.length, variants: data.variants.length }),
      ...(aaOther
        ? [
            `  same code, runs drawn ${other}: ${share(aaOther.failedGate, aaOther.prs)} fail the gate; ${(aaOther.falseRegressions / aaOther.prs).toFixed(3)} false regressions per PR`,
          ]
        : []),
    );
    checks.push(
      {
        figure: `N=${n}: same-code PRs failing the gate`,
        value: share(aa.failedGate, aa.prs),
        goal: `<= ${GOALS.failShare * 100}%`,
        met: aa.failedGate / aa.prs <= GOALS.failShare,
      },
      {
        figure: `N=${n}: slowdowns of ${(2 * THRESHOLD * 100).toFixed(0)}% caught`,
        value: share(power.injected.caught, power.injected.total),
        goal: `>= ${GOALS.caughtShare * 100}%`,
        met: power.injected.caught / power.injected.total >= GOALS.caughtShare,
      },
      {
        figure: `N=${n}: false regressions per PR among the other ${names.length - INJECTED}`,
        value: (power.falseRegressions / power.prs).toFixed(3),
        goal: `< ${GOALS.falsePerPr}`,
        met: power.falseRegressions / power.prs < GOALS.falsePerPr,
      },
    );
    log(`simulated ${PRS} x ${aaOther ? 3 : 2} pull requests with ${n} runs a side`);
  }
  const auc = (statistic?: (typeof PROCESS_STATISTICS)[string]) =>
    shiftAuc({ data, factor: 1 + 2 * THRESHOLD, ...(statistic ? { statistic } : {}) }).toFixed(3);
  lines.push(
    '',
    `AUC of a ${(2 * THRESHOLD * 100).toFixed(0)}% slowdown, process speeds taken out: ${auc()} (the action's figure)`,
  );
  for (const name of STATISTICS) {
    const statistic = PROCESS_STATISTICS[name];
    if (!statistic)
      throw new Error(
        `CPV_SCALE_STATISTICS: ${name} is not one of ${Object.keys(PROCESS_STATISTICS).join(', ')}`,
      );
    for (const n of sizes) {
      const common = { data, runsPerSide: n, prs: PRS, threshold: THRESHOLD, draw: DRAW, statistic };
      const aa = simulatePullRequests({ ...common, seed: 11 + n });
      const power = simulatePullRequests({
        ...common,
        seed: 1011 + n,
        inject: { count: INJECTED, factor: 1 + 2 * THRESHOLD },
      });
      lines.push(
        ...describeSimulation({ n, aa, power, benchmarks: names.length, variants: data.variants.length }).map(
          (line, i) => (i === 1 ? `${line} [per-process figure: ${name}]` : line),
        ),
      );
      log(`simulated ${PRS} x 2 pull requests with ${n} runs a side, per-process ${name}`);
    }
    lines.push(`  AUC with per-process ${name}: ${auc(statistic)}`);
  }
  console.log(lines.join('\n'));
  console.log(describePerBenchmark(data).join('\n'));

  const e2e: EndToEndRun[] = [];
  for (let i = 0; i < E2E_RUNS && repo; i++) {
    const dist = join(options.repo, 'dist', 'index.js');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run npm run bundle first`);
    log(`end-to-end A/A run ${i + 1}/${E2E_RUNS}: node dist/index.js, measure-minutes ${E2E_MINUTES}`);
    const run = await runEndToEnd({
      dist,
      checkout: repo.dir,
      baseSha: repo.base,
      headSha: repo.head,
      interpreters,
      variants: VARIANTS,
      installCommand,
      measureMinutes: E2E_MINUTES,
    });
    e2e.push(run);
    log(
      `  verdict ${run.verdict} (exit ${run.exitCode}), ${run.regressions} regression(s) and ${run.improvements} improvement(s) vs base, ${run.runsPerSide ?? '?'} runs a side, ${run.seconds.toFixed(0)} s${run.reasons.length > 0 ? `; ${run.reasons.join('; ')}` : ''}${run.errors.length > 0 ? `; errors: ${run.errors.join(' | ')}` : ''}`,
    );
  }
  for (const [i, run] of e2e.entries()) {
    checks.push({
      figure: `end-to-end A/A run ${i + 1}: regressions vs base (verdict ${run.verdict})`,
      value: String(run.regressions),
      goal: `${GOALS.e2eRegressions}`,
      met: run.regressions === GOALS.e2eRegressions && run.errors.length === 0,
    });
  }
  if (e2e.length === 0) {
    checks.push({ figure: 'end-to-end A/A runs', value: 'not run', goal: '0 regressions', met: null });
  }

  const summary = [
    '',
    `scale bench summary (${names.length} benchmarks, ${data.variants.join(' ')}, threshold ${THRESHOLD * 100}%, ${data.runs} real runs a subject, ${PRS} simulated PRs per figure, draws ${DRAW})`,
    '| figure | measured | goal | met |',
    '|---|---|---|---|',
    ...checks.map(
      (c) =>
        `| ${c.figure} | ${c.value} | ${c.goal} | ${c.met === null ? 'not run' : c.met ? 'yes' : 'NO'} |`,
    ),
    `load average at start ${loadAtStart}, at end ${load()}; ${((Date.now() - started) / 60_000).toFixed(1)} minutes`,
  ];
  console.log(summary.join('\n'));
  return checks.some((c) => c.met === false) ? 1 : 0;
}

function makeRepository(dir: string): { dir: string; base: string; head: string } {
  const git = gitWith(process.env);
  writeSuite(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base: the suite');
  const base = git(dir, 'rev-parse', 'HEAD');
  addHeadComment(dir);
  git(dir, 'commit', '-qam', 'head: a comment');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

function share(k: number, n: number): string {
  return `${((100 * k) / n).toFixed(1)}% (${k}/${n})`;
}

function describeSimulation(options: {
  n: number;
  aa: SimulationResult;
  power: SimulationResult;
  benchmarks: number;
  variants: number;
}): string[] {
  const { n, aa, power } = options;
  return [
    '',
    `simulated pull requests, ${n} runs a side (${options.benchmarks} benchmarks x ${options.variants} variants vs base, and vs the reference)`,
    `  same code: ${share(aa.failedGate, aa.prs)} fail the gate (fail-on regression); ${share(aa.withFalseRegression, aa.prs)} report a head-vs-base regression; ${(aa.falseRegressions / aa.prs).toFixed(3)} false regressions and ${(aa.falseImprovements / aa.prs).toFixed(3)} false improvements per PR`,
    `  ${INJECTED} benchmarks ${(2 * THRESHOLD * 100).toFixed(0)}% slower on head: ${share(power.injected.caught, power.injected.total)} of them caught; ${(power.falseRegressions / power.prs).toFixed(3)} false regressions per PR among the other ${options.benchmarks - INJECTED}`,
  ];
}

/**
 * Per benchmark: its median round time under each variant (flagged `timer` when within MIN_TICKS
 * of the timer's step) and its head/base ratio of medians over all runs, the worst variant's.
 */
function describePerBenchmark(data: ScaleSamples): string[] {
  const bias = biasReport({ data, threshold: THRESHOLD });
  const { rows: timerRows, resolution } = timerReport(data);
  const us = (s: number | undefined) => (s === undefined ? 'n/a' : `${(s * 1e6).toFixed(1)}`);
  const worst = new Map<string, { ratio: number; variant: string }>();
  for (const row of bias.rows) {
    const seen = worst.get(row.name);
    if (!seen || Math.abs(Math.log(row.ratio)) > Math.abs(Math.log(seen.ratio))) {
      worst.set(row.name, { ratio: row.ratio, variant: row.variant });
    }
  }
  const coarse = new Set(timerRows.filter((r) => r.ticks < MIN_TICKS).map((r) => `${r.variant} ${r.name}`));
  const flagged = new Set(bias.flagged.map((f) => f.name));
  const lines = [
    '',
    `per benchmark: median round time (µs) per variant, and the worst head/base ratio of medians over all ${data.runs} runs`,
    `| benchmark | ${data.variants.map((v) => `round ${v}`).join(' | ')} | worst head/base | flags |`,
    `|---|${data.variants.map(() => '---|').join('')}---|---|`,
  ];
  for (const name of commonBenchmarks(data)) {
    const w = worst.get(name);
    const flags = [
      ...data.variants.filter((v) => coarse.has(`${v} ${name}`)).map((v) => `timer (${v})`),
      ...(flagged.has(name) ? ['flagged on all runs'] : []),
    ];
    lines.push(
      `| ${name} | ${data.variants.map((v) => us(data.roundSeconds[v]?.[name])).join(' | ')} | ${w ? `${w.ratio.toFixed(3)} (${w.variant})` : 'n/a'} | ${flags.join(', ')} |`,
    );
  }
  lines.push(
    '',
    `bias detector (same code on both sides: ratios near 1, about half above it)`,
    ...Object.entries(bias.headSlower).map(
      ([variant, { slower, of }]) => `  ${variant}: head slower in ${slower} of ${of} benchmarks`,
    ),
    `  furthest from 1: ${bias.rows
      .slice(0, 5)
      .map((r) => `${r.variant} ${r.name} ${r.ratio.toFixed(3)}`)
      .join('; ')}`,
    `  flagged by the action's comparison on all ${data.runs} runs: ${bias.flagged.length === 0 ? 'none' : bias.flagged.length}`,
    ...bias.flagged.map(
      (f) => `    ${f.variant} ${f.name}: ${f.kind} ${f.change?.toFixed(3)} (${f.detail ?? ''})`,
    ),
    '',
    'timer resolution against round times',
  );
  for (const variant of data.variants) {
    const mine = timerRows.filter((r) => r.variant === variant).map((r) => r.roundSeconds);
    if (mine.length === 0) continue;
    lines.push(
      `  ${variant}: timer step ${(resolution[variant]! * 1e9).toFixed(0)} ns; median rounds ${us(Math.min(...mine))} to ${us(Math.max(...mine))} µs`,
    );
  }
  lines.push(
    `  rounds within ${MIN_TICKS}x of the timer's step: ${coarse.size === 0 ? 'none' : [...coarse].join(', ')}`,
  );
  return lines;
}
