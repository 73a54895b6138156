import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessRunner } from '../ports.js';

export interface Venv {
  readonly dir: string;
  readonly python: string;
  readonly bin: string;
}

export function venvPaths(dir: string, platform: NodeJS.Platform = process.platform): Venv {
  const bin = join(dir, platform === 'win32' ? 'Scripts' : 'bin');
  return { dir, bin, python: join(bin, platform === 'win32' ? 'python.exe' : 'python') };
}

export class VenvError extends Error {}

/** A fresh venv for one variant: the tests never see another variant's packages. */
export async function createVenv(
  runner: ProcessRunner,
  options: { python: string; dir: string; env: Readonly<Record<string, string>> },
): Promise<Venv> {
  rmSync(options.dir, { recursive: true, force: true });
  const result = await runner.run({
    argv: [options.python, '-m', 'venv', options.dir],
    env: options.env,
    timeoutMs: 5 * 60_000,
  });
  const venv = venvPaths(options.dir);
  if (result.exitCode !== 0 || !existsSync(venv.python)) {
    const why = result.spawnError ?? result.stderr.trim().slice(-800);
    throw new VenvError(
      `python -m venv ${options.dir} failed (exit ${result.exitCode ?? result.signal}): ${why}`,
    );
  }
  return venv;
}
