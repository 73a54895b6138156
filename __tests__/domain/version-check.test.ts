import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/catalog.js';
import type { PythonSource } from '../../src/domain/install-plan.js';
import { parseVariant } from '../../src/domain/variants.js';
import { knownVersions, refusedVersions } from '../../src/domain/version-check.js';

const SHA = 'c'.repeat(64);
const catalog = parseCatalog(
  {
    schema: 1,
    builds: ['3.13.4', '3.13.5', '3.14.0rc1', '3.14.0'].map((version) => ({
      version,
      release: '20250723',
      os: 'linux',
      arch: 'x86_64',
      libc: 'gnu',
      flavour: 'default',
      url: `20250723/cpython-${version}.tar.gz`,
      sha256: SHA,
    })),
  },
  'the test catalog',
);
const TEMPLATE = 'https://www.python.org/ftp/python/{version}/Python-{version}.tar.xz';

function refused(labels: string, options: { source?: PythonSource; cpythonSource?: string } = {}) {
  return refusedVersions({
    variants: labels.split(' ').map(parseVariant),
    catalog,
    pythonSource: options.source ?? 'auto',
    cpythonSource: options.cpythonSource ?? TEMPLATE,
  }).map((r) => [r.variant.name, r.reason]);
}

describe('refusedVersions', () => {
  it('says what the catalog knows', () => {
    expect(knownVersions(catalog)).toBe('3.13 (3.13.4 to 3.13.5), 3.14 (3.14.0rc1 to 3.14.0)');
  });

  it.each([
    // In the catalog, whatever the source.
    ['3.13 3.13t 3.13+jit 3.13.4 3.14.0rc1', 'prebuilt'],
    ['3.13.5', 'build'],
    // Not in it, but a {version} source build of a known minor can make it: a release or three ahead.
    ['3.13.6 3.13.8 3.14.1', 'auto'],
    ['3.13.0 3.13.2', 'build'],
    ['3.14.1rc1', 'auto'],
  ] as const)('takes %s with python-source %s', (labels, source) => {
    expect(refused(labels, { source })).toEqual([]);
  });

  it('refuses a version with python-source prebuilt, naming what exists', () => {
    expect(refused('3.13.6', { source: 'prebuilt' })).toEqual([
      [
        '3.13.6',
        'CPython 3.13.6 is not in the test catalog, which knows 3.13 (3.13.4 to 3.13.5), 3.14 (3.14.0rc1 to 3.14.0); and python-source is prebuilt, so it is not built from source',
      ],
    ]);
  });

  it.each([
    [
      '3.13.99',
      /no source build can make it: the newest 3\.13 known is 3\.13\.5, and a source build from cpython-source tries at most 3 releases past it/,
    ],
    ['3.13.9', /the newest 3\.13 known is 3\.13\.5/],
    ['3.15', /no CPython 3\.15 release is known to build from cpython-source/],
    ['3.15.0', /no CPython 3\.15 release is known/],
    ['3.99.1t', /CPython 3\.99\.1 is not in the test catalog/],
  ])('refuses %s under python-source auto', (label, reason) => {
    const [[name, why] = []] = refused(label);
    expect(name).toBe(label);
    expect(why).toMatch(reason);
    expect(why).toMatch(/Name a known version, or give cpython-source a tarball of the version you want$/);
  });

  it('takes any version from a fixed tarball that says it, or says nothing', () => {
    expect(refused('3.15.2 3.15', { cpythonSource: '/src/Python-3.15.2.tar.xz' })).toEqual([]);
    expect(refused('3.16.0', { cpythonSource: '/src/cpython-main.tar.gz' })).toEqual([]);
    expect(refused('3.13.7', { source: 'build', cpythonSource: '/src/Python-3.15.2.tar.xz' })).toEqual([
      [
        '3.13.7',
        expect.stringContaining(
          'no source build can make it: cpython-source (/src/Python-3.15.2.tar.xz) is CPython 3.15.2.',
        ),
      ],
    ]);
  });

  it('lists every variant it refuses, each once', () => {
    expect(refused('3.13 3.13.50 3.20 3.13.50t').map(([name]) => name)).toEqual([
      '3.13.50',
      '3.20',
      '3.13.50t',
    ]);
  });
});
