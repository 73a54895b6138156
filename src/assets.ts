import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The action finds its own files from import.meta.url: dist/assets when bundled (dist/index.js),
// src/python/assets when run from source (tests).
const here = dirname(fileURLToPath(import.meta.url));
const candidates = [join(here, 'assets'), join(here, 'python', 'assets'), join(here, '..', 'dist', 'assets')];

export function assetPath(name: string): string {
  for (const dir of candidates) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `cpython-variants is incomplete: its file ${name} is missing (looked in ${candidates.join(', ')})`,
  );
}
