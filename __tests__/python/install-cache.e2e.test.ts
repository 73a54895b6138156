// The cache end to end: installs saved to the fake Actions cache service (v2 twirp + blob) by
// the real @actions/cache, a second run on a fresh machine (the install root gone) restored
// from it without a single request to the mirror, and a cached tree that lost its interpreter
// detected and installed afresh.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionsCacheStore } from '../../src/adapters/cache.js';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import { installVariants, type InstallContext } from '../../src/python/install.js';
import { startCacheService, type FakeCacheService } from '../fakes/cache-server.js';
import { startMirror, type MirrorServer } from '../fakes/mirror-server.js';
import {
  archivesSkipReason,
  buildArchives,
  cleanEnv,
  DEFAULT_ASSET,
  FREETHREADED_ASSET,
  RecordingToolkit,
  RELEASE,
  writeCatalog,
  installInputs,
} from './pbs-fixture.js';

const skip = archivesSkipReason();
const runner = new SpawnRunner();
const tmp = skip === null ? mkdtempSync(join(tmpdir(), 'cpv-install-cache-')) : '';
// The same path on every "machine": cached trees restore where they were saved.
const installRoot = join(tmp, 'tool-cache', 'cpython-variants');
const variants = ['3.13', '3.13t', '3.13+jit'].map(parseVariant);
let mirror: MirrorServer;
let service: FakeCacheService;
let catalog: string;

function context(toolkit: RecordingToolkit): InstallContext {
  return {
    settings: installInputs({
      mirror: mirror.url,
      catalog,
      workingDirectory: tmp,
      pythonSource: 'auto',
      cache: true,
    }),
    runner,
    cache: new ActionsCacheStore({ env: service.env('v2'), tempDirectory: join(tmp, 'runner-temp') }),
    toolkit,
    env: cleanEnv(),
    installRoot,
    toolCache: '',
  };
}

async function run(
  label: string,
): Promise<{ outcomes: Awaited<ReturnType<typeof installVariants>>; toolkit: RecordingToolkit; ms: number }> {
  const toolkit = new RecordingToolkit();
  const started = Date.now();
  const outcomes = await installVariants(context(toolkit), variants);
  const ms = Date.now() - started;
  console.log(
    `${label}: ${ms} ms: ${[...outcomes].map(([n, o]) => `${n}=${o.ok ? o.source : o.error}`).join(', ')}`,
  );
  return { outcomes, toolkit, ms };
}

const sources = (outcomes: Awaited<ReturnType<typeof installVariants>>) =>
  Object.fromEntries([...outcomes].map(([n, o]) => [n, o.ok ? o.source : `failed: ${o.error}`]));

describe.skipIf(skip !== null)('installs through the Actions cache', () => {
  beforeAll(async () => {
    const archives = buildArchives();
    catalog = writeCatalog({ file: join(tmp, 'catalog.json'), archives });
    mirror = await startMirror();
    mirror.serve(`/${RELEASE}/${DEFAULT_ASSET}`, archives.default.file);
    mirror.serve(`/${RELEASE}/${FREETHREADED_ASSET}`, archives.freethreaded.file);
    service = await startCacheService();
  }, 300_000);
  afterAll(async () => {
    await mirror?.close();
    await service?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a second run on a fresh machine restores from the cache and downloads nothing', async () => {
    const first = await run('cold');
    expect(sources(first.outcomes)).toEqual({
      '3.13': 'prebuilt',
      '3.13t': 'prebuilt',
      '3.13+jit': 'prebuilt',
    });
    expect(service.keys()).toHaveLength(2);
    expect(mirror.requests).toHaveLength(2);

    rmSync(installRoot, { recursive: true });
    const second = await run('warm');
    expect(sources(second.outcomes)).toEqual({ '3.13': 'cache', '3.13t': 'cache', '3.13+jit': 'cache' });
    expect(mirror.requests).toHaveLength(2);
    const jit = second.outcomes.get('3.13+jit');
    expect(jit?.ok && jit.facts).toMatchObject({ jitCompiled: true, version: '3.13.5' });
    expect(second.toolkit.warnings).toEqual([]);
    // Saved trees were trimmed before saving: the cached copy has no test suite either.
    expect(existsSync(join(installRoot, `pbs-3.13.5-default-${RELEASE}`, 'lib', 'python3.13', 'test'))).toBe(
      false,
    );
  });

  it('a cached tree missing its interpreter is detected and installed afresh', async () => {
    // Store a broken tree under the real key, as an interrupted or tampered save would leave it.
    const key = service.keys().find((k) => k.includes('freethreaded')) as string;
    const tree = join(installRoot, `pbs-3.13.5-freethreaded-${RELEASE}`);
    rmSync(join(tree, 'bin', 'python3.13t'));
    service.forget(key);
    await context(new RecordingToolkit()).cache.save([tree], key);
    rmSync(installRoot, { recursive: true });

    const before = mirror.requests.length;
    const third = await run('broken cache entry');
    expect(sources(third.outcomes)).toEqual({ '3.13': 'cache', '3.13t': 'prebuilt', '3.13+jit': 'cache' });
    expect(third.toolkit.warnings).toEqual([
      expect.stringMatching(
        /^The cached tree cpv-cpython-3\.13\.5-.*freethreaded.* cannot be used \(its interpreter bin\/python3\.13t is missing\); installing it afresh\.$/,
      ),
    ]);
    expect(mirror.requests.slice(before)).toEqual([`/${RELEASE}/${FREETHREADED_ASSET}`]);
    const ft = third.outcomes.get('3.13t');
    expect(ft?.ok && ft.facts.freeThreaded).toBe(true);
  });

  it('a tree already in place from an earlier run is used as it is', async () => {
    const before = { mirror: mirror.requests.length, cache: service.requests.length };
    const fourth = await run('already installed');
    expect(sources(fourth.outcomes)).toEqual({ '3.13': 'cache', '3.13t': 'cache', '3.13+jit': 'cache' });
    expect(mirror.requests.length).toBe(before.mirror);
    expect(service.requests.length).toBe(before.cache);
  });
});
