// Today's python-build-standalone asset names, SHA256SUMS and release listings, to catalog builds.
import { describe, expect, it } from 'vitest';
import { mergeCatalogs, embeddedOrigin } from '../../src/domain/catalog-merge.js';
import { findBuild, parseCatalog, resolveVersion, type Platform } from '../../src/domain/catalog.js';
import {
  ChecksumsError,
  parseAssetName,
  parseReleaseListing,
  parseSha256Sums,
  releaseBuilds,
} from '../../src/domain/pbs-assets.js';
import { parseVariant } from '../../src/domain/variants.js';

const LINUX: Platform = { os: 'linux', arch: 'x86_64', libc: 'gnu' };
const R = '20261125';

describe('parseAssetName', () => {
  it.each([
    // name, version, os/arch/libc, flavour, JIT compiled in
    ['x86_64-unknown-linux-gnu-install_only.tar.gz', '3.14.10', 'linux/x86_64/gnu', 'default', true],
    ['x86_64-unknown-linux-gnu-install_only_stripped.tar.gz', '3.14.10', 'linux/x86_64/gnu', 'default', true],
    [
      'x86_64-unknown-linux-gnu-freethreaded-install_only.tar.gz',
      '3.14.10',
      'linux/x86_64/gnu',
      'freethreaded',
      false,
    ],
    [
      'x86_64-unknown-linux-gnu-freethreaded-install_only_stripped.tar.gz',
      '3.14.10',
      'linux/x86_64/gnu',
      'freethreaded',
      false,
    ],
    ['x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst', '3.14.10', 'linux/x86_64/gnu', 'default', true],
    [
      'x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst',
      '3.14.10',
      'linux/x86_64/gnu',
      'freethreaded',
      false,
    ],
    ['x86_64-unknown-linux-gnu-debug-full.tar.zst', '3.14.10', 'linux/x86_64/gnu', 'debug', false],
    [
      'x86_64-unknown-linux-gnu-freethreaded+debug-full.tar.zst',
      '3.14.10',
      'linux/x86_64/gnu',
      'freethreaded+debug',
      false,
    ],
    ['x86_64-unknown-linux-gnu-noopt-full.tar.zst', '3.14.10', 'linux/x86_64/gnu', 'default', false],
    ['x86_64_v3-unknown-linux-gnu-pgo+lto-full.tar.zst', '3.14.10', 'linux/x86_64_v3/gnu', 'default', true],
    ['aarch64-unknown-linux-gnu-lto-full.tar.zst', '3.14.10', 'linux/aarch64/gnu', 'default', true],
    [
      'x86_64-unknown-linux-musl-install_only_stripped.tar.gz',
      '3.14.10',
      'linux/x86_64/musl',
      'default',
      false,
    ],
    ['aarch64-apple-darwin-install_only_stripped.tar.gz', '3.14.10', 'darwin/aarch64/none', 'default', true],
    ['x86_64-apple-darwin-install_only_stripped.tar.gz', '3.14.10', 'darwin/x86_64/none', 'default', false],
    [
      'x86_64-pc-windows-msvc-install_only_stripped.tar.gz',
      '3.14.10',
      'windows/x86_64/none',
      'default',
      false,
    ],
    [
      'aarch64-pc-windows-msvc-freethreaded+pgo-full.tar.zst',
      '3.14.10',
      'windows/aarch64/none',
      'freethreaded',
      false,
    ],
  ])('cpython-3.14.10+%s', (rest, version, where, flavour, jit) => {
    const name = `cpython-${version}+${R}-${rest}`;
    const facts = parseAssetName(name);
    expect(facts).not.toBeNull();
    expect(`${facts?.os}/${facts?.arch}/${facts?.libc}`).toBe(where);
    expect(facts?.flavour).toBe(flavour);
    const [build] = releaseBuilds({ tag: R, sums: new Map([[name, 'a'.repeat(64)]]), assets: [] });
    expect(build?.jit).toBe(jit);
    expect(build?.version).toBe(version);
  });

  it('reads pre-releases and leaves 3.12 without a JIT', () => {
    expect(parseAssetName(`cpython-3.15.0rc1+${R}-aarch64-apple-darwin-install_only.tar.gz`)?.version).toBe(
      '3.15.0rc1',
    );
    const name = `cpython-3.12.12+${R}-x86_64-unknown-linux-gnu-install_only.tar.gz`;
    expect(releaseBuilds({ tag: R, sums: new Map([[name, 'b'.repeat(64)]]), assets: [] })[0]?.jit).toBe(
      false,
    );
  });

  it.each([
    'SHA256SUMS',
    `cpython-3.14.10+${R}-x86_64-unknown-linux-gnu-install_only.tar.gz.sha256`,
    `cpython-3.14.10+${R}-i686-pc-windows-msvc-shared-install_only.tar.gz`,
    `cpython-3.14.10+${R}-x86_64-unknown-linux-musl-static+lto-full.tar.zst`,
    `pypy-3.11+${R}-x86_64-unknown-linux-gnu-install_only.tar.gz`,
  ])('is not a usable CPython archive: %s', (name) => {
    expect(parseAssetName(name)).toBeNull();
  });
});

