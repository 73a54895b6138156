// The wheels that stand in for a private package mirror on machines without PyPI (pytest-run-parallel
// for thread stress): $CPV_WHEELS, else ../shared/wheels beside the repository, as CI lays it out.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export function wheelsDir(): string | null {
  const dir = process.env['CPV_WHEELS'] ?? resolve(ROOT, '..', 'shared', 'wheels');
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('pytest_run_parallel-')) ? dir : null;
}

export function wheelsSkipReason(): string | null {
  return wheelsDir() === null
    ? 'no pytest-run-parallel wheel (set CPV_WHEELS to a folder holding pytest_run_parallel-0.10.0-py3-none-any.whl, or put it in ../shared/wheels)'
    : null;
}

/** pip's own configuration pointed at the wheels, as a user with a mirror sets it; {} without them. */
export function offlinePipEnv(): Record<string, string> {
  const dir = wheelsDir();
  return dir === null ? {} : { PIP_FIND_LINKS: dir, PIP_NO_INDEX: '1' };
}
