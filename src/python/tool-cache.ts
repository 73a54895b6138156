// The runner's tool cache: where setup-python (or the runner image) already put the exact
// version, there is nothing to download. Only complete entries count (tool-cache writes
// `<arch>.complete` last); the probe still decides whether the build is the variant's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchName, OsName } from '../domain/catalog.js';
import { interpreterCandidates, toolCacheDirectories } from '../domain/python-layout.js';
import type { Variant } from '../domain/variants.js';

export function findInToolCache(options: {
  toolCache: string;
  version: string;
  variant: Pick<Variant, 'minor' | 'freeThreaded' | 'debug'>;
  os: OsName;
  arch: ArchName;
}): string | undefined {
  const { variant } = options;
  for (const rel of toolCacheDirectories({
    version: options.version,
    arch: options.arch,
    freeThreaded: variant.freeThreaded,
  })) {
    const dir = join(options.toolCache, rel);
    if (!existsSync(`${dir}.complete`)) continue;
    const exe = interpreterCandidates({ os: options.os, build: variant }).find((c) =>
      existsSync(join(dir, c)),
    );
    if (exe !== undefined) return join(dir, exe);
  }
  return undefined;
}