describe('SHA256SUMS and the release listing', () => {
  it('reads `<sha256>  <file>` lines, and refuses anything else', () => {
    const sums = parseSha256Sums(`${'A'.repeat(64)}  one.tar.gz\n${'b'.repeat(64)} *two.tar.zst\n\n`);
    expect([...sums]).toEqual([
      ['one.tar.gz', 'a'.repeat(64)],
      ['two.tar.zst', 'b'.repeat(64)],
    ]);
    expect(() => parseSha256Sums('<html>rate limited</html>')).toThrow(ChecksumsError);
    expect(() => parseSha256Sums('')).toThrow(ChecksumsError);
  });

  it('keeps published releases newest first, and refuses what is not a listing', () => {
    const listing = parseReleaseListing([
      { tag_name: '20261101', assets: [{ name: 'a' }] },
      { tag_name: '20261125', assets: [{ name: 'b' }, { nope: 1 }] },
      { tag_name: '20261130', draft: true, assets: [] },
    ]);
    expect(listing).toEqual([
      { tag: '20261125', assets: ['b'] },
      { tag: '20261101', assets: ['a'] },
    ]);
    expect(() => parseReleaseListing({ message: 'API rate limit exceeded' })).toThrow(ChecksumsError);
    expect(() => parseReleaseListing([{ id: 1 }])).toThrow(ChecksumsError);
  });

  it('takes one archive per flavour: stripped install_only first, checksums from SHA256SUMS only', () => {
    const name = (rest: string): string => `cpython-3.14.10+${R}-x86_64-unknown-linux-gnu-${rest}`;
    const sums = new Map([
      [name('pgo+lto-full.tar.zst'), '1'.repeat(64)],
      [name('install_only.tar.gz'), '2'.repeat(64)],
      [name('install_only_stripped.tar.gz'), '3'.repeat(64)],
      [name('freethreaded+pgo+lto-full.tar.zst'), '4'.repeat(64)],
      [name('freethreaded-install_only_stripped.tar.gz'), '5'.repeat(64)],
      [name('debug-full.tar.zst'), '6'.repeat(64)],
    ]);
    const builds = releaseBuilds({ tag: R, sums, assets: [] });
    const by = Object.fromEntries(builds.map((b) => [b.flavour, b]));
    expect(by['default']).toMatchObject({
      url: `${R}/${encodeURIComponent(name('install_only_stripped.tar.gz'))}`,
      sha256: '3'.repeat(64),
      jit: true,
    });
    expect(by['freethreaded']?.sha256).toBe('5'.repeat(64));
    expect(by['debug']?.sha256).toBe('6'.repeat(64));
    // A listing that names assets limits the build to those (a file deleted from the release).
    const listed = releaseBuilds({ tag: R, sums, assets: [name('install_only.tar.gz')] });
    expect(listed.map((b) => b.sha256)).toEqual(['2'.repeat(64)]);
  });
});

