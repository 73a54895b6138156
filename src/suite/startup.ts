// Startup time: `python -c pass`, `-X importtime` of each startup import, and the startup command,
// for every subject (variant x head/base), sampled in rounds: every subject once a round, a
// variant's head and base back to back, the rest in an order shuffled each round, so that a busy
// moment of the machine falls on every subject alike.
//
// Node is a poor stopwatch for a 15 ms process: forking a 100 MB Node costs milliseconds and the
// exit reaches us through the event loop (Node's spawn said 32-41 ms where hyperfine said 27). So
// each round goes to a small Python driver (startup-driver.ts) that starts the commands and times
// them with perf_counter, as `hyperfine -N` does (npm run bench compares the two).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseImportTime } from '../domain/importtime.js';
import { pytestPythonpath } from '../domain/project.js';
import type { StartupMetric } from '../domain/report.js';
import { medianHalfWidth } from '../domain/compare.js';
import { describeExitCode } from '../domain/crash.js';
import { joinSearchPath, type PlatformFacts } from '../domain/platform.js';
import { median, mulberry32 } from '../domain/stats.js';
import type { ProcessRunner } from '../ports.js';
import { hostFacts } from '../host-facts.js';
import { readProjectFiles } from './prepare.js';
import { runTimed, type TimedCommand, type TimedResult } from './startup-driver.js';

export interface StartupSubject {
  /** Unique among the subjects, e.g. '3.13t@base'. */
  readonly key: string;
  readonly python: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /**
   * Subjects of one pair (a variant's head and base) run each probe back to back, in ABBA order
   * round after round: a pair compared sample by sample should be measured milliseconds apart.
   */
  readonly pair?: string;
}

export interface StartupOptions {
  readonly runner: ProcessRunner;
  readonly subjects: readonly StartupSubject[];
  /** Modules to time with -X importtime. */
  readonly imports: readonly string[];
  /** Run with `bash -c`; its whole run time counts. */
  readonly command: string | null;
  /** Sampling stops once every median is known to within this fraction (half the 95% interval). */
  readonly precision: number;
  readonly minSamples: number;
  readonly maxSamples: number;
  /** Rounds run first and thrown away: cold caches, .pyc files being written. */
  readonly warmups: number;
  /** Stop sampling at this time (ms since epoch), keeping what was measured. */
  readonly deadline: number;
  /** Per command. */
  readonly timeoutMs: number;
  /** The interpreter that runs the timing driver (any Python 3.8+). */
  readonly driverPython: string;
  /** Scratch folder for the commands' stderr. */
  readonly workDir: string;
  readonly log: (line: string) => void;
  readonly seed?: number;
  /** How the driver spawns and how PYTHONPATH is joined; the host's when absent. */
  readonly platform?: PlatformFacts;
}

type Probe =
  | { readonly kind: 'interpreter'; readonly name: string }
  | { readonly kind: 'import'; readonly name: string; readonly module: string }
  | { readonly kind: 'command'; readonly name: string; readonly command: string };

interface Series {
  readonly subject: StartupSubject;
  readonly probe: Probe;
  /** The subject's environment for this probe (PYTHONPATH for an import of an uninstalled project). */
  readonly env: Readonly<Record<string, string>>;
  readonly values: number[];
  /** The round of each value: values of one round were taken side by side. */
  readonly rounds: number[];
  readonly modules: Map<string, number[]>;
  error?: string;
}

// Printed between startup's own imports and the measured one, so only `import M`'s rows count.
const MARKER = '--cpv-import-starts--';
const HEAVIEST_KEPT = 12;
// An empty shell's run time is subtracted from the startup command's, as hyperfine does.
const EMPTY_SHELL = '<empty shell>';
// Startup is a few seconds however the budget went: a report with no startup figure at all says
// less than one with a few, which the comparisons call inconclusive if they are too few.
const GUARANTEED_SAMPLES = 5;
// The name goes into `-c "import NAME"`: a dotted name of identifiers and nothing else.
const MODULE_NAME = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
// Values at or below zero (a command faster than the clock) cannot enter a ratio.
const FLOOR_MS = 0.001;

