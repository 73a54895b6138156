// A variant's fresh venv with the project installed into it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultInstallCommand, type ProjectFiles } from '../domain/project.js';
import type { ProcessRunner } from '../ports.js';
import type { PlatformFacts } from '../domain/platform.js';
import { createVenv, type Venv } from '../python/venv.js';

export function readProjectFiles(dir: string): ProjectFiles {
  const list = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);
  const isPackage = (d: string): boolean => existsSync(join(d, '__init__.py'));
  const isDir = (d: string): boolean => existsSync(d) && statSync(d).isDirectory();
  const topLevel = list(dir);
  const srcFolders = list(join(dir, 'src')).filter((n) => isDir(join(dir, 'src', n)));
  const packages = [
    ...topLevel.filter((n) => isDir(join(dir, n)) && isPackage(join(dir, n))),
    ...srcFolders.filter((n) => isPackage(join(dir, 'src', n))).map((n) => `src/${n}`),
  ];
  const pyprojectPath = join(dir, 'pyproject.toml');
  return {
    topLevel,
    srcFolders,
    packages,
    pyproject: existsSync(pyprojectPath) ? readFileSync(pyprojectPath, 'utf8') : null,
  };
}

export type PrepareOutcome =
  | { readonly ok: true; readonly venv: Venv; readonly installCommand: string; readonly durationMs: number }
  | { readonly ok: false; readonly error: string };

export async function prepareVariant(options: {
  runner: ProcessRunner;
  python: string;
  venvDir: string;
  projectDir: string;
  /** null: decided from the project's files. */
  installCommand: string | null;
  /** Builds the variant's environment around a venv. */
  envFor: (venv: Venv | null) => Record<string, string>;
  timeoutMs: number;
  /** Where the venv keeps its interpreter; the host's when absent. */
  platform?: PlatformFacts;
}): Promise<PrepareOutcome> {
  const started = Date.now();
  let venv: Venv;
  try {
    venv = await createVenv(options.runner, {
      python: options.python,
      dir: options.venvDir,
      env: options.envFor(null),
      ...(options.platform ? { platform: options.platform } : {}),
    });
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const command = options.installCommand ?? defaultInstallCommand(readProjectFiles(options.projectDir));
  if (command !== '') {
    const result = await options.runner.run({
      argv: ['bash', '-c', command],
      cwd: options.projectDir,
      env: options.envFor(venv),
      timeoutMs: options.timeoutMs,
      outputLimitBytes: 256 * 1024,
    });
    if (result.exitCode !== 0) {
      const how = result.timedOut
        ? 'timed out'
        : result.signal
          ? `was killed by ${result.signal}`
          : `exited with ${result.exitCode}`;
      const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n');
      return { ok: false, error: `install-command \`${command}\` ${how}:\n${tail}` };
    }
  }
  return { ok: true, venv, installCommand: command, durationMs: Date.now() - started };
}
