import { existsSync, rmSync } from 'node:fs';
import { venvLayout, type PlatformFacts } from '../domain/platform.js';
import { hostFacts } from '../host-facts.js';
import type { ProcessRunner } from '../ports.js';

export interface Venv {
  readonly dir: string;
  readonly python: string;
  readonly bin: string;
}

export function venvPaths(dir: string, platform: PlatformFacts = hostFacts()): Venv {
  return { dir, ...venvLayout(dir, platform) };
}

export class VenvError extends Error {}

/** A fresh venv for one variant: the tests never see another variant's packages. */
export async function createVenv(
  runner: ProcessRunner,
  options: { python: string; dir: string; env: Readonly<Record<string, string>>; platform?: PlatformFacts },
): Promise<Venv> {
  rmSync(options.dir, { recursive: true, force: true });
  const result = await runner.run({
    argv: [options.python, '-m', 'venv', options.dir],
    env: options.env,
    timeoutMs: 5 * 60_000,
  });
  const venv = venvPaths(options.dir, options.platform);
  if (result.exitCode !== 0 || !existsSync(venv.python)) {
    const why = result.spawnError ?? result.stderr.trim().slice(-800);
    throw new VenvError(
      `python -m venv ${options.dir} failed (exit ${result.exitCode ?? result.signal}): ${why}`,
    );
  }
  return venv;
}
