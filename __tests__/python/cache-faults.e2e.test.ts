// A cache service that fails is a warning, never a failed install: the fake service answers
// every call with 500 (which @actions/cache retries with back-off, ~30 s per call) or 403.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionsCacheStore } from '../../src/adapters/cache.js';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import { installVariants } from '../../src/python/install.js';
import { startCacheService, type FakeCacheService } from '../fakes/cache-server.js';
import { startMirror, type MirrorServer } from '../fakes/mirror-server.js';
import {
  archivesSkipReason,
  buildArchives,
  cleanEnv,
  DEFAULT_ASSET,
  RecordingToolkit,
  RELEASE,
  writeCatalog,
  installInputs,
} from './pbs-fixture.js';

const skip = archivesSkipReason();
const tmp = skip === null ? mkdtempSync(join(tmpdir(), 'cpv-cache-faults-')) : '';
let mirror: MirrorServer;
let service: FakeCacheService;
let catalog: string;

describe.skipIf(skip !== null)('a failing cache service', () => {
  beforeAll(async () => {
    const archives = buildArchives();
    catalog = writeCatalog({ file: join(tmp, 'catalog.json'), archives });
    mirror = await startMirror();
    mirror.serve(`/${RELEASE}/${DEFAULT_ASSET}`, archives.default.file);
    service = await startCacheService();
  }, 300_000);
  afterAll(async () => {
    await mirror?.close();
    await service?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each([403, 500])(
    'answering %i: the install still works, nothing is cached',
    async (status) => {
      service.failWith(status);
      const before = service.requests.length;
      const toolkit = new RecordingToolkit();
      const started = Date.now();
      const outcomes = await installVariants(
        {
          settings: installInputs({
            mirror: mirror.url,
            catalog,
            workingDirectory: tmp,
            pythonSource: 'auto',
            cache: true,
          }),
          runner: new SpawnRunner(),
          cache: new ActionsCacheStore({ env: service.env('v2'), tempDirectory: join(tmp, 'runner-temp') }),
          toolkit,
          env: cleanEnv(),
          installRoot: join(tmp, `root-${status}`),
          toolCache: '',
        },
        ['3.13', '3.13+jit'].map(parseVariant),
      );
      console.log(`cache answering ${status}: installed in ${Date.now() - started} ms`);
      expect(outcomes.get('3.13')).toMatchObject({ ok: true, source: 'prebuilt' });
      expect(outcomes.get('3.13+jit')).toMatchObject({ ok: true, source: 'prebuilt' });
      const answered = service.requests.slice(before);
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.every((r) => r.status === status)).toBe(true);
      expect(service.keys()).toEqual([]);
    },
    240_000,
  );
});
