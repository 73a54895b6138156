// One run of the user's test command, with cpv_pytest_plugin on the path, and what it left:
// the process's end, the plugin's records, faulthandler's dumps.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetPath } from '../assets.js';
import { classifyProcessEnd, type ProcessEnd } from '../domain/crash.js';
import { parseFaulthandlerDumps, type FaulthandlerDump } from '../domain/faulthandler.js';
import { joinSearchPath, type PlatformFacts } from '../domain/platform.js';
import { endWithRecords } from '../domain/record-evidence.js';
import { parseTestRecords, type TestRecords } from '../domain/test-records.js';
import { hostFacts } from '../host-facts.js';
import type { ProcessResult, ProcessRunner } from '../ports.js';

export const PLUGIN_MODULE = 'cpv_pytest_plugin';
// The live log shows a test run's output up to this much; the report keeps a bounded tail.
const LOG_LIMIT_BYTES = 256 * 1024;
// Past the timeout the group gets SIGABRT, so faulthandler dumps every thread; this long later, SIGKILL.
const KILL_GRACE_MS = 5_000;

export interface AttemptContext {
  readonly runner: ProcessRunner;
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly workDir: string;
  readonly log: (line: string) => void;
  /** Where the plugin was copied: its own folder, so nothing else of ours lands on sys.path. */
  readonly pluginDir: string | null;
  /** PYTHONPATH's delimiter and how a crash shows in an exit code; the host's when absent. */
  readonly platform?: PlatformFacts;
}

export interface Attempt {
  readonly label: string;
  readonly result: ProcessResult;
  /** How the run ended, the records considered (they win over the exit status). */
  readonly end: ProcessEnd;
  /** How the process itself ended, from its exit status or signal alone. */
  readonly processEnd: ProcessEnd;
  readonly records: TestRecords;
  readonly dumps: readonly FaulthandlerDump[];
  /** stderr then stdout: faulthandler writes to stderr, and it is what a reader wants first. */
  readonly output: string;
  readonly startedAt: number;
}

let attemptCounter = 0;

/** Copies the plugin into `workDir`, or returns null when the action's copy is missing. */
export function installPlugin(workDir: string): string | null {
  const dir = join(workDir, 'pytest-plugin');
  mkdirSync(dir, { recursive: true });
  try {
    copyFileSync(assetPath(`${PLUGIN_MODULE}.py`), join(dir, `${PLUGIN_MODULE}.py`));
    return dir;
  } catch {
    return null;
  }
}

/**
 * How long before a Windows attempt's timeout its stacks are dumped (the plugin's
 * CPV_HANG_DUMP_AT): enough for the dump to be written, a tenth of the timeout at most.
 */
export function hangDumpLeadMs(timeoutMs: number): number {
  return Math.min(5_000, timeoutMs / 10);
}

function attemptEnv(
  context: AttemptContext,
  files: { records: string; deselect?: string; only?: string },
  timeoutMs: number,
): Record<string, string> {
  const env: Record<string, string> = { ...context.env, PYTHONFAULTHANDLER: '1' };
  // Left by an outer run of the plugin, it would make this session think it is nested.
  delete env['CPV_RECORD_OWNER'];
  if (context.pluginDir === null) return env;
  env['PYTHONPATH'] = joinSearchPath([context.pluginDir, env['PYTHONPATH']], context.platform ?? hostFacts());
  const addopts = env['PYTEST_ADDOPTS'];
  env['PYTEST_ADDOPTS'] = `${addopts ? `${addopts} ` : ''}-p ${PLUGIN_MODULE}`;
  env['CPV_RECORD_FILE'] = files.records;
  if (files.deselect) env['CPV_DESELECT_FILE'] = files.deselect;
  if (files.only) env['CPV_ONLY_FILE'] = files.only;
  // Windows ends a timed-out tree with taskkill /F, no signal: the plugin dumps the stacks first.
  if ((context.platform ?? hostFacts()).os === 'windows') {
    env['CPV_HANG_DUMP_AT'] = ((Date.now() + timeoutMs - hangDumpLeadMs(timeoutMs)) / 1000).toFixed(3);
  }
  return env;
}

function lineForwarder(log: (line: string) => void, label: string) {
  const pending = { stdout: '', stderr: '' };
  let bytes = 0;
  let cut = false;
  const emit = (line: string): void => {
    bytes += line.length + 1;
    if (bytes <= LOG_LIMIT_BYTES) log(line);
    else if (!cut) {
      cut = true;
      log(`[${label}: more output than ${LOG_LIMIT_BYTES / 1024} KiB; the rest is not shown live]`);
    }
  };
  return {
    onOutput(chunk: string, stream: 'stdout' | 'stderr'): void {
      const lines = (pending[stream] + chunk).split('\n');
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) emit(line);
    },
    flush(): void {
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] !== '') emit(pending[stream]);
    },
  };
}

export async function runAttempt(
  context: AttemptContext,
  options: { label: string; timeoutMs: number; deselect?: readonly string[]; only?: readonly string[] },
): Promise<Attempt> {
  attemptCounter += 1;
  const stem = join(context.workDir, `attempt-${process.pid}-${attemptCounter}`);
  const files: { records: string; deselect?: string; only?: string } = { records: `${stem}.records.jsonl` };
  if (options.deselect && options.deselect.length > 0) {
    files.deselect = `${stem}.deselect.txt`;
    writeFileSync(files.deselect, `${options.deselect.join('\n')}\n`);
  }
  if (options.only) {
    files.only = `${stem}.only.txt`;
    writeFileSync(files.only, `${options.only.join('\n')}\n`);
  }
  context.log(`${options.label}: ${context.command}`);
  const forward = lineForwarder(context.log, options.label);
  const startedAt = Date.now();
  const result = await context.runner.run({
    argv: ['bash', '-c', context.command],
    cwd: context.cwd,
    env: attemptEnv(context, files, options.timeoutMs),
    timeoutMs: options.timeoutMs,
    timeoutSignal: 'SIGABRT',
    killGraceMs: KILL_GRACE_MS,
    onOutput: (chunk, stream) => forward.onOutput(chunk, stream),
  });
  forward.flush();
  const records = parseTestRecords(existsSync(files.records) ? readFileSync(files.records, 'utf8') : '', {
    relativeTo: context.cwd,
  });
  const output = `${result.stderr}\n${result.stdout}`;
  const processEnd = classifyProcessEnd({
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    output: result.stderr,
    platform: (context.platform ?? hostFacts()).os,
    sessionFinished: records.finished && records.unfinished.length === 0,
    ...(result.spawnError !== undefined ? { spawnError: result.spawnError } : {}),
  });
  const dumps = parseFaulthandlerDumps(output);
  return {
    label: options.label,
    result,
    end: endWithRecords(processEnd, { records, output, dumps }),
    processEnd,
    records,
    dumps,
    output,
    startedAt,
  };
}

/** pytest could not import the plugin (an isolated interpreter, a tool that drops PYTHONPATH). */
export function pluginFailedToLoad(attempt: Attempt): boolean {
  return (
    attempt.records.sessions === 0 &&
    (attempt.output.includes(`Error importing plugin "${PLUGIN_MODULE}"`) ||
      attempt.output.includes(`No module named '${PLUGIN_MODULE}'`))
  );
}
