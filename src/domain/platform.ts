// What differs between the runners' operating systems, in one place. Built once at the edge from
// process.platform and process.arch (src/host-facts.ts) and handed down as data, so
// that the Windows and macOS paths run in the unit tests on a Linux machine, which is the only
// place they run before a user's runner does (issue 18).
export interface PlatformFacts {
  /** 'linux', 'darwin', 'windows'; any other POSIX system is taken for Linux. */
  readonly os: 'linux' | 'darwin' | 'windows';
  /** Node's name: 'x64', 'arm64'. */
  readonly arch: string;
  /** Between the entries of PATH and PYTHONPATH. */
  readonly pathDelimiter: ';' | ':';
  /** A venv's folder of executables and its interpreter, relative to the venv. */
  readonly venvBin: 'Scripts' | 'bin';
  readonly venvPython: 'python.exe' | 'python';
  /**
   * How a command's processes are ended. POSIX: the command leads a process group and the group
   * gets the signal. Windows has no groups and no signals: `taskkill /T /F` ends the tree that
   * still hangs from the command's process.
   */
  readonly processTree: 'group' | 'taskkill';
  /**
   * How the startup driver starts and waits for a command: posix_spawn and waitpid where they
   * exist (hyperfine -N's way), else subprocess.Popen and its wait, which on Windows is
   * WaitForSingleObject on the process handle.
   */
  readonly startupSpawn: 'posix_spawn' | 'popen';
}

export function platformFacts(options: { platform: string; arch: string }): PlatformFacts {
  if (options.platform === 'win32') {
    return {
      os: 'windows',
      arch: options.arch,
      pathDelimiter: ';',
      venvBin: 'Scripts',
      venvPython: 'python.exe',
      processTree: 'taskkill',
      startupSpawn: 'popen',
    };
  }
  return {
    os: options.platform === 'darwin' ? 'darwin' : 'linux',
    arch: options.arch,
    pathDelimiter: ':',
    venvBin: 'bin',
    venvPython: 'python',
    processTree: 'group',
    startupSpawn: 'posix_spawn',
  };
}

/** A venv's executables folder and interpreter, in the platform's own path syntax. */
export function venvLayout(dir: string, facts: PlatformFacts): { bin: string; python: string } {
  const sep = facts.os === 'windows' ? '\\' : '/';
  const base = dir.length > 1 && (dir.endsWith(sep) || dir.endsWith('/')) ? dir.slice(0, -1) : dir;
  const bin = `${base}${sep}${facts.venvBin}`;
  return { bin, python: `${bin}${sep}${facts.venvPython}` };
}

/**
 * The name PATH has in `env`. Windows keeps its environment case-insensitively and spells it
 * `Path`; a copy into a plain object keeps that spelling, and a `PATH` added beside it would give
 * the child two variables, of which Windows picks one.
 */
export function pathKey(env: Readonly<Record<string, string>>, facts: PlatformFacts): string {
  if (facts.os !== 'windows') return 'PATH';
  return Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'Path';
}

/** `env` with `dir` first on its PATH, under the name the platform gives PATH. */
export function prependPath(
  env: Readonly<Record<string, string>>,
  options: { dir: string; facts: PlatformFacts },
): Record<string, string> {
  const key = pathKey(env, options.facts);
  const result = { ...env };
  const rest: string[] = [];
  // Every spelling of PATH on Windows is folded into one, in case the copy holds two.
  for (const k of Object.keys(result)) {
    if (k === key || (options.facts.os === 'windows' && k.toUpperCase() === 'PATH')) {
      if (result[k]) rest.push(result[k]);
      delete result[k];
    }
  }
  result[key] = [options.dir, ...rest].join(options.facts.pathDelimiter);
  return result;
}

/** PYTHONPATH (or PATH) entries joined the platform's way, empty ones dropped. */
export function joinSearchPath(entries: readonly (string | undefined)[], facts: PlatformFacts): string {
  return entries.filter(Boolean).join(facts.pathDelimiter);
}

// A Windows absolute path: a drive (C:\ or C:/) or a UNC share (\\server\share).
const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|\\\\)/;

/** Absolute in POSIX's syntax or in Windows'. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || WINDOWS_ABSOLUTE.test(path);
}

/**
 * `file` relative to the folder `base`, '/'-separated, when it lies inside it; else null. A POSIX
 * path compares byte for byte; a Windows one (C:\...) with either slash and the drive letter in
 * either case, as Windows itself does, since Python and Node spell the same folder differently.
 */
export function relativeInside(file: string, base: string): string | null {
  const windows = WINDOWS_ABSOLUTE.test(base);
  const norm = (p: string): string => {
    if (!windows) return p.endsWith('/') ? p.slice(0, -1) : p;
    const slashed = p.replace(/\\/g, '/');
    const trimmed = slashed.endsWith('/') ? slashed.slice(0, -1) : slashed;
    return /^[A-Za-z]:/.test(trimmed) ? trimmed[0]!.toUpperCase() + trimmed.slice(1) : trimmed;
  };
  const root = norm(base);
  const path = windows ? norm(file) : file;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : null;
}

/** The command that ends a process and its descendants, less the pid; null where groups do it. */
export function treeKillCommand(facts: PlatformFacts): readonly string[] | null {
  // /T: the process and every child it started; /F: at once (a console program ignores the
  // polite WM_CLOSE that taskkill sends without it).
  return facts.processTree === 'taskkill' ? ['taskkill', '/T', '/F', '/PID'] : null;
}

/** The command that ends process `pid` and its descendants, where it takes a command (Windows). */
export function treeKillArgv(pid: number, facts: PlatformFacts): readonly string[] | null {
  const command = treeKillCommand(facts);
  return command ? [...command, String(pid)] : null;
}
