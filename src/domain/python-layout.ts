// Where the interpreter sits inside an installed tree, per OS and build: pure path logic, so the
// macOS and Windows layouts are tested here although only Linux runs the real thing.
import type { ArchName, OsName } from './catalog.js';
import type { Variant } from './variants.js';

type Build = Pick<Variant, 'minor' | 'freeThreaded' | 'debug'>;

/**
 * Paths relative to the install prefix, most specific first. The probe decides whether the
 * first one that exists is the right build; this only says where builds put their executables.
 */
export function interpreterCandidates(options: { os: OsName; build: Build }): string[] {
  const { os, build } = options;
  const t = build.freeThreaded ? 't' : '';
  if (os === 'windows') {
    // python-build-standalone's Windows trees have python.exe at the top; free-threaded ones add
    // python3.13t.exe, and CPython's own debug builds are python_d.exe.
    const names = [
      ...(build.debug ? [`python${t}_d.exe`, 'python_d.exe'] : []),
      ...(build.freeThreaded ? [`python${build.minor}t.exe`, 'python3t.exe'] : []),
      'python.exe',
    ];
    return [...new Set(names)];
  }
  // `make install` names the binary python3.13 + ABI flags (t, d) and links python3.13 to it,
  // except on 3.13t where only python3.13t exists.
  const abi = `${t}${build.debug ? 'd' : ''}`;
  const names = [
    `python${build.minor}${abi}`,
    `python${build.minor}${t}`,
    `python3${t}`,
    `python${build.minor}`,
    'python3',
  ];
  return [...new Set(names)].map((n) => `bin/${n}`);
}

/** setup-python's name for an architecture in the runner's tool cache. */
export function toolCacheArch(arch: ArchName): string {
  return arch === 'x86_64' ? 'x64' : 'arm64';
}

/**
 * Folders of the runner's tool cache (relative to RUNNER_TOOL_CACHE) that may hold an exact
 * version: setup-python keeps free-threaded builds under the architecture `x64-freethreaded`;
 * `3.13.5t/x64` is accepted too for hand-made caches.
 */
export function toolCacheDirectories(options: {
  version: string;
  arch: ArchName;
  freeThreaded: boolean;
}): string[] {
  const arch = toolCacheArch(options.arch);
  if (options.freeThreaded)
    return [`Python/${options.version}/${arch}-freethreaded`, `Python/${options.version}t/${arch}`];
  return [`Python/${options.version}/${arch}`];
}

/**
 * Whether a path (relative to the prefix, '/'-separated) is left out of installed and cached
 * trees: the test suite and the static libpython, about 200 of 400 MB that the action never uses.
 */
export function isLeftOut(options: { os: OsName; path: string }): boolean {
  if (options.os === 'windows') return /^Lib\/test$/i.test(options.path);
  return (
    /^lib\/python3\.\d+t?d?\/(test|config-[^/]+\/libpython[^/]*\.a)$/.test(options.path) ||
    /^lib\/libpython3\.\d+t?d?\.a$/.test(options.path)
  );
}
