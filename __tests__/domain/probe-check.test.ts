import { describe, expect, it } from 'vitest';
import { describeFacts, mismatches, type ProbeFacts } from '../../src/domain/probe-check.js';
import { parseVariant } from '../../src/domain/variants.js';

const facts = (over: Partial<ProbeFacts>): ProbeFacts => ({
  implementation: 'cpython',
  version: '3.13.5',
  versionInfo: [3, 13, 5],
  executable: '/x/python',
  prefix: '/x',
  freeThreaded: false,
  gilEnabled: true,
  jitCompiled: false,
  jitDefaultOn: null,
  jitActive: null,
  debug: false,
  platform: 'linux',
  machine: 'x86_64',
  ...over,
});

describe('probe mismatches', () => {
  it.each([
    ['3.13', facts({}), []],
    ['3.13.5', facts({}), []],
    ['3.13.4', facts({}), ['it is version 3.13.5, not 3.13.4']],
    ['3.12', facts({}), ['it is version 3.13.5, not 3.12']],
    ['3.13t', facts({}), ['it is not a free-threaded build (Py_GIL_DISABLED is not set)']],
    ['3.13', facts({ freeThreaded: true }), ['it is a free-threaded build, so it should be labelled 3.13t']],
    ['3.13+jit', facts({}), ['the JIT is not compiled in (no --enable-experimental-jit)']],
    ['3.13+jit', facts({ jitCompiled: true, jitDefaultOn: false }), []],
    ['3.13', facts({ jitCompiled: true, jitDefaultOn: true }), []],
    ['3.13+debug', facts({}), ['it is not a debug build (--with-pydebug)']],
    ['3.13', facts({ debug: true }), ['it is a debug build, so it should be labelled 3.13+debug']],
    ['3.13', facts({ implementation: 'pypy' }), ['it is pypy, not CPython']],
  ])('%s on %j', (label, f, expected) => {
    expect(mismatches(parseVariant(label), f)).toEqual(expected);
  });

  it('describes what it found in words', () => {
    expect(describeFacts(facts({ freeThreaded: true }))).toBe('CPython 3.13.5, free-threaded, no JIT');
    expect(describeFacts(facts({ jitCompiled: true, jitDefaultOn: false }))).toBe(
      'CPython 3.13.5, with the GIL, JIT compiled in (off by default)',
    );
  });
});