/** Samples every probe of every subject; one StartupMetric per probe, keyed by subject. */
export async function measureStartup(options: StartupOptions): Promise<Map<string, StartupMetric[]>> {
  mkdirSync(options.workDir, { recursive: true });
  const probes: Probe[] = [
    { kind: 'interpreter', name: 'python -c pass' },
    ...options.imports.map((module): Probe => ({ kind: 'import', name: `import ${module}`, module })),
    ...(options.command
      ? [{ kind: 'command', name: options.command, command: options.command } as const]
      : []),
  ];
  const series: Series[] = [];
  for (const subject of options.subjects) {
    for (const probe of probes) {
      const prepared =
        probe.kind !== 'import'
          ? { env: subject.env }
          : MODULE_NAME.test(probe.module)
            ? await importEnvironment({ options, subject, module: probe.module })
            : { env: subject.env, error: `${JSON.stringify(probe.module)} is not a module name` };
      series.push({
        subject,
        probe,
        env: prepared.env,
        values: [],
        rounds: [],
        modules: new Map(),
        ...(prepared.error ? { error: prepared.error } : {}),
      });
    }
  }
  const shell = options.command ? emptyShellSeries(options.subjects[0]) : null;
  await sample({ options, series, shell });
  return toMetrics({ options, series, shell });
}

async function sample(context: {
  options: StartupOptions;
  series: Series[];
  shell: Series | null;
}): Promise<void> {
  const { options, series, shell } = context;
  const random = mulberry32(options.seed ?? 0x57a27);
  const platform = options.platform ?? hostFacts();
  const started = Date.now();
  let rounds = 0;
  for (let round = 0; round < options.warmups + options.maxSamples; round++) {
    const live = [...series.filter((s) => s.error === undefined), ...(shell ? [shell] : [])];
    if (live.length === 0 || (shell && live.length === 1)) break;
    const elapsedPerRound = rounds > 0 ? (Date.now() - started) / rounds : 0;
    const kept = Math.max(0, round - options.warmups);
    if (kept >= GUARANTEED_SAMPLES && Date.now() + elapsedPerRound > options.deadline) {
      if (kept < options.minSamples) {
        options.log(`startup: the time budget ran out after ${kept} samples per metric`);
      }
      break;
    }
    const ordered = roundOrder({ series: live, round, random });
    const commands = ordered.map((s, i) =>
      command({
        series: s,
        stderrPath: join(options.workDir, `stderr-${i}.txt`),
        timeoutMs: options.timeoutMs,
      }),
    );
    const results = await runTimed({
      runner: options.runner,
      python: options.driverPython,
      commands,
      platform,
    });
    rounds++;
    ordered.forEach((s, i) =>
      record({ series: s, result: results[i], round: round - options.warmups, os: platform.os }),
    );
    if (
      round + 1 - options.warmups >= options.minSamples &&
      live.every((s) => s.error !== undefined || medianHalfWidth(s.values) <= options.precision)
    )
      break;
  }
}

function command(options: { series: Series; stderrPath: string; timeoutMs: number }): TimedCommand {
  const { series } = options;
  const probe = series.probe;
  const python = series.subject.python;
  const argv =
    probe.kind === 'interpreter'
      ? [python, '-c', 'pass']
      : probe.kind === 'import'
        ? [
            python,
            '-X',
            'importtime',
            '-c',
            `import sys; sys.stderr.write(${JSON.stringify(`${MARKER}\n`)}); sys.stderr.flush(); import ${probe.module}`,
          ]
        : ['bash', '-c', probe.command];
  return {
    argv,
    env: series.env,
    cwd: series.subject.cwd,
    timeoutMs: options.timeoutMs,
    stderrPath: options.stderrPath,
    returnStderr: probe.kind === 'import',
  };
}

/** Keeps a sample of round `round` (negative: a warmup, thrown away). */
function record(options: {
  series: Series;
  result: TimedResult | undefined;
  round: number;
  os: PlatformFacts['os'];
}): void {
  const { series, result } = options;
  if (!result || result.error !== undefined || result.exitCode !== 0) {
    const why = !result
      ? 'the timing driver gave no result'
      : (result.error ??
        (result.exitCode !== null && result.exitCode < 0
          ? `killed by signal ${-result.exitCode}`
          : describeExitCode(result.exitCode, options.os)));
    series.error = `${series.probe.name} failed: ${why}${result?.stderr ? `: ${tail(result.stderr)}` : ''}`;
    return;
  }
  if (options.round < 0) return;
  series.rounds.push(options.round);
  if (series.probe.kind !== 'import') {
    series.values.push(result.ms);
    return;
  }
  const text = result.stderr ?? '';
  const rows = parseImportTime(text.slice(text.indexOf(MARKER) + 1));
  series.values.push(Math.max(FLOOR_MS, rows.totalUs / 1000));
  const seen = new Map<string, number>();
  for (const row of rows.modules) {
    if (row.depth === 0 && row.module === series.probe.module) continue;
    seen.set(row.module, Math.max(seen.get(row.module) ?? 0, row.cumulativeUs));
  }
  for (const [module, us] of seen) series.modules.set(module, [...(series.modules.get(module) ?? []), us]);
}

