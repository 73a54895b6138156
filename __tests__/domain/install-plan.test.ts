import { describe, expect, it } from 'vitest';
import { cacheKey, INSTALL_LAYOUT_VERSION } from '../../src/domain/cache-key.js';
import { parseCatalog, type Platform } from '../../src/domain/catalog.js';
import {
  planInstalls,
  sourceBuildNote,
  sourceVersionFromName,
  type InstallUnit,
  type PythonSource,
} from '../../src/domain/install-plan.js';
import { interpreterCandidates, isLeftOut, toolCacheDirectories } from '../../src/domain/python-layout.js';
import { parseVariant } from '../../src/domain/variants.js';

const SHA = 'b'.repeat(64);
const LINUX: Platform = { os: 'linux', arch: 'x86_64', libc: 'gnu' };
const MAC_INTEL: Platform = { os: 'darwin', arch: 'x86_64', libc: 'none' };
const catalog = parseCatalog(
  {
    schema: 1,
    builds: [LINUX, MAC_INTEL].flatMap((p) =>
      ['default', 'freethreaded'].map((flavour) => ({
        version: '3.13.5',
        release: '20250723',
        ...p,
        flavour,
        url: `20250723/cpython-3.13.5-${p.os}-${flavour}.tar.gz`,
        sha256: SHA,
      })),
    ),
  },
  'test',
);
const TEMPLATE = 'https://www.python.org/ftp/python/{version}/Python-{version}.tar.xz';

function plan(
  labels: string,
  options: { source?: PythonSource; platform?: Platform; cpythonSource?: string } = {},
) {
  return planInstalls({
    variants: labels.split(' ').map(parseVariant),
    pythonSource: options.source ?? 'auto',
    catalog,
    platform: options.platform ?? LINUX,
    cpythonSource: options.cpythonSource ?? TEMPLATE,
  });
}
const summary = (units: readonly InstallUnit[]) =>
  units.map((u) => ({
    id: u.id,
    variants: u.variants.map((v) => v.name),
    ...(u.kind === 'build' ? { flags: u.configureFlags } : {}),
  }));

describe('planInstalls', () => {
  it('serves 3.13 and 3.13+jit from one python-build-standalone build', () => {
    const p = plan('3.13 3.13t 3.13+jit');
    expect(summary(p.units)).toEqual([
      { id: 'pbs-3.13.5-default-20250723', variants: ['3.13', '3.13+jit'] },
      { id: 'pbs-3.13.5-freethreaded-20250723', variants: ['3.13t'] },
    ]);
    expect(p.failures.size).toBe(0);
  });

  it('builds 3.13 and 3.13+jit once, with the JIT compiled in but off', () => {
    const p = plan('3.13 3.13t 3.13+jit', { source: 'build' });
    expect(summary(p.units)).toEqual([
      {
        id: 'src-3.13.5-default-jit',
        variants: ['3.13', '3.13+jit'],
        flags: ['--enable-experimental-jit=yes-off'],
      },
      { id: 'src-3.13.5-freethreaded', variants: ['3.13t'], flags: ['--disable-gil'] },
    ]);
  });

  it('builds without the JIT when no variant asks for it', () => {
    expect(summary(plan('3.13+debug', { source: 'build' }).units)).toEqual([
      { id: 'src-3.13.5-debug', variants: ['3.13+debug'], flags: ['--with-pydebug'] },
    ]);
  });

  it('falls back to a source build only for what no prebuilt serves (auto), saying why', () => {
    const p = plan('3.13 3.13+jit 3.13t+debug', { platform: MAC_INTEL });
    expect(summary(p.units)).toEqual([
      { id: 'pbs-3.13.5-default-20250723', variants: ['3.13'] },
      { id: 'src-3.13.5-default-jit', variants: ['3.13+jit'], flags: ['--enable-experimental-jit=yes-off'] },
      {
        id: 'src-3.13.5-freethreaded-debug',
        variants: ['3.13t+debug'],
        flags: ['--disable-gil', '--with-pydebug'],
      },
    ]);
    const jit = p.units[1];
    expect(jit?.kind === 'build' && jit.whyNotPrebuilt[0]).toContain(
      'no default JIT build of CPython 3.13.5 for darwin-x86_64',
    );
  });

  it('refuses what no prebuilt serves when python-source is prebuilt', () => {
    const p = plan('3.13 3.13+debug', { source: 'prebuilt' });
    expect(summary(p.units)).toEqual([{ id: 'pbs-3.13.5-default-20250723', variants: ['3.13'] }]);
    expect(p.failures.get('3.13+debug')).toMatch(
      /^python-source is prebuilt: test has no debug build of CPython 3.13.5/,
    );
  });

  it('takes the version from a fixed tarball and refuses one of another version', () => {
    const fixed = '/src/python3.13_3.13.5.orig.tar.xz';
    expect(summary(plan('3.13 3.13+jit', { source: 'build', cpythonSource: fixed }).units)[0]?.id).toBe(
      'src-3.13.5-default-jit',
    );
    const p = plan('3.13.4', { source: 'build', cpythonSource: fixed });
    expect(p.failures.get('3.13.4')).toBe(
      'cpython-source /src/python3.13_3.13.5.orig.tar.xz is CPython 3.13.5, not 3.13.4',
    );
  });

  it('refuses an unknown version with the ones it knows, after saying why no prebuilt fits', () => {
    const p = plan('3.15', { source: 'auto' });
    expect(p.failures.get('3.15')).toBe(
      'CPython 3.15 is not in test; it knows 3.13; and no source build: CPython 3.15 is not in test; it knows 3.13',
    );
  });

  it('builds an exact version the catalog does not know yet from a {version} template', () => {
    const p = plan('3.13.9', { source: 'auto' });
    expect(summary(p.units)).toEqual([{ id: 'src-3.13.9-default', variants: ['3.13.9'], flags: [] }]);
  });

  it.each([
    ['Python-3.13.5.tar.xz', '3.13.5'],
    ['/x/python3.13_3.13.5.orig.tar.xz', '3.13.5'],
    ['https://example.invalid/Python-3.14.0.tgz', '3.14.0'],
    ['/x/cpython-main.tar.gz', undefined],
  ])('reads the version of %s as %s', (name, version) => {
    expect(sourceVersionFromName(name)).toBe(version);
  });
});

