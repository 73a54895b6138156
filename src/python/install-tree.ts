// An installed interpreter tree: its marker (written last, so a tree without one is incomplete),
// where its interpreter is, and what is left out of it.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OsName } from '../domain/catalog.js';
import { interpreterCandidates, isLeftOut } from '../domain/python-layout.js';
import type { Variant } from '../domain/variants.js';

export const MARKER_FILE = '.cpython-variants.json';

export interface TreeMarker {
  readonly cacheKey: string;
  readonly layoutVersion: number;
  /** Relative to the prefix. */
  readonly executable: string;
  readonly origin: string;
  readonly sha256: string;
}

export function writeMarker(prefix: string, marker: TreeMarker): void {
  writeFileSync(join(prefix, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

export function readMarker(prefix: string): TreeMarker | undefined {
  try {
    const data = JSON.parse(readFileSync(join(prefix, MARKER_FILE), 'utf8')) as Partial<TreeMarker>;
    if (typeof data.cacheKey !== 'string' || typeof data.executable !== 'string') return undefined;
    return data as TreeMarker;
  } catch {
    return undefined;
  }
}

/** The interpreter of a tree, relative to its prefix, or undefined when none of the names a build uses is there. */
export function findInterpreter(
  prefix: string,
  options: { os: OsName; build: Pick<Variant, 'minor' | 'freeThreaded' | 'debug'> },
): string | undefined {
  return interpreterCandidates(options).find((rel) => existsSync(join(prefix, rel)));
}

const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** Removes the test suite and the static libpython; returns the relative paths removed. */
export function trimTree(prefix: string, options: { os: OsName }): string[] {
  const removed: string[] = [];
  const consider = (rel: string): void => {
    if (!isLeftOut({ os: options.os, path: rel })) return;
    rmSync(join(prefix, rel), { recursive: true, force: true });
    removed.push(rel);
  };
  const libDir = options.os === 'windows' ? 'Lib' : 'lib';
  if (options.os === 'windows') consider('Lib/test');
  for (const file of listDir(join(prefix, libDir)).filter((n) => n.endsWith('.a')))
    consider(`${libDir}/${file}`);
  for (const lib of listDir(join(prefix, libDir)).filter((n) => n.startsWith('python3'))) {
    consider(`${libDir}/${lib}/test`);
    for (const config of listDir(join(prefix, libDir, lib)).filter((n) => n.startsWith('config-'))) {
      for (const file of listDir(join(prefix, libDir, lib, config)))
        consider(`${libDir}/${lib}/${config}/${file}`);
    }
  }
  return removed;
}
