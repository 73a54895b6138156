// The embedded catalog and the live one read from python-build-standalone's releases, as one:
// for each version, platform and flavour the build of the newest release wins, so a rebuilt
// archive of an old version replaces the embedded one and versions only the live one knows
// (3.14.10, 3.15.2) appear. Each build keeps the name of the catalog it came from.
import { type Catalog, type CatalogBuild } from './catalog.js';
import { releaseDate } from './pbs-assets.js';

const keyOf = (b: CatalogBuild): string => `${b.version}/${b.os}/${b.arch}/${b.libc}/${b.flavour}`;

/** 'embedded of 2026-08-14': named after its newest release. */
export function embeddedOrigin(catalog: Catalog): string {
  const newest = catalog.builds.reduce((n, b) => (b.release > n ? b.release : n), '');
  return `embedded of ${/^\d{8}$/.test(newest) ? releaseDate(newest) : 'unknown date'}`;
}

export function mergeCatalogs(options: {
  embedded: Catalog;
  live: readonly CatalogBuild[];
  /** When the live catalog was read from GitHub, 'YYYY-MM-DD'. */
  liveDate: string;
}): Catalog {
  const embeddedName = embeddedOrigin(options.embedded);
  const liveName = `live of ${options.liveDate}`;
  const merged = new Map<string, CatalogBuild>();
  for (const b of options.embedded.builds) merged.set(keyOf(b), { ...b, origin: b.origin ?? embeddedName });
  for (const b of options.live) {
    const held = merged.get(keyOf(b));
    if (held === undefined || b.release >= held.release) merged.set(keyOf(b), { ...b, origin: liveName });
  }
  return {
    source: `python-build-standalone's catalog (${liveName}, ${embeddedName})`,
    builds: [...merged.values()],
  };
}

/** The embedded catalog alone, each build named after it. */
export function embeddedOnly(embedded: Catalog): Catalog {
  const name = embeddedOrigin(embedded);
  return { ...embedded, builds: embedded.builds.map((b) => ({ ...b, origin: b.origin ?? name })) };
}
