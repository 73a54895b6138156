import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gilModulesFromWarnings, gilReenabledModules } from '../../src/domain/gil.js';

const real = (name: string): string =>
  readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8');

describe('gilReenabledModules', () => {
  it('reads the module from the real 3.13t warning', () => {
    expect(gilReenabledModules(real('gil-reenabled-warning-3.13t.txt'))).toEqual(['demoext']);
  });

  it.each([
    ['no warning at all', 'collected 3 items\n3 passed in 0.01s', []],
    [
      'dotted names, repeats once, in order',
      [
        "RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'numpy._core._multiarray_umath', which has not declared",
        "  /x.py:1: RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'lxml.etree', which",
        "RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'numpy._core._multiarray_umath', which",
      ].join('\n'),
      ['numpy._core._multiarray_umath', 'lxml.etree'],
    ],
    ['a cut-off message without a name', "has been enabled to load module '", []],
    [
      // CPython 3.14/3.15 (Python/import.c): the same sentence, then how to keep the GIL off.
      '3.14 and 3.15 wording, with its advice',
      "<frozen importlib._bootstrap>:491: RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'pkg._native', which has not declared that it can run safely without the GIL. To override this behavior and keep the GIL disabled (at your own risk), run with PYTHON_GIL=0 or -Xgil=0.",
      ['pkg._native'],
    ],
  ])('%s', (_name, text, modules) => {
    expect(gilReenabledModules(text)).toEqual(modules);
  });
});

describe('gilModulesFromWarnings', () => {
  it('takes RuntimeWarnings only', () => {
    const message = real('gil-reenabled-warning-3.13t.txt').split('RuntimeWarning: ')[1] ?? '';
    expect(
      gilModulesFromWarnings([
        { category: 'RuntimeWarning', message },
        { category: 'UserWarning', message: message.replace('demoext', 'impostor') },
        { category: 'DeprecationWarning', message: 'datetime.utcnow() is deprecated' },
      ]),
    ).toEqual(['demoext']);
  });
});
