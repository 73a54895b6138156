// Versions that nothing can install, refused before any download or build: 500 versions that do
// not exist once cost 16 downloads and 500 install failures, and the check passed. A version is
// installable when the catalog has it, or when the chosen python-source can build it: a fixed
// cpython-source tarball of that version, or the `{version}` template for an exact version of a
// minor the catalog knows, at most a few releases newer than the newest it knows (the embedded
// catalog lags python.org by months; the live one by a day).
import { compareVersions, isPreRelease, type Catalog } from './catalog.js';
import { sourceVersionFromName, type PythonSource } from './install-plan.js';
import type { Variant } from './variants.js';

/** How many patch releases past the catalog's newest a `{version}` source build may try. */
export const PATCHES_AHEAD = 3;

export interface RefusedVersion {
  readonly variant: Variant;
  /** Why, and what exists: for the input's error message. */
  readonly reason: string;
}

function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** '3.12 (3.12.0 to 3.12.14), 3.13 (...)': what the catalog can install. */
export function knownVersions(catalog: Catalog): string {
  const byMinor = new Map<string, string[]>();
  for (const b of catalog.builds) {
    const minor = minorOf(b.version);
    byMinor.set(minor, [...(byMinor.get(minor) ?? []), b.version]);
  }
  return [...byMinor.entries()]
    .sort(([a], [b]) => compareVersions(a, b))
    .map(([minor, versions]) => {
      const sorted = [...new Set(versions)].sort(compareVersions);
      return sorted.length === 1 ? sorted[0] : `${minor} (${sorted[0]} to ${sorted[sorted.length - 1]})`;
    })
    .join(', ');
}

function buildable(options: { variant: Variant; catalog: Catalog; cpythonSource: string }): string | null {
  const { variant, catalog, cpythonSource } = options;
  const version = variant.version;
  if (!cpythonSource.includes('{version}')) {
    // A fixed tarball: it is what it says it is, or it says nothing and the probe will tell.
    const named = sourceVersionFromName(cpythonSource);
    if (named === undefined || `${named}.`.startsWith(`${version}.`)) return null;
    return `cpython-source (${cpythonSource}) is CPython ${named}`;
  }
  const ofMinor = catalog.builds.map((b) => b.version).filter((v) => minorOf(v) === variant.minor);
  if (ofMinor.length === 0)
    return `no CPython ${variant.minor} release is known to build from cpython-source`;
  if (version === variant.minor) return null;
  const finals = ofMinor.filter((v) => !isPreRelease(v)).sort(compareVersions);
  const newest = finals[finals.length - 1];
  const patch = Number(version.split('.')[2]?.replace(/(a|b|rc)\d+$/, ''));
  const newestPatch = newest === undefined ? 0 : Number(newest.split('.')[2]);
  if (newest !== undefined && !isPreRelease(version) && patch > newestPatch + PATCHES_AHEAD) {
    return `the newest ${variant.minor} known is ${newest}, and a source build from cpython-source tries at most ${PATCHES_AHEAD} releases past it`;
  }
  return null;
}

/**
 * The variants (not given by `interpreters`) whose version neither the catalog has nor
 * python-source can build. Platform does not enter: a build missing for this machine is an
 * install failure of that variant (a `?` variant may be allowed one), not a version that does not exist.
 */
export function refusedVersions(options: {
  variants: readonly Variant[];
  catalog: Catalog;
  pythonSource: PythonSource;
  cpythonSource: string;
}): RefusedVersion[] {
  const { catalog } = options;
  const versions = new Set(catalog.builds.map((b) => b.version));
  const refused: RefusedVersion[] = [];
  for (const variant of options.variants) {
    const v = variant.version;
    const inCatalog = v === variant.minor ? [...versions].some((x) => minorOf(x) === v) : versions.has(v);
    if (inCatalog) continue;
    const notInCatalog = `CPython ${v} is not in ${catalog.source}, which knows ${knownVersions(catalog)}`;
    if (options.pythonSource === 'prebuilt') {
      refused.push({
        variant,
        reason: `${notInCatalog}; and python-source is prebuilt, so it is not built from source`,
      });
      continue;
    }
    const why = buildable({ variant, catalog, cpythonSource: options.cpythonSource });
    if (why !== null)
      refused.push({
        variant,
        reason: `${notInCatalog}; and no source build can make it: ${why}. Name a known version, or give cpython-source a tarball of the version you want`,
      });
  }
  return refused;
}