/**
 * The environment an import is timed in: the subject's own when the module imports there (the
 * project is installed); else with src/ and pytest's `pythonpath` on PYTHONPATH, as its tests see
 * it; else the import is reported as failing, not timed.
 */
async function importEnvironment(options: {
  options: StartupOptions;
  subject: StartupSubject;
  module: string;
}): Promise<{ env: Readonly<Record<string, string>>; error?: string }> {
  const { subject, module } = options;
  const attempt = (env: Readonly<Record<string, string>>) =>
    options.options.runner.run({
      argv: [subject.python, '-c', `import ${module}`],
      env,
      cwd: subject.cwd,
      timeoutMs: options.options.timeoutMs,
    });
  const plain = await attempt(subject.env);
  if (plain.exitCode === 0) return { env: subject.env };
  const extra = ['src', ...pytestPythonpath(readProjectFiles(subject.cwd).pyproject)]
    .map((p) => resolve(subject.cwd, p))
    .filter((p) => existsSync(p));
  if (extra.length > 0) {
    const env = {
      ...subject.env,
      PYTHONPATH: joinSearchPath(
        [...extra, subject.env['PYTHONPATH']],
        options.options.platform ?? hostFacts(),
      ),
    };
    const withPath = await attempt(env);
    if (withPath.exitCode === 0) return { env };
    return { env, error: `import ${module} fails: ${tail(withPath.stderr)}` };
  }
  return { env: subject.env, error: `import ${module} fails: ${tail(plain.stderr)}` };
}

function emptyShellSeries(subject: StartupSubject | undefined): Series | null {
  if (!subject) return null;
  return {
    subject,
    probe: { kind: 'command', name: EMPTY_SHELL, command: '' },
    env: subject.env,
    values: [],
    rounds: [],
    modules: new Map(),
  };
}

function toMetrics(context: {
  options: StartupOptions;
  series: readonly Series[];
  shell: Series | null;
}): Map<string, StartupMetric[]> {
  const shellMs = context.shell && context.shell.values.length > 0 ? median(context.shell.values) : 0;
  const metrics = new Map<string, StartupMetric[]>(context.options.subjects.map((s) => [s.key, []]));
  for (const s of context.series) {
    const samples =
      s.probe.kind === 'command' ? s.values.map((v) => Math.max(FLOOR_MS, v - shellMs)) : s.values;
    const heaviest = [...s.modules]
      .map(([module, us]) => ({ module, cumulativeUs: Math.round(median(us)) }))
      .sort((a, b) => b.cumulativeUs - a.cumulativeUs)
      .slice(0, HEAVIEST_KEPT);
    metrics.get(s.subject.key)?.push({
      name: s.probe.name,
      kind: s.probe.kind,
      samples: s.error ? [] : samples,
      rounds: s.error ? [] : s.rounds,
      median: s.error || samples.length === 0 ? null : median(samples),
      ...(s.error ? { error: s.error } : {}),
      ...(s.probe.kind === 'import' && !s.error ? { heaviest } : {}),
    });
  }
  return metrics;
}

/** Groups of a pair's series for one probe, back to back (ABBA across rounds), in shuffled order. */
function roundOrder(options: { series: readonly Series[]; round: number; random: () => number }): Series[] {
  const groups = new Map<string, Series[]>();
  options.series.forEach((s, i) => {
    const id = s.subject.pair !== undefined ? `${s.subject.pair}\0${s.probe.name}` : `#${i}`;
    groups.set(id, [...(groups.get(id) ?? []), s]);
  });
  const shuffled = [...groups.values()];
  shuffle(shuffled, options.random);
  return shuffled.flatMap((group) => (options.round % 2 === 0 ? group : [...group].reverse()));
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(-400);
}
