import { describe, expect, it } from 'vitest';
import {
  archiveLayout,
  compareVersions,
  downloadUrl,
  findBuild,
  GITHUB_RELEASES,
  jitCompiledIn,
  parseCatalog,
  resolveVersion,
  type Catalog,
  type Platform,
} from '../../src/domain/catalog.js';
import { parseVariant } from '../../src/domain/variants.js';
import { embeddedCatalog } from '../../src/python/catalog-source.js';

const SHA = 'a'.repeat(64);
const LINUX: Platform = { os: 'linux', arch: 'x86_64', libc: 'gnu' };
const LINUX_ARM: Platform = { os: 'linux', arch: 'aarch64', libc: 'gnu' };
const MAC_ARM: Platform = { os: 'darwin', arch: 'aarch64', libc: 'none' };
const MAC_INTEL: Platform = { os: 'darwin', arch: 'x86_64', libc: 'none' };
const WINDOWS: Platform = { os: 'windows', arch: 'x86_64', libc: 'none' };

function row(
  version: string,
  release: string,
  platform: Platform,
  flavour = 'default',
): Record<string, string> {
  return {
    version,
    release,
    ...platform,
    flavour,
    url: `${release}/cpython-${version}-${flavour}.tar.gz`,
    sha256: SHA,
  };
}

// A small catalog shaped like python-build-standalone's: 3.13.1 predates the JIT (20250311).
const catalog: Catalog = parseCatalog(
  {
    schema: 1,
    builds: [
      ...[LINUX, LINUX_ARM, MAC_ARM, MAC_INTEL, WINDOWS].flatMap((p) => [
        row('3.13.1', '20241206', p),
        row('3.13.5', '20250723', p),
        row('3.13.5', '20250723', p, 'freethreaded'),
      ]),
      row('3.13.5', '20250723', LINUX, 'debug'),
      row('3.13.5', '20250723', LINUX, 'freethreaded+debug'),
      row('3.13.5', '20250723', MAC_ARM, 'debug'),
      row('3.12.11', '20250723', LINUX),
      row('3.14.0', '20251010', LINUX),
      row('3.14.0', '20251010', LINUX, 'freethreaded'),
    ],
  },
  'the test catalog',
);

describe('jitCompiledIn', () => {
  it.each([
    ['3.13.5', '20250723', LINUX, 'default', true],
    ['3.13.5', '20250723', LINUX_ARM, 'default', true],
    ['3.13.5', '20250723', MAC_ARM, 'default', true],
    ['3.13.5', '20250723', MAC_INTEL, 'default', false],
    ['3.13.5', '20250723', WINDOWS, 'default', false],
    ['3.13.5', '20250723', LINUX, 'freethreaded', false],
    ['3.13.5', '20250723', LINUX, 'debug', false],
    ['3.13.1', '20241206', LINUX, 'default', false],
    ['3.13.2', '20250311', LINUX, 'default', true],
    ['3.12.11', '20250723', LINUX, 'default', false],
    ['3.14.0', '20251010', { os: 'linux', arch: 'x86_64', libc: 'musl' } as const, 'default', false],
  ] as const)('%s release %s on %j %s -> %s', (version, release, platform, flavour, expected) => {
    expect(jitCompiledIn({ version, release, ...platform, flavour, url: 'x', sha256: SHA })).toBe(expected);
  });
});

describe('resolveVersion', () => {
  it.each([
    ['3.13', LINUX, '3.13.5'],
    ['3.13.1', LINUX, '3.13.1'],
    ['3.13.5', WINDOWS, '3.13.5'],
    ['3.14', LINUX, '3.14.0'],
    // The newest 3.14 anywhere, so that the refusal for this platform names it.
    ['3.14', MAC_ARM, '3.14.0'],
  ] as const)('%s on %j is %s', (version, platform, expected) => {
    expect(resolveVersion(catalog, { version, platform })).toEqual({ ok: true, value: expected });
  });

  it('refuses an unknown patch release with the ones it knows', () => {
    const r = resolveVersion(catalog, { version: '3.13.99', platform: LINUX });
    expect(r).toEqual({ ok: false, error: expect.stringContaining('3.13.99 is not in the test catalog') });
    expect(!r.ok && r.error).toContain('3.13.1, 3.13.5');
  });

  it('refuses an unknown minor with the minors it knows', () => {
    const r = resolveVersion(catalog, { version: '3.15', platform: LINUX });
    expect(!r.ok && r.error).toBe('CPython 3.15 is not in the test catalog; it knows 3.12, 3.13, 3.14');
  });

  it('orders versions numerically', () => {
    expect(compareVersions('3.13.10', '3.13.9')).toBeGreaterThan(0);
    expect(compareVersions('3.9.1', '3.13.0')).toBeLessThan(0);
  });
});

