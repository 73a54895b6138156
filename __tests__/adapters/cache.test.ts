// The two CacheStores against what they really talk to: @actions/cache against the fake cache
// service (v2 twirp + blob, v1), the local folder store through real tar.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionsCacheStore,
  createCacheStore,
  hasCacheService,
  LocalCacheStore,
} from '../../src/adapters/cache.js';
import { SpawnRunner } from '../../src/adapters/process.js';
import { startCacheService, type FakeCacheService } from '../fakes/cache-server.js';

const runner = new SpawnRunner();
const tmp = mkdtempSync(join(tmpdir(), 'cpv-cache-test-'));
let service: FakeCacheService;

beforeAll(async () => {
  service = await startCacheService();
});
afterAll(async () => {
  await service.close();
  rmSync(tmp, { recursive: true, force: true });
});

function tree(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'python3.13'), `#!/bin/sh\necho ${name}\n`, { mode: 0o755 });
  // Enough bytes that a short read would show.
  writeFileSync(join(dir, 'data'), Buffer.alloc(3 * 1024 * 1024, name));
  return dir;
}

describe.each(['v2', 'v1'] as const)('ActionsCacheStore, protocol %s', (protocol) => {
  it('saves a tree and restores it in place, and misses an unknown key', async () => {
    const store = new ActionsCacheStore({
      env: service.env(protocol),
      tempDirectory: join(tmp, 'runner-temp'),
    });
    const dir = tree(`tree-${protocol}`);
    const key = `cpv-test-${protocol}-${Date.now()}`;
    await store.save([dir], key);
    expect(service.keys()).toContain(key);

    rmSync(dir, { recursive: true });
    expect(await store.restore([dir], `${key}-other`)).toBeUndefined();
    expect(await store.restore([dir], key)).toBe(key);
    expect(readFileSync(join(dir, 'bin', 'python3.13'), 'utf8')).toContain(`tree-${protocol}`);
    expect(readFileSync(join(dir, 'data')).length).toBe(3 * 1024 * 1024);
    // The service variables were there for the calls only.
    expect(process.env['ACTIONS_RUNTIME_TOKEN']).toBeUndefined();
    expect(process.env['ACTIONS_RESULTS_URL']).toBeUndefined();
    expect(process.env['ACTIONS_CACHE_URL']).toBeUndefined();
  });
});

it('stores an archive over 128 MiB the way the blob SDK sends it: blocks, then the block list', async () => {
  const store = new ActionsCacheStore({ env: service.env('v2'), tempDirectory: join(tmp, 'runner-temp') });
  const dir = join(tmp, 'big');
  mkdirSync(dir, { recursive: true });
  // Random bytes do not compress, so the archive really is over the single-PUT limit.
  writeFileSync(join(dir, 'blob'), randomBytes(136 * 1024 * 1024));
  const before = service.requests.length;
  await store.save([dir], 'cpv-big');
  const puts = service.requests.slice(before).filter((r) => r.method === 'PUT');
  expect(puts.length).toBeGreaterThanOrEqual(3);
  rmSync(dir, { recursive: true });
  expect(await store.restore([dir], 'cpv-big')).toBe('cpv-big');
  expect(readFileSync(join(dir, 'blob')).length).toBe(136 * 1024 * 1024);
  rmSync(dir, { recursive: true });
}, 120_000);

it('speaks v2 the way @actions/cache 6 does: twirp calls, one blob PUT, one GET', async () => {
  const paths = new Set(service.requests.map((r) => `${r.method} ${r.path.replace(/\d+$/, 'N')}`));
  expect([...paths]).toEqual(
    expect.arrayContaining([
      'POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry',
      'PUT /devstoreaccount1/actions-cache/N',
      'POST /twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload',
      'POST /twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL',
      'GET /devstoreaccount1/actions-cache/N',
      'PATCH /_apis/artifactcache/caches/N',
    ]),
  );
});

it('a service that forbids (403) is a miss and a saved nothing, never an exception', async () => {
  const store = new ActionsCacheStore({ env: service.env('v2'), tempDirectory: join(tmp, 'runner-temp') });
  const dir = tree('forbidden');
  service.failWith(403);
  try {
    await expect(store.restore([dir], 'cpv-forbidden')).resolves.toBeUndefined();
    await expect(store.save([dir], 'cpv-forbidden')).resolves.toBeUndefined();
  } finally {
    service.failWith(null);
  }
  expect(service.keys()).not.toContain('cpv-forbidden');
});

describe('LocalCacheStore', () => {
  it('saves and restores absolute paths, and misses an unknown key', async () => {
    const store = new LocalCacheStore({
      directory: join(tmp, 'local'),
      runner,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    const dir = tree('local-tree');
    await store.save([dir], 'cpv-local-key');
    rmSync(dir, { recursive: true });
    expect(await store.restore([dir], 'cpv-other')).toBeUndefined();
    expect(await store.restore([dir], 'cpv-local-key')).toBe('cpv-local-key');
    expect(existsSync(join(dir, 'bin', 'python3.13'))).toBe(true);
  });
});

describe('createCacheStore', () => {
  it.each([
    [{}, false],
    [{ ACTIONS_RUNTIME_TOKEN: 't' }, false],
    [{ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'http://x/' }, true],
    [
      { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://x/', ACTIONS_CACHE_SERVICE_V2: 'true' },
      true,
    ],
    [{ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_SERVICE_V2: 'true' }, false],
  ])('%j has a cache service: %s', (env, expected) => {
    expect(hasCacheService(env)).toBe(expected);
    const store = createCacheStore({ env, runner, localDirectory: tmp, tempDirectory: tmp });
    expect(store.kind === 'local-folder').toBe(!expected);
  });
});
