// python-build-standalone archives of the real layout, made from the provisioned interpreters:
// the JIT build (compiled in, off by default, as python-build-standalone's default Linux builds
// are) as an install_only `.tar.gz` (python/bin/...), the free-threaded build as a
// `-full.tar.zst` (python/install/bin/...). Made once per machine into the temp dir and reused.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GITHUB_RELEASES } from '../../src/domain/catalog.js';
import type { Annotation, Toolkit } from '../../src/ports.js';
import type { InstallSettings } from '../../src/python/install.js';
import { realInterpreters } from '../helpers/interpreters.js';

export const RELEASE = '20250723';
export const DEFAULT_ASSET = `cpython-3.13.5+${RELEASE}-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`;
export const FREETHREADED_ASSET = `cpython-3.13.5+${RELEASE}-x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst`;

export interface Archive {
  readonly asset: string;
  readonly file: string;
  readonly sha256: string;
}
export interface Archives {
  readonly default: Archive;
  readonly freethreaded: Archive;
}

/** Why the archives cannot be made here, or null. */
export function archivesSkipReason(): string | null {
  const map = realInterpreters() ?? {};
  if (process.arch !== 'x64' || process.platform !== 'linux')
    return 'the fake mirror serves Linux x86_64 archives';
  const missing = ['3.13+jit', '3.13t'].filter((v) => map[v] === undefined);
  return missing.length
    ? `no provisioned interpreter for ${missing.join(', ')} (scripts/provision.sh)`
    : null;
}

const prefixOf = (python: string): string => dirname(dirname(python));

function make(options: { tree: string; asset: string; into: string; compress: string }): Archive {
  const file = join(options.into, options.asset);
  if (!existsSync(file)) {
    const part = `${file}.${process.pid}.part`;
    execFileSync('tar', [
      '-c',
      '-I',
      options.compress,
      '-f',
      part,
      '-C',
      options.tree,
      '--exclude=__pycache__',
      '--exclude=./lib/python3.13*/test',
      '--exclude=*.a',
      '--exclude=./.complete',
      '--transform',
      `s,^\\.,${options.asset.includes('-full.') ? 'python/install' : 'python'},S`,
      '.',
    ]);
    renameSync(part, file);
  }
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { asset: options.asset, file, sha256 };
}

export function buildArchives(): Archives {
  const map = realInterpreters() ?? {};
  const jit = prefixOf(map['3.13+jit'] as string);
  const ft = prefixOf(map['3.13t'] as string);
  // Named after the trees' ages, so a rebuilt interpreter gets fresh archives.
  const stamp = createHash('sha256')
    .update([jit, ft].map((p) => `${p}:${statSync(join(p, 'bin')).mtimeMs}`).join('|'))
    .digest('hex')
    .slice(0, 12);
  const into = join(tmpdir(), `cpv-pbs-archives-${stamp}`);
  mkdirSync(into, { recursive: true });
  return {
    default: make({ tree: jit, asset: DEFAULT_ASSET, into, compress: 'gzip -1' }),
    freethreaded: make({ tree: ft, asset: FREETHREADED_ASSET, into, compress: 'zstd -1 -T0' }),
  };
}

/** A prebuilt-catalog in the embedded shape, with URLs on GitHub's releases (the mirror replaces them). */
export function writeCatalog(options: {
  file: string;
  archives: Archives;
  wrongSha?: 'default' | 'freethreaded';
}): string {
  const sha = (which: 'default' | 'freethreaded'): string =>
    options.wrongSha === which ? 'f'.repeat(64) : options.archives[which].sha256;
  const build = (flavour: 'default' | 'freethreaded', asset: string) => ({
    version: '3.13.5',
    release: RELEASE,
    os: 'linux',
    arch: 'x86_64',
    libc: 'gnu',
    flavour,
    url: `${GITHUB_RELEASES}/${RELEASE}/${encodeURIComponent(asset)}`,
    sha256: sha(flavour),
  });
  const catalog = {
    schema: 1,
    builds: [build('default', DEFAULT_ASSET), build('freethreaded', FREETHREADED_ASSET)],
  };
  writeFileSync(options.file, JSON.stringify(catalog));
  return options.file;
}

/** A Toolkit that keeps what it is told, for assertions. */
export class RecordingToolkit implements Toolkit {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warning(message: string, _annotation?: Annotation): void {
    this.warnings.push(message);
    this.lines.push(`warning: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
  notice(message: string): void {
    this.lines.push(`notice: ${message}`);
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${name}`);
    return fn();
  }
  setOutput(): void {}
  async appendSummary(): Promise<void> {}
  setFailed(message: string): void {
    this.lines.push(`failed: ${message}`);
  }
}

/** PATH and HOME only: what the tested interpreters get, and no credentials. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    LANG: 'C.UTF-8',
    ...extra,
  };
}

/** setup-python's layout: Python/3.13.5/x64 (and x64-freethreaded), each with its `.complete`. */
export function makeToolCache(options: { dir: string; trees: Record<string, string> }): string {
  for (const [rel, tree] of Object.entries(options.trees)) {
    const target = join(options.dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    symlinkSync(tree, target);
    writeFileSync(`${target}.complete`, '');
  }
  return options.dir;
}

/** The install inputs every install test starts from: prebuilt archives from `mirror`, by `catalog`. */
export function installInputs(options: {
  mirror: string;
  catalog: string;
  workingDirectory: string;
  pythonSource: InstallSettings['pythonSource'];
  cache: boolean;
}): InstallSettings {
  return {
    interpreters: new Map(),
    pythonSource: options.pythonSource,
    cpythonSource: 'https://www.python.org/ftp/python/{version}/Python-{version}.tar.xz',
    prebuiltMirror: options.mirror,
    prebuiltCatalog: options.catalog,
    cache: options.cache,
    workingDirectory: options.workingDirectory,
  };
}
