// The live python-build-standalone catalog end to end: a fake of GitHub's releases API and a fake
// release mirror on 127.0.0.1 (a listing and a SHA256SUMS with 3.14.x and 3.15.x assets, named
// after the versions provisioned: 3.14.10 and 3.15.2 today), the real SpawnRunner, tar, the local
// cache folder and the probe. The 3.14 archive holds Debian sid's real CPython 3.14
// (scripts/provision.sh) in python-build-standalone's layout.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCacheStore } from '../../src/adapters/cache.js';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import type { CacheStore } from '../../src/ports.js';
import { installVariants, type InstallContext } from '../../src/python/install.js';
import { liveCatalog } from '../../src/python/live-catalog.js';
import { startMirror, type MirrorServer } from '../fakes/mirror-server.js';
import { startReleasesApi, type ReleasesApi, type ReleasesBehaviour } from '../fakes/releases-api.js';
import { nextInterpreters } from '../helpers/interpreters.js';
import { cleanEnv, installInputs, RecordingToolkit } from './pbs-fixture.js';

const python314 = nextInterpreters()['3.14'];
const python315 = nextInterpreters()['3.15'];
// sid moves on: the assets are named after what provision.sh unpacked.
const versionOf = (python: string | undefined, otherwise: string): string =>
  python === undefined
    ? otherwise
    : execFileSync(python, ['-c', 'import platform; print(platform.python_version())'], {
        encoding: 'utf8',
      }).trim();
const V314 = versionOf(python314, '3.14.10');
const V315 = versionOf(python315, '3.15.2');

const RELEASE = '20261125';
const asset = (version: string, rest: string): string =>
  `cpython-${version}+${RELEASE}-x86_64-unknown-linux-gnu-${rest}`;
const A314 = asset(V314, 'install_only_stripped.tar.gz');
const A315T = asset(V315, 'freethreaded-install_only_stripped.tar.gz');
const A315 = asset(V315, 'install_only_stripped.tar.gz');
const TODAY = new Date().toISOString().slice(0, 10);
const skip =
  process.platform !== 'linux' || process.arch !== 'x64'
    ? 'the fake mirror serves Linux x86_64 archives'
    : python314 === undefined || python315 === undefined
      ? 'no provisioned CPython 3.14/3.15 (scripts/provision.sh writes interpreters-next.txt)'
      : null;

const runner = new SpawnRunner();
const tmp = mkdtempSync(join(tmpdir(), 'cpv-live-catalog-'));
let mirror: MirrorServer;
let api: ReleasesApi;
const sums = new Map<string, string>();

/** A sid interpreter's tree (usr/bin, usr/lib/pythonX.Y) as a python-build-standalone install_only archive. */
function archiveOf(python: string, name: string): string {
  const usr = dirname(dirname(python));
  const minor = /python(3\.\d+)$/.exec(python)?.[1] as string;
  const file = join(tmp, name);
  execFileSync('tar', [
    '-c',
    '-z',
    '-f',
    file,
    '-C',
    usr,
    '--exclude=__pycache__',
    `--exclude=lib/python${minor}/test`,
    '--transform',
    's,^,python/,',
    `bin/python${minor}`,
    `lib/python${minor}`,
  ]);
  sums.set(name, createHash('sha256').update(readFileSync(file)).digest('hex'));
  mirror.serve(`/${RELEASE}/${name}`, file);
  return file;
}