describe('findBuild', () => {
  const find = (label: string, version: string, platform: Platform) =>
    findBuild(catalog, { version, variant: parseVariant(label), platform });

  it.each([
    ['3.13', '3.13.5', LINUX, 'default', true],
    ['3.13+jit', '3.13.5', LINUX, 'default', true],
    ['3.13+jit', '3.13.5', MAC_ARM, 'default', true],
    ['3.13t', '3.13.5', LINUX, 'freethreaded', false],
    ['3.13+debug', '3.13.5', LINUX, 'debug', false],
    ['3.13t+debug', '3.13.5', LINUX, 'freethreaded+debug', false],
    ['3.13', '3.13.5', WINDOWS, 'default', false],
    ['3.13t', '3.13.5', WINDOWS, 'freethreaded', false],
  ] as const)('%s %s on %j: the %s build (jit %s)', (label, version, platform, flavour, jit) => {
    const r = find(label, version, platform);
    expect(r.ok && { flavour: r.value.flavour, jit: r.value.jit, version: r.value.version }).toEqual({
      flavour,
      jit,
      version,
    });
  });

  it('refuses +jit where the platform has no JIT build, naming the platforms that do', () => {
    const r = find('3.13+jit', '3.13.5', MAC_INTEL);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(
      'the test catalog has no default JIT build of CPython 3.13.5 for darwin-x86_64 (for 3.13+jit); ' +
        'for darwin-x86_64 it has default, freethreaded; ' +
        '3.13.5 default JIT builds exist for darwin-aarch64, linux-aarch64-gnu, linux-x86_64-gnu.',
    );
  });

  it('refuses +jit on a release from before the JIT', () => {
    const r = find('3.13.1+jit', '3.13.1', LINUX);
    expect(!r.ok && r.error).toContain('for linux-x86_64-gnu default JIT builds exist for 3.13.5');
  });

  it('refuses a flavour the platform lacks, listing what it has', () => {
    const r = find('3.13+debug', '3.13.5', WINDOWS);
    expect(!r.ok && r.error).toContain('for windows-x86_64 it has default, freethreaded');
    expect(!r.ok && r.error).toContain('3.13.5 debug builds exist for darwin-aarch64, linux-x86_64-gnu');
  });

  it('says the JIT builds are default builds when +jit+debug is asked for', () => {
    const r = find('3.13+jit+debug', '3.13.5', LINUX);
    expect(!r.ok && r.error).toContain(
      'its JIT builds are default (non-debug, non-free-threaded) builds only',
    );
  });
});

describe('parseCatalog', () => {
  it("reads uv's download-metadata shape (arch objects, major/minor/patch, variant null)", () => {
    const uv = {
      'cpython-3.13.5-linux-x86_64-gnu': {
        name: 'cpython',
        arch: { family: 'x86_64', variant: null },
        os: 'linux',
        libc: 'gnu',
        major: 3,
        minor: 13,
        patch: 5,
        prerelease: '',
        url: `${GITHUB_RELEASES}/20250723/cpython-3.13.5%2B20250723-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`,
        sha256: SHA.toUpperCase(),
        variant: null,
        build: '20250723',
      },
      'pypy-3.11.13-linux-x86_64-gnu': { name: 'pypy', url: 'x' },
    };
    const parsed = parseCatalog(uv, 'uv');
    expect(parsed.builds).toEqual([
      expect.objectContaining({
        version: '3.13.5',
        arch: 'x86_64',
        flavour: 'default',
        release: '20250723',
        sha256: SHA,
        jit: true,
      }),
    ]);
  });

  it('takes an explicit jit field over the release rule', () => {
    const parsed = parseCatalog(
      { schema: 1, builds: [{ ...row('3.13.1', '20241206', LINUX), jit: true }] },
      'x',
    );
    expect(parsed.builds[0]?.jit).toBe(true);
  });

  it.each([
    [[], 'x is not a catalog'],
    [{ schema: 1, builds: [] }, 'x lists no CPython builds'],
    [{ schema: 1, builds: [{ ...row('3.13.5', '1', LINUX), sha256: 'abc' }] }, 'sha256 is not 64 hex digits'],
    [{ schema: 1, builds: [{ ...row('3.13', '1', LINUX) }] }, 'version 3.13 is not 3.N.P'],
    [{ schema: 1, builds: [{ ...row('3.13.5', '1', LINUX), url: undefined }] }, 'entry builds[0] has no url'],
    [{ schema: 1, builds: [{ ...row('3.13.5', '1', LINUX, 'pgo') }] }, 'variant pgo is not one of'],
  ])('refuses %j: %s', (data, error) => {
    expect(() => parseCatalog(data, 'x')).toThrow(error);
  });
});

