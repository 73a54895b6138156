// A python-build-standalone archive: downloaded, checked against the catalog's sha256 before a
// single byte is unpacked, unpacked beside the prefix and moved into place whole.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { archiveLayout, downloadUrl, type CatalogBuild } from '../domain/catalog.js';
import type { ProcessRunner } from '../ports.js';
import { download } from './download.js';

export class PrebuiltError extends Error {}

export interface PrebuiltOptions {
  readonly build: CatalogBuild;
  /** Base URL of python-build-standalone's releases (the prebuilt-mirror input). */
  readonly mirror: string;
  /** Where the tree goes; replaced whole. */
  readonly prefix: string;
  readonly downloadDirectory: string;
  readonly runner: ProcessRunner;
  readonly env: Readonly<Record<string, string>>;
}

export interface Unpacked {
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
}

export async function installPrebuilt(options: PrebuiltOptions): Promise<Unpacked> {
  const { build, prefix } = options;
  const url = downloadUrl(build, options.mirror);
  const archive = join(options.downloadDirectory, decodeURIComponent(basename(new URL(url).pathname)));
  const fetched = await download({ url, dest: archive }).catch((error: unknown) => {
    throw new PrebuiltError(error instanceof Error ? error.message : String(error), { cause: error });
  });
  if (fetched.sha256 !== build.sha256) {
    rmSync(archive, { force: true });
    throw new PrebuiltError(
      `${url} has sha256 ${fetched.sha256}, but the catalog says ${build.sha256}: refused, nothing was unpacked`,
    );
  }
  const staging = `${prefix}.unpacking`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const layout = archiveLayout(url);
    // Node has no zstd; tar hands it to the zstd program (GNU tar) or libarchive (bsdtar).
    const result = await options.runner.run({
      argv: ['tar', '-x', layout.compression === 'zstd' ? '--zstd' : '-z', '-f', archive, '-C', staging],
      env: options.env,
      timeoutMs: 20 * 60_000,
    });
    if (result.exitCode !== 0) {
      const why = result.spawnError ?? result.stderr.trim().slice(-500);
      throw new PrebuiltError(`tar could not unpack ${basename(archive)}: ${why}`);
    }
    const tree = join(staging, layout.prefix);
    if (!existsSync(tree))
      throw new PrebuiltError(
        `${basename(archive)} has no ${layout.prefix}/ folder, so it is not a python-build-standalone archive`,
      );
    rmSync(prefix, { recursive: true, force: true });
    renameSync(tree, prefix);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(archive, { force: true });
  }
  return { url, sha256: fetched.sha256, bytes: fetched.bytes };
}