function serveSums(override: Record<string, string> = {}): void {
  const file = join(tmp, `SHA256SUMS-${Object.keys(override).length}`);
  const lines = [...sums].map(([name, sha]) => `${override[name] ?? sha}  ${name}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  mirror.serve(`/${RELEASE}/SHA256SUMS`, file);
}

const LISTING: ReleasesBehaviour = {
  kind: 'ok',
  releases: [{ tag_name: RELEASE, assets: [A314, A315T, A315, 'SHA256SUMS'].map((name) => ({ name })) }],
};

beforeAll(async () => {
  mirror = await startMirror();
  api = await startReleasesApi();
  if (skip !== null) return;
  archiveOf(python314 as string, A314);
  // No free-threaded 3.15 exists on these machines: this archive holds sid's GIL build, so the
  // probe is what stops it being measured as 3.15t.
  archiveOf(python315 as string, A315T);
  sums.set(A315, 'c'.repeat(64));
  serveSums();
});

afterAll(async () => {
  await mirror?.close();
  await api?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function context(options: { root: string; cache: CacheStore; toolkit: RecordingToolkit }): InstallContext {
  return {
    settings: {
      ...installInputs({
        mirror: mirror.url,
        catalog: '',
        workingDirectory: tmp,
        pythonSource: 'prebuilt',
        cache: true,
      }),
      prebuiltCatalog: null,
    },
    runner,
    cache: options.cache,
    toolkit: options.toolkit,
    env: cleanEnv(),
    installRoot: join(options.root, 'python'),
    toolCache: '',
    catalogApi: { apiUrl: api.url, token: 'ghs_test' },
  };
}

const localCache = (root: string): CacheStore =>
  new LocalCacheStore({ directory: join(root, 'cache'), runner, env: cleanEnv() });

describe.skipIf(skip !== null)(`the live catalog${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it(`resolves 3.14 to the live ${V314}, and reads GitHub again only the next day`, async () => {
    api.behave(LISTING);
    api.requests.length = 0;
    const root = join(tmp, 'run-314');
    const cache = localCache(root);
    const toolkit = new RecordingToolkit();
    const outcomes = await installVariants(context({ root, cache, toolkit }), [
      parseVariant('3.14'),
      parseVariant('3.14+jit'),
    ]);
    for (const name of ['3.14', '3.14+jit']) {
      const o = outcomes.get(name);
      expect(o?.ok ? [o.facts.version, o.facts.jitCompiled, o.catalog] : o).toEqual([
        V314,
        true,
        `live of ${TODAY}`,
      ]);
    }
    expect(api.requests).toEqual([
      {
        path: '/repos/astral-sh/python-build-standalone/releases?per_page=3',
        authorization: 'Bearer ghs_test',
      },
    ]);
    expect(mirror.requests).toContain(`/${RELEASE}/SHA256SUMS`);
    expect(mirror.requests).toContain(`/${RELEASE}/${A314}`);
    expect(toolkit.warnings).toEqual([]);
    expect(toolkit.lines.join('\n')).toContain(
      `CPython ${V314} default (JIT compiled in) (catalog: live of ${TODAY}): downloaded`,
    );

    // Same machine: the file kept in the install root. A fresh machine: the cache. Neither asks GitHub.
    const again = new RecordingToolkit();
    const second = await installVariants(context({ root, cache, toolkit: again }), [parseVariant('3.14')]);
    expect(second.get('3.14')?.ok).toBe(true);
    rmSync(join(root, 'python'), { recursive: true, force: true });
    const fresh = new RecordingToolkit();
    const third = await installVariants(context({ root, cache, toolkit: fresh }), [parseVariant('3.14')]);
    expect(third.get('3.14')?.ok).toBe(true);
    expect(fresh.lines.join('\n')).toMatch(/live builds restored from the cache \(local-folder\)/);
    expect(api.requests).toHaveLength(1);
  });

  it('leaves GitHub alone when prebuilt-catalog is given', async () => {
    api.behave(LISTING);
    const before = api.requests.length;
    const root = join(tmp, 'run-given');
    const file = join(tmp, 'given-catalog.json');
    const build = { version: V314, release: RELEASE, os: 'linux', arch: 'x86_64', libc: 'gnu' };
    writeFileSync(
      file,
      JSON.stringify({
        builds: [
          {
            ...build,
            flavour: 'default',
            url: `${RELEASE}/${encodeURIComponent(A314)}`,
            sha256: sums.get(A314),
          },
        ],
      }),
    );
    const ctx = context({ root, cache: localCache(root), toolkit: new RecordingToolkit() });
    const outcome = (
      await installVariants({ ...ctx, settings: { ...ctx.settings, prebuiltCatalog: file } }, [
        parseVariant('3.14'),
      ])
    ).get('3.14');
    expect(outcome?.ok && [outcome.facts.version, outcome.catalog]).toEqual([V314, undefined]);
    expect(api.requests).toHaveLength(before);
  });

  it(`resolves 3.15t to the free-threaded ${V315} archive, checked against SHA256SUMS`, async () => {
    api.behave(LISTING);
    const root = join(tmp, 'run-315t');
    const toolkit = new RecordingToolkit();
    const outcome = (
      await installVariants(context({ root, cache: localCache(root), toolkit }), [parseVariant('3.15t')])
    ).get('3.15t');
    const log = toolkit.lines.join('\n');
    expect(log).toContain(`${mirror.url}/${RELEASE}/${encodeURIComponent(A315T)} (`);
    expect(log).toMatch(/bytes, sha256 checked\) and unpacked/);
    // The archive is sid's GIL build under a free-threaded name: the probe refuses to measure it.
    expect(outcome?.ok === false && outcome.error).toContain(
      `CPython ${V315} freethreaded (catalog: live of ${TODAY}) is not 3.15t: it is not a free-threaded build`,
    );

    // A SHA256SUMS that disagrees with the bytes: nothing is unpacked.
    serveSums({ [A315T]: 'd'.repeat(64) });
    try {
      const other = join(tmp, 'run-315t-bad');
      const bad = (
        await installVariants(
          context({ root: other, cache: localCache(other), toolkit: new RecordingToolkit() }),
          [parseVariant('3.15t')],
        )
      ).get('3.15t');
      expect(bad?.ok === false && bad.error).toMatch(
        `but the catalog says ${'d'.repeat(64)}: refused, nothing was unpacked`,
      );
    } finally {
      serveSums();
    }
  });
});