describe('cacheKey', () => {
  const base = {
    os: 'linux',
    osVersion: 'ubuntu-24.04',
    arch: 'x86_64',
    version: '3.13.5',
    flags: ['--enable-experimental-jit=yes-off'],
    sourceChecksum: SHA,
    layoutVersion: INSTALL_LAYOUT_VERSION,
  };
  it('holds OS, OS version, arch, exact version, flags, checksum and layout version', () => {
    expect(cacheKey(base)).toBe(
      `cpv-cpython-3.13.5-linux-ubuntu-24.04-x86_64-enable-experimental-jit=yes-off-${SHA}-layout1`,
    );
  });
  it.each([
    ['osVersion', 'ubuntu-22.04'],
    ['arch', 'aarch64'],
    ['version', '3.13.4'],
    ['sourceChecksum', 'c'.repeat(64)],
    ['layoutVersion', 2],
    ['flags', ['--disable-gil']],
  ])('changes with %s', (field, value) => {
    expect(cacheKey({ ...base, [field]: value })).not.toBe(cacheKey(base));
  });
  it('does not depend on the order of flags, and has no commas', () => {
    const a = cacheKey({ ...base, flags: ['--disable-gil', '--with-pydebug'] });
    expect(a).toBe(cacheKey({ ...base, flags: ['--with-pydebug', '--disable-gil'] }));
    expect(cacheKey({ ...base, osVersion: 'a,b c' })).not.toMatch(/[, ]/);
  });
});

describe('python layouts', () => {
  const v = (label: string) => parseVariant(label);
  it.each([
    ['linux', '3.13', ['bin/python3.13', 'bin/python3']],
    ['linux', '3.13t', ['bin/python3.13t', 'bin/python3t', 'bin/python3.13', 'bin/python3']],
    ['darwin', '3.13+debug', ['bin/python3.13d', 'bin/python3.13', 'bin/python3']],
    [
      'linux',
      '3.13t+debug',
      ['bin/python3.13td', 'bin/python3.13t', 'bin/python3t', 'bin/python3.13', 'bin/python3'],
    ],
    ['windows', '3.13', ['python.exe']],
    ['windows', '3.13t', ['python3.13t.exe', 'python3t.exe', 'python.exe']],
    ['windows', '3.14+debug', ['python_d.exe', 'python.exe']],
  ] as const)('%s %s: %j', (os, label, expected) => {
    expect(interpreterCandidates({ os, build: v(label) })).toEqual(expected);
  });

  it.each([
    ['3.13.5', 'x86_64', false, ['Python/3.13.5/x64']],
    ['3.13.5', 'aarch64', true, ['Python/3.13.5/arm64-freethreaded', 'Python/3.13.5t/arm64']],
  ] as const)('tool cache folders of %s %s free-threaded=%s', (version, arch, freeThreaded, expected) => {
    expect(toolCacheDirectories({ version, arch, freeThreaded })).toEqual(expected);
  });

  it.each([
    ['linux', 'lib/python3.13/test', true],
    ['linux', 'lib/python3.13t/test', true],
    ['linux', 'lib/python3.13/config-3.13-x86_64-linux-gnu/libpython3.13.a', true],
    ['linux', 'lib/python3.13/config-3.13d-x86_64-linux-gnu/libpython3.13d.a', true],
    ['linux', 'lib/python3.13/config-3.13-x86_64-linux-gnu/Makefile', false],
    ['linux', 'lib/libpython3.13.a', true],
    ['linux', 'lib/libpython3.13t.a', true],
    ['darwin', 'lib/libpython3.13.dylib', false],
    ['linux', 'lib/libpython3.13.so.1.0', false],
    ['linux', 'lib/python3.13/unittest', false],
    ['linux', 'lib/python3.13/site-packages/foo/test', false],
    ['windows', 'Lib/test', true],
    ['windows', 'libs/python313.lib', false],
  ] as const)('%s leaves out %s: %s', (os, path, expected) => {
    expect(isLeftOut({ os, path })).toBe(expected);
  });
});

describe('sourceBuildNote', () => {
  it('a patch release the catalog does not know: says so, names the newest it knows, and where the source build comes from', () => {
    const [unit] = plan('3.13.99').units;
    expect(unit?.kind).toBe('build');
    expect(unit?.kind === 'build' && sourceBuildNote(unit, { cpythonSource: TEMPLATE })).toBe(
      'CPython 3.13.99 is not in test (the newest 3.13 it knows is 3.13.5; it knows 3.13.5); so CPython 3.13.99 is built from source, from cpython-source (https://www.python.org/ftp/python/3.13.99/Python-3.13.99.tar.xz)',
    );
  });
  it('nothing to say when the source build was asked for', () => {
    const [unit] = plan('3.13.5', { source: 'build' }).units;
    expect(unit?.kind === 'build' && sourceBuildNote(unit, { cpythonSource: TEMPLATE })).toBeNull();
  });
});
