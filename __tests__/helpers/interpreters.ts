// The real CPython builds the end-to-end tests run on, and venvs with the Python test tools.
// scripts/provision.sh builds them (CI always runs it); on a machine without them the tests
// that need them are skipped with the reason from `interpretersSkipReason`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// provision.sh's folder: $CPV_CACHE, else ~/.cache/cpython-variants.
const CACHE = process.env['CPV_CACHE'] ?? join(homedir(), '.cache', 'cpython-variants');

/** `VARIANT=PATH` lines: $CPV_INTERPRETERS_FILE, else what provision.sh wrote. */
export function interpretersFile(): string {
  return process.env['CPV_INTERPRETERS_FILE'] ?? join(CACHE, 'interpreters.txt');
}

/** pytest, pluggy, iniconfig, packaging, pytest-benchmark, unpacked: $CPV_PYTOOLS, else provision.sh's. */
export function pytoolsPath(): string | null {
  const given = process.env['CPV_PYTOOLS'];
  if (given !== undefined) return existsSync(join(given, 'pytest')) ? given : null;
  // provision.sh marks the unpacking finished with .done: a half-unpacked tree is not pytest.
  const root = join(CACHE, 'pytools');
  return existsSync(join(root, '.done')) ? join(root, 'usr', 'lib', 'python3', 'dist-packages') : null;
}

/** pytest-xdist and execnet, unpacked by provision.sh's xdist_tools: $CPV_XDIST, else its folder. */
export function xdistPath(): string | null {
  const given = process.env['CPV_XDIST'];
  if (given !== undefined) return existsSync(join(given, 'xdist')) ? given : null;
  const root = join(CACHE, 'pytools-xdist');
  return existsSync(join(root, '.done')) ? join(root, 'usr', 'lib', 'python3', 'dist-packages') : null;
}

function fromFile(file: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([^=#\s]+)\s*=\s*(\S.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] && existsSync(match[2])) map[match[1]] = match[2];
  }
  return map;
}

// Before provision.sh has written its list, each finished build (a `.complete` file) counts.
function fromCache(): Record<string, string> {
  const builds = join(CACHE, 'cpython');
  if (!existsSync(builds)) return {};
  const map: Record<string, string> = {};
  for (const dir of readdirSync(builds)) {
    const match = /^(\d+\.\d+)\.\d+-(default|freethreaded|jit)$/.exec(dir);
    if (!match?.[1] || !existsSync(join(builds, dir, '.complete'))) continue;
    const minor = match[1];
    const [label, exe] =
      match[2] === 'freethreaded'
        ? [`${minor}t`, `python${minor}t`]
        : [match[2] === 'jit' ? `${minor}+jit` : minor, `python${minor}`];
    const python = join(builds, dir, 'bin', exe);
    if (existsSync(python)) map[label] = python;
  }
  return map;
}

/** Variant label ('3.13', '3.13t', '3.13+jit') to interpreter path, or null when there are none. */
export function realInterpreters(): Readonly<Record<string, string>> | null {
  const file = interpretersFile();
  const map = existsSync(file) ? fromFile(file) : fromCache();
  return Object.keys(map).length > 0 ? map : null;
}

/** Why tests needing `variants` and pytest cannot run here, or null when they can. */
export function interpretersSkipReason(variants: readonly string[]): string | null {
  const map = realInterpreters() ?? {};
  const missing = variants.filter((v) => map[v] === undefined);
  if (missing.length > 0) {
    return `no real interpreter for ${missing.join(', ')} (run scripts/provision.sh, or set CPV_INTERPRETERS_FILE to a file of VARIANT=PATH lines; looked in ${interpretersFile()})`;
  }
  if (pytoolsPath() === null) {
    return 'pytest is not unpacked (run scripts/provision.sh, or set CPV_PYTOOLS to a dist-packages folder holding pytest)';
  }
  return null;
}

export interface TestVenv {
  readonly dir: string;
  readonly bin: string;
  readonly python: string;
}

/** A venv of `python` (without pip: nothing is installed) that sees the unpacked pytest (and `extraPaths`) through a .pth. */
export function makeVenv(options: { python: string; dir: string; extraPaths?: readonly string[] }): TestVenv {
  execFileSync(options.python, ['-m', 'venv', '--without-pip', options.dir], { stdio: 'pipe' });
  const bin = join(options.dir, 'bin');
  const python = join(bin, 'python');
  const tools = pytoolsPath();
  if (tools !== null) {
    const purelib = execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_path('purelib'))"], {
      encoding: 'utf8',
    }).trim();
    writeFileSync(join(purelib, 'cpv-pytools.pth'), [tools, ...(options.extraPaths ?? [])].join('\n') + '\n');
  }
  return { dir: options.dir, bin, python };
}

/** The environment a variant's commands get: the venv first on PATH, as the action sets it. */
export function venvEnv(
  venv: TestVenv,
  base: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  delete env['PYTHONHOME'];
  delete env['PYTHONPATH'];
  return { ...env, PATH: `${venv.bin}:${env['PATH'] ?? '/usr/bin:/bin'}`, VIRTUAL_ENV: venv.dir, ...extra };
}

/**
 * Debian sid's CPython 3.14 and 3.15 (labels 3.14, 3.14+jit, 3.15, 3.15+jit) from provision.sh's
 * interpreters-next.txt, or $CPV_NEXT_INTERPRETERS_FILE: a list of its own, so the tests and the
 * demo that take every line of interpreters.txt stay on 3.13.
 */
export function nextInterpreters(): Readonly<Record<string, string>> {
  const file = process.env['CPV_NEXT_INTERPRETERS_FILE'] ?? join(CACHE, 'interpreters-next.txt');
  return existsSync(file) ? fromFile(file) : {};
}
