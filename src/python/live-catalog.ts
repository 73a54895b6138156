// The live python-build-standalone catalog: the newest releases read through GitHub's REST API
// (with the token, for its rate limit), their archives and checksums from each release's
// SHA256SUMS, merged with the embedded catalog and kept for a day (the Actions cache, or the
// local folder that stands in for it). It is an improvement, never a dependency: any failure
// leaves the embedded catalog in force with one warning line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog, type Catalog, type CatalogBuild } from '../domain/catalog.js';
import { embeddedOnly, embeddedOrigin, mergeCatalogs } from '../domain/catalog-merge.js';
import { parseReleaseListing, parseSha256Sums, releaseBuilds } from '../domain/pbs-assets.js';
import type { CacheStore, Toolkit } from '../ports.js';
import { embeddedCatalog } from './catalog-source.js';

export const PBS_REPOSITORY = 'astral-sh/python-build-standalone';
// Each release carries every supported minor; three cover a release that lacks a platform.
const RELEASES_READ = 3;
const TIMEOUT_MS = 30_000;
// Bumped when the cached file's shape changes, so an old file is never read as a new one.
const CACHE_VERSION = 1;

export interface LiveCatalogOptions {
  /** GitHub's REST API (GITHUB_API_URL). */
  readonly apiUrl: string;
  /** The github-token input; without one the embedded catalog is used, silently. */
  readonly token: string;
  /** Where SHA256SUMS is read: the prebuilt-mirror input, as for the archives. */
  readonly mirror: string;
  /** The Actions cache or the local folder standing in for it; null: this machine's folder only. */
  readonly cache: CacheStore | null;
  /** A folder that stays the same from run to run (the cache restores to the saved path). */
  readonly directory: string;
  readonly toolkit: Toolkit;
  readonly now?: () => Date;
}

class LiveCatalogError extends Error {}

const message = (e: unknown): string =>
  e instanceof Error
    ? e.cause instanceof Error
      ? `${e.message}: ${e.cause.message}`
      : e.message
    : String(e);

async function get(url: string, headers: Record<string, string>): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new LiveCatalogError(`${url} could not be reached`, { cause: error });
  }
  const body = await response.text();
  if (!response.ok) {
    // GitHub answers a spent rate limit with 403 or 429 and x-ratelimit-remaining: 0.
    const limited = response.headers.get('x-ratelimit-remaining') === '0';
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    const until = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    throw new LiveCatalogError(
      limited
        ? `GitHub's API rate limit is spent${until} (${response.status})`
        : `${url} answered ${response.status} ${response.statusText}`,
    );
  }
  return body;
}

async function fetchLive(options: LiveCatalogOptions): Promise<CatalogBuild[]> {
  const api = options.apiUrl.replace(/\/+$/, '');
  const listing = await get(`${api}/repos/${PBS_REPOSITORY}/releases?per_page=${RELEASES_READ}`, {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${options.token}`,
    'x-github-api-version': '2022-11-28',
  });
  let releases;
  try {
    releases = parseReleaseListing(JSON.parse(listing)).slice(0, RELEASES_READ);
  } catch (error) {
    throw new LiveCatalogError(`the release listing is not one: ${message(error)}`, { cause: error });
  }
  if (releases.length === 0) throw new LiveCatalogError('the release listing names no release');
  const builds: CatalogBuild[] = [];
  for (const release of releases) {
    // The token stays with GitHub's API: the mirror may be anyone's.
    const url = `${options.mirror.replace(/\/+$/, '')}/${release.tag}/SHA256SUMS`;
    const sums = parseSha256Sums(await get(url, {}));
    builds.push(...releaseBuilds({ tag: release.tag, sums, assets: release.assets }));
  }
  if (builds.length === 0) throw new LiveCatalogError('its releases list no CPython archive');
  return builds;
}

interface CachedFile {
  readonly schema: number;
  readonly date: string;
  readonly builds: readonly CatalogBuild[];
}

function readCached(file: string, date: string): CatalogBuild[] | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CachedFile;
    if (data.schema !== CACHE_VERSION || data.date !== date) return undefined;
    return [...parseCatalog({ builds: data.builds }, file).builds];
  } catch {
    return undefined;
  }
}

/** The catalog in force when no prebuilt-catalog is given. Never throws. */
export async function liveCatalog(options: LiveCatalogOptions): Promise<Catalog> {
  const embedded = embeddedCatalog();
  if (options.token === '') {
    options.toolkit.info(
      `No github-token: python-build-standalone's releases are not read; using the action's own catalog (${embeddedOrigin(embedded)}).`,
    );
    return embeddedOnly(embedded);
  }
  // One file a UTC day: the cache key names the day, so tomorrow's run misses and reads afresh.
  const date = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  const key = `cpython-variants-pbs-catalog-v${CACHE_VERSION}-${date}`;
  const file = join(options.directory, 'pbs-catalog.json');
  const merged = (live: readonly CatalogBuild[], how: string): Catalog => {
    const catalog = mergeCatalogs({ embedded, live, liveDate: date });
    options.toolkit.info(`${catalog.source}: ${live.length} live builds ${how}`);
    return catalog;
  };

  const here = readCached(file, date);
  if (here) return merged(here, `kept on this machine (${file})`);
  if (options.cache !== null) {
    try {
      if ((await options.cache.restore([options.directory], key)) !== undefined) {
        const restored = readCached(file, date);
        if (restored) return merged(restored, `restored from the cache (${options.cache.kind})`);
      }
    } catch (error) {
      options.toolkit.info(`The cached live catalog could not be restored: ${message(error)}`);
    }
  }

  let live: CatalogBuild[];
  try {
    live = await fetchLive(options);
  } catch (error) {
    options.toolkit.warning(
      `python-build-standalone's live catalog could not be read (${message(error)}); using the action's own catalog (${embeddedOrigin(embedded)}).`,
    );
    return embeddedOnly(embedded);
  }
  mkdirSync(options.directory, { recursive: true });
  writeFileSync(file, JSON.stringify({ schema: CACHE_VERSION, date, builds: live } satisfies CachedFile));
  if (options.cache !== null) {
    try {
      await options.cache.save([options.directory], key);
    } catch (error) {
      options.toolkit.info(`The live catalog could not be saved to the cache: ${message(error)}`);
    }
  }
  return merged(live, `read from ${options.apiUrl} and SHA256SUMS`);
}