describe('downloadUrl and archiveLayout', () => {
  const mirror = 'http://127.0.0.1:8080/pbs/';
  it.each([
    [`${GITHUB_RELEASES}/20250723/a.tar.gz`, `http://127.0.0.1:8080/pbs/20250723/a.tar.gz`],
    ['20250723/a.tar.gz', 'http://127.0.0.1:8080/pbs/20250723/a.tar.gz'],
    ['https://example.invalid/own/a.tar.gz', 'https://example.invalid/own/a.tar.gz'],
  ])('%s through the mirror is %s', (url, expected) => {
    expect(downloadUrl({ url }, mirror)).toBe(expected);
  });

  it.each([
    ['x/cpython-3.13.5%2B20250723-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz', 'gzip', 'python'],
    [
      'x/cpython-3.13.5%2B20250723-x86_64-unknown-linux-gnu-freethreaded%2Bpgo%2Blto-full.tar.zst',
      'zstd',
      'python/install',
    ],
    ['x/cpython-3.13.5%2B20250723-x86_64-pc-windows-msvc-install_only_stripped.tar.gz', 'gzip', 'python'],
    ['x/cpython-3.13.5%2B20250723-aarch64-apple-darwin-debug-full.tar.zst', 'zstd', 'python/install'],
  ])('%s: %s under %s/', (url, compression, prefix) => {
    expect(archiveLayout(url)).toEqual({ compression, prefix });
  });
});

describe('the embedded catalog', () => {
  const builtin = embeddedCatalog();

  it('knows 3.12 to 3.14, and 3.13 is its newest 3.13.x', () => {
    const r = resolveVersion(builtin, { version: '3.13', platform: LINUX });
    const newest = builtin.builds.filter((b) => b.version.startsWith('3.13.')).map((b) => b.version);
    expect(r.ok && newest.every((v) => compareVersions(v, r.value) <= 0)).toBe(true);
  });

  it('serves 3.13 and 3.13+jit from one Linux build, and macOS arm64 too, but not macOS x86_64', () => {
    for (const platform of [LINUX, LINUX_ARM, MAC_ARM]) {
      const plain = findBuild(builtin, { version: '3.13.5', variant: parseVariant('3.13'), platform });
      const jit = findBuild(builtin, { version: '3.13.5', variant: parseVariant('3.13+jit'), platform });
      expect(plain.ok && jit.ok && plain.value.url === jit.value.url).toBe(true);
    }
    expect(
      findBuild(builtin, { version: '3.13.5', variant: parseVariant('3.13+jit'), platform: MAC_INTEL }).ok,
    ).toBe(false);
  });

  it('has no JIT in 3.13 builds older than release 20250311', () => {
    const old = builtin.builds.filter((b) => b.release < '20250311');
    expect(old.length).toBeGreaterThan(0);
    expect(old.some((b) => b.jit)).toBe(false);
  });

  it('has debug and free-threaded debug builds as -full.tar.zst under python/install', () => {
    const r = findBuild(builtin, {
      version: '3.13.5',
      variant: parseVariant('3.13t+debug'),
      platform: LINUX,
    });
    expect(r.ok && archiveLayout(r.value.url)).toEqual({ compression: 'zstd', prefix: 'python/install' });
  });
});
