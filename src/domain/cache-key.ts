// The Actions cache key of an installed interpreter tree. Everything that changes the tree's
// bytes is in it, so a restored tree is always the one a fresh install would give.

/**
 * Bump when the installed tree's layout or contents change (the marker file, what is left out),
 * so older cached trees are never restored into a newer action.
 */
export const INSTALL_LAYOUT_VERSION = 1;

export interface CacheKeyParts {
  readonly os: string;
  /** 'ubuntu-24.04', 'darwin-24', 'windows-10.0.26100': a tree built on one may not run on an older one. */
  readonly osVersion: string;
  readonly arch: string;
  /** Exact CPython version, '3.13.5' (or as given when a fixed source tarball does not say). */
  readonly version: string;
  /** What sets the build apart: python-build-standalone's flavour, or the configure flags. */
  readonly flags: readonly string[];
  /** sha256 of the archive or source tarball the tree came from. */
  readonly sourceChecksum: string;
  readonly layoutVersion: number;
}

// The cache service refuses commas and keys over 512 characters; keep keys to a safe alphabet.
const safe = (s: string): string => s.replace(/[^A-Za-z0-9._+=-]+/g, '_');

export function cacheKey(parts: CacheKeyParts): string {
  const flags =
    parts.flags.length === 0
      ? 'default'
      : [...parts.flags]
          .sort()
          .map((f) => f.replace(/^--/, ''))
          .join('+');
  const fields = [
    'cpv-cpython',
    parts.version,
    `${parts.os}-${parts.osVersion}`,
    parts.arch,
    flags,
    parts.sourceChecksum.toLowerCase(),
    `layout${parts.layoutVersion}`,
  ];
  return fields.map(safe).join('-').slice(0, 512);
}
