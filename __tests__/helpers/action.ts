// Runs the action as users run it: `node dist/index.js` with inputs as INPUT_* variables.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../../src/domain/report.js';
import { offlinePipEnv } from './wheels.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'dist', 'index.js');

export interface ActionRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: Report | null;
  readonly outputDir: string;
}

/** Env names as the runner makes them: INPUT_ + upper case, spaces to underscores, dashes kept. */
function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
}

/**
 * The variables a `pull_request` run of `base`..`head` has (the event file as the runner writes
 * it, pull request 1 of o/r), for runAction's env.
 */
export function pullRequestEnv(commits: { base: string; head: string }): Record<string, string> {
  const event = join(mkdtempSync(join(tmpdir(), 'cpv-event-')), 'event.json');
  writeFileSync(
    event,
    JSON.stringify({ pull_request: { number: 1, base: { sha: commits.base }, head: { sha: commits.head } } }),
  );
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_SHA: commits.head,
  };
}

export function runAction(options: {
  cwd: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** Called with the action's process as soon as it starts (to signal it, say). */
  onSpawn?: (child: ChildProcess) => void;
}): Promise<ActionRun> {
  const outputDir = mkdtempSync(join(tmpdir(), 'cpv-out-'));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    CPV_OUTPUT_DIR: outputDir,
    // There is no PyPI here: pip (thread stress installs pytest-run-parallel) uses the local wheels.
    ...offlinePipEnv(),
    ...inputEnv(options.inputs),
    ...options.env,
  };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [DIST], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (exitCode) => {
      const path = join(outputDir, 'report.json');
      const report = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Report) : null;
      done({ exitCode, stdout, stderr, report, outputDir });
    });
  });
}

/** A throwaway copy of a project, so runs never write into the repository. */
export function copyProject(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-project-'));
  cpSync(source, dir, { recursive: true, filter: (p) => !p.includes('.cpv') && !p.includes('__pycache__') });
  return dir;
}

/** An install-command that puts the provisioned pytest on a venv's path (there is no PyPI here). */
export function pytoolsInstallCommand(tools: string): string {
  return `python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_path('purelib'), 'cpv-tools.pth').write_text('${tools}\\n')"`;
}

/** The `interpreters` input for the given labels. */
export function interpretersInput(map: Readonly<Record<string, string>>, labels: readonly string[]): string {
  return labels.map((l) => `${l}=${map[l]}`).join('\n');
}
