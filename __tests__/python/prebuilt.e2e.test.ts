// Prebuilt installs end to end: a fake python-build-standalone mirror on 127.0.0.1 serving
// archives of the real layout made from the provisioned interpreters, a prebuilt-catalog with
// their sha256 (right, or wrong), the real SpawnRunner, tar and probe.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import type { CacheStore } from '../../src/ports.js';
import { installVariants, type InstallContext } from '../../src/python/install.js';
import { MARKER_FILE } from '../../src/python/install-tree.js';
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
  type Archives,
  installInputs,
} from './pbs-fixture.js';

const skip = archivesSkipReason();
const runner = new SpawnRunner();
const tmp = skip === null ? mkdtempSync(join(tmpdir(), 'cpv-prebuilt-')) : '';
let archives: Archives;
let mirror: MirrorServer;

const noCache: CacheStore = {
  kind: 'none',
  restore: () => Promise.reject(new Error('the cache is off in this test')),
  save: () => Promise.reject(new Error('the cache is off in this test')),
};

function context(options: {
  installRoot: string;
  catalog: string;
  toolkit: RecordingToolkit;
}): InstallContext {
  return {
    settings: installInputs({
      mirror: mirror.url,
      catalog: options.catalog,
      workingDirectory: tmp,
      pythonSource: 'prebuilt',
      cache: false,
    }),
    runner,
    cache: noCache,
    toolkit: options.toolkit,
    env: cleanEnv(),
    installRoot: options.installRoot,
    toolCache: '',
  };
}

describe.skipIf(skip !== null)('prebuilt installs from a python-build-standalone mirror', () => {
  beforeAll(async () => {
    const started = Date.now();
    archives = buildArchives();
    console.log(`archives ready in ${Date.now() - started} ms`);
    mirror = await startMirror();
    mirror.serve(`/${RELEASE}/${DEFAULT_ASSET}`, archives.default.file);
    mirror.serve(`/${RELEASE}/${FREETHREADED_ASSET}`, archives.freethreaded.file);
  }, 300_000);
  afterAll(async () => {
    await mirror?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs 3.13 and 3.13+jit from one default build and 3.13t from a -full.tar.zst, checked and probed', async () => {
    const installRoot = join(tmp, 'ok');
    const toolkit = new RecordingToolkit();
    const catalog = writeCatalog({ file: join(tmp, 'catalog-ok.json'), archives });
    const started = Date.now();
    const outcomes = await installVariants(
      context({ installRoot, catalog, toolkit }),
      ['3.13', '3.13t', '3.13+jit'].map(parseVariant),
    );
    console.log(`3 variants from 2 archives in ${Date.now() - started} ms`);

    const plain = outcomes.get('3.13');
    const jit = outcomes.get('3.13+jit');
    const ft = outcomes.get('3.13t');
    expect(plain).toMatchObject({
      ok: true,
      source: 'prebuilt',
      facts: { version: '3.13.5', jitCompiled: true, jitDefaultOn: false, freeThreaded: false },
    });
    expect(jit).toMatchObject({ ok: true, source: 'prebuilt' });
    expect(ft).toMatchObject({
      ok: true,
      source: 'prebuilt',
      facts: { version: '3.13.5', freeThreaded: true },
    });
    // One install serves both labels; each archive was fetched once.
    expect(plain?.ok && jit?.ok && plain.executable === jit.executable).toBe(true);
    expect(plain?.ok && plain.executable).toBe(
      join(installRoot, `pbs-3.13.5-default-${RELEASE}`, 'bin', 'python3.13'),
    );
    expect(ft?.ok && ft.executable).toBe(
      join(installRoot, `pbs-3.13.5-freethreaded-${RELEASE}`, 'bin', 'python3.13t'),
    );
    expect(mirror.requests.sort()).toEqual(
      [`/${RELEASE}/${DEFAULT_ASSET}`, `/${RELEASE}/${FREETHREADED_ASSET}`].sort(),
    );
    // Complete trees, marked, without the test suite, the archives removed.
    const tree = join(installRoot, `pbs-3.13.5-default-${RELEASE}`);
    expect(existsSync(join(tree, MARKER_FILE))).toBe(true);
    expect(existsSync(join(tree, 'lib', 'python3.13', 'test'))).toBe(false);
    expect(readdirSync(join(installRoot, 'downloads'))).toEqual([]);
    const venv = await runner.run({
      argv: [plain?.ok ? plain.executable : '', '-m', 'venv', join(tmp, 'venv')],
      env: cleanEnv(),
      timeoutMs: 120_000,
    });
    expect(venv.exitCode, venv.stderr).toBe(0);
    expect(existsSync(join(tmp, 'venv', 'bin', 'pip'))).toBe(true);
  });

  it("refuses an archive whose sha256 is not the catalog's, and unpacks nothing", async () => {
    const installRoot = join(tmp, 'mismatch');
    const toolkit = new RecordingToolkit();
    const catalog = writeCatalog({ file: join(tmp, 'catalog-bad.json'), archives, wrongSha: 'default' });
    const outcomes = await installVariants(
      context({ installRoot, catalog, toolkit }),
      ['3.13', '3.13+jit'].map(parseVariant),
    );
    for (const name of ['3.13', '3.13+jit']) {
      const o = outcomes.get(name);
      expect(o).toMatchObject({ ok: false, fatal: false });
      expect(!o?.ok && o?.error).toContain(
        `has sha256 ${archives.default.sha256}, but the catalog says ${'f'.repeat(64)}: refused, nothing was unpacked`,
      );
    }
    expect(readdirSync(installRoot).sort()).toEqual(['downloads']);
    expect(readdirSync(join(installRoot, 'downloads'))).toEqual([]);
  });

  it('fails a download cut halfway (after one retry), leaving no partial file or tree', async () => {
    const installRoot = join(tmp, 'cut');
    const toolkit = new RecordingToolkit();
    const catalog = writeCatalog({ file: join(tmp, 'catalog-ok2.json'), archives });
    const path = `/${RELEASE}/${FREETHREADED_ASSET}`;
    mirror.cut(path);
    const before = mirror.requests.filter((p) => p === path).length;
    const outcomes = await installVariants(context({ installRoot, catalog, toolkit }), [
      parseVariant('3.13t'),
    ]);
    const o = outcomes.get('3.13t');
    expect(o).toMatchObject({ ok: false, fatal: false });
    expect(!o?.ok && o?.error).toMatch(/failed after \d+ bytes|ended after \d+ of \d+ bytes/);
    expect(mirror.requests.filter((p) => p === path).length - before).toBe(2);
    expect(readdirSync(installRoot).sort()).toEqual(['downloads']);
    expect(readdirSync(join(installRoot, 'downloads'))).toEqual([]);
  });
});