describe('the live catalog when GitHub fails', () => {
  it.each<[string, ReleasesBehaviour, RegExp]>([
    ['a 500', { kind: 'status', status: 500 }, /answered 500 Internal Server Error/],
    ['a 403', { kind: 'status', status: 403 }, /answered 403 Forbidden/],
    [
      'a spent rate limit',
      { kind: 'rate-limit' },
      /rate limit is spent until 2026-12-01T12:00:00\.000Z \(403\)/,
    ],
    ['garbage', { kind: 'garbage' }, /the release listing is not one/],
  ])('falls back to the embedded catalog on %s, with one warning', async (_, behaviour, why) => {
    api.behave(behaviour);
    const toolkit = new RecordingToolkit();
    const dir = mkdtempSync(join(tmp, 'fail-'));
    const catalog = await liveCatalog({
      apiUrl: api.url,
      token: 'ghs_test',
      mirror: mirror.url,
      cache: localCache(dir),
      directory: join(dir, 'catalog'),
      toolkit,
    });
    expect(toolkit.warnings).toHaveLength(1);
    expect(toolkit.warnings[0]).toMatch(why);
    expect(toolkit.warnings[0]).toMatch(/; using the action's own catalog \(embedded of 2026-08-14\)\.$/);
    expect(new Set(catalog.builds.map((b) => b.origin))).toEqual(new Set(['embedded of 2026-08-14']));
    // Nothing is kept, so the next run tries again.
    expect(existsSync(join(dir, 'catalog', 'pbs-catalog.json'))).toBe(false);
  });

  it('falls back when SHA256SUMS is missing, and asks nothing without a token', async () => {
    api.behave({ kind: 'ok', releases: [{ tag_name: '20261201', assets: [] }] });
    const toolkit = new RecordingToolkit();
    const dir = mkdtempSync(join(tmp, 'nosums-'));
    mkdirSync(dir, { recursive: true });
    const base = { apiUrl: api.url, mirror: mirror.url, cache: null, directory: join(dir, 'c'), toolkit };
    await liveCatalog({ ...base, token: 'ghs_test' });
    expect(toolkit.warnings).toEqual([
      expect.stringMatching(
        /\/20261201\/SHA256SUMS answered 404 Not Found\); using the action's own catalog \(embedded of 2026-08-14\)\.$/,
      ),
    ]);
    const before = api.requests.length;
    const quiet = new RecordingToolkit();
    const catalog = await liveCatalog({ ...base, toolkit: quiet, token: '' });
    expect(api.requests).toHaveLength(before);
    expect(quiet.warnings).toEqual([]);
    expect(catalog.builds[0]?.origin).toBe('embedded of 2026-08-14');
  });
});
