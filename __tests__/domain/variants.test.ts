// Versions of today: 3.14, 3.15, later minors, pre-releases; development builds refused.
import { describe, expect, it } from 'vitest';
import { compareVersions, isPreRelease } from '../../src/domain/catalog.js';
import { sourceVersionFromName } from '../../src/domain/install-plan.js';
import { mismatches, type ProbeFacts } from '../../src/domain/probe-check.js';
import { interpreterCandidates } from '../../src/domain/python-layout.js';
import { parseVariant } from '../../src/domain/variants.js';

describe('parseVariant', () => {
  it.each([
    ['3.15', { version: '3.15', minor: '3.15', freeThreaded: false, jit: false }],
    ['3.15+jit', { version: '3.15', minor: '3.15', jit: true }],
    ['3.14t', { version: '3.14', minor: '3.14', freeThreaded: true }],
    ['3.15.0rc1', { version: '3.15.0rc1', minor: '3.15', freeThreaded: false }],
    ['3.15.0b2t?', { name: '3.15.0b2t', version: '3.15.0b2', freeThreaded: true, optional: true }],
    ['3.16+jit', { version: '3.16', minor: '3.16', jit: true }],
  ])('%s', (text, expected) => {
    expect(parseVariant(text)).toMatchObject(expected);
  });

  it.each(['3.15-dev', '3.15.0a1+', '3.14-dev+jit', '3.16-nightly'])(
    'refuses the development build %s',
    (text) => {
      expect(() => parseVariant(text)).toThrow(/names a development build.*3\.15\.0rc1.*interpreters input/);
    },
  );

  it('refuses minors older than 3.9, naming the ones it knows', () => {
    expect(() => parseVariant('3.7')).toThrow(
      /not a version this action knows \(3\.9, .*3\.15 and later minors\)/,
    );
  });
});

describe('pre-release versions', () => {
  it('sort before their final release', () => {
    const sorted = ['3.15.0', '3.15.0rc1', '3.14.10', '3.15.0a7', '3.15.0b1', '3.15.2'].sort(compareVersions);
    expect(sorted).toEqual(['3.14.10', '3.15.0a7', '3.15.0b1', '3.15.0rc1', '3.15.0', '3.15.2']);
    expect(isPreRelease('3.15.0rc1')).toBe(true);
    expect(isPreRelease('3.15.1')).toBe(false);
  });

  it('are read from source tarball names', () => {
    expect(sourceVersionFromName('/x/Python-3.15.0rc1.tar.xz')).toBe('3.15.0rc1');
    expect(sourceVersionFromName('python3.15_3.15.2.orig.tar.xz')).toBe('3.15.2');
  });

  it('must match the interpreter exactly, while 3.15 accepts any 3.15.x', () => {
    const facts = (version: string, info: [number, number, number]): ProbeFacts => ({
      implementation: 'cpython',
      version,
      versionInfo: info,
      executable: '/p',
      prefix: '/',
      freeThreaded: false,
      gilEnabled: true,
      jitCompiled: true,
      jitDefaultOn: false,
      jitActive: false,
      jitAvailable: true,
      debug: false,
      platform: 'linux',
      machine: 'x86_64',
    });
    expect(mismatches(parseVariant('3.15.0rc1'), facts('3.15.0rc1', [3, 15, 0]))).toEqual([]);
    expect(mismatches(parseVariant('3.15.0rc1'), facts('3.15.0', [3, 15, 0]))).toEqual([
      'it is version 3.15.0, not 3.15.0rc1',
    ]);
    expect(mismatches(parseVariant('3.15+jit'), facts('3.15.2', [3, 15, 2]))).toEqual([]);
  });
});

describe('where 3.14+ builds put their interpreter', () => {
  it.each([
    ['3.14t', 'bin/python3.14t'],
    ['3.15t+debug', 'bin/python3.15td'],
    ['3.15+jit', 'bin/python3.15'],
  ])('%s: %s first', (label, path) => {
    expect(interpreterCandidates({ os: 'linux', build: parseVariant(label) })[0]).toBe(path);
  });
});