describe('the live catalog merged with the embedded one', () => {
  const embedded = parseCatalog(
    {
      builds: [
        {
          version: '3.14.7',
          release: '20260814',
          ...LINUX,
          flavour: 'default',
          url: 'x/a.tar.gz',
          sha256: '0'.repeat(64),
        },
        {
          version: '3.13.5',
          release: '20250723',
          ...LINUX,
          flavour: 'default',
          url: 'x/b.tar.gz',
          sha256: '0'.repeat(64),
        },
      ],
    },
    'embedded',
  );
  const asset = (v: string, rest: string): string => `cpython-${v}+${R}-x86_64-unknown-linux-gnu-${rest}`;
  const live = releaseBuilds({
    tag: R,
    sums: new Map([
      [asset('3.14.10', 'install_only_stripped.tar.gz'), '1'.repeat(64)],
      [asset('3.15.2', 'install_only_stripped.tar.gz'), '2'.repeat(64)],
      [asset('3.15.2', 'freethreaded-install_only_stripped.tar.gz'), '3'.repeat(64)],
      [asset('3.15.0rc1', 'install_only_stripped.tar.gz'), '4'.repeat(64)],
    ]),
    assets: [],
  });
  const catalog = mergeCatalogs({ embedded, live, liveDate: '2026-12-01' });

  it('resolves 3.14 to the live 3.14.10 and 3.15t to the live free-threaded 3.15.2', () => {
    expect(embeddedOrigin(embedded)).toBe('embedded of 2026-08-14');
    expect(resolveVersion(catalog, { version: '3.14', platform: LINUX })).toEqual({
      ok: true,
      value: '3.14.10',
    });
    const ft = findBuild(catalog, { version: '3.15.2', variant: parseVariant('3.15t'), platform: LINUX });
    expect(ft.ok && ft.value).toMatchObject({
      flavour: 'freethreaded',
      sha256: '3'.repeat(64),
      origin: 'live of 2026-12-01',
    });
    const old = findBuild(catalog, { version: '3.13.5', variant: parseVariant('3.13'), platform: LINUX });
    expect(old.ok && old.value.origin).toBe('embedded of 2026-08-14');
  });

  it('takes a pre-release only when asked for it by name', () => {
    expect(resolveVersion(catalog, { version: '3.15', platform: LINUX })).toEqual({
      ok: true,
      value: '3.15.2',
    });
    expect(resolveVersion(catalog, { version: '3.15.0rc1', platform: LINUX })).toEqual({
      ok: true,
      value: '3.15.0rc1',
    });
    const onlyRc = mergeCatalogs({
      embedded,
      live: live.filter((b) => b.version === '3.15.0rc1'),
      liveDate: '2026-12-01',
    });
    expect(resolveVersion(onlyRc, { version: '3.15', platform: LINUX })).toEqual({
      ok: true,
      value: '3.15.0rc1',
    });
  });

  it('refuses a JIT build that cannot exist, saying why', () => {
    const debugJit = findBuild(catalog, {
      version: '3.15.2',
      variant: parseVariant('3.15+jit+debug'),
      platform: LINUX,
    });
    expect(debugJit.ok).toBe(false);
    expect(!debugJit.ok && debugJit.error).toMatch(
      /JIT builds are default \(non-debug, non-free-threaded\) builds only/,
    );
    expect(() => parseVariant('3.14t+jit')).toThrow(
      /JIT is inert on free-threaded builds.*no free-threaded JIT/,
    );
    expect(() => parseVariant('3.15t+jit')).toThrow(/use 3\.15t and 3\.15\+jit as two variants/);
  });
});
