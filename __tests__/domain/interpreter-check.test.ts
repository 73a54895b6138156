import { describe, expect, it } from 'vitest';
import {
  checkRecordedInterpreters,
  interpreterDifferences,
  wrongBenchmarkInterpreter,
} from '../../src/domain/interpreter-check.js';
import type { ProbeFacts } from '../../src/domain/probe-check.js';
import type { LoadedInterpreter } from '../../src/domain/test-records.js';
import { parseVariant } from '../../src/domain/variants.js';

const facts = (over: Partial<ProbeFacts> = {}): ProbeFacts => ({
  implementation: 'cpython',
  version: '3.13.5',
  versionInfo: [3, 13, 5],
  executable: '/py/bin/python3.13t',
  prefix: '/py',
  freeThreaded: true,
  gilEnabled: false,
  jitCompiled: false,
  jitDefaultOn: null,
  jitActive: null,
  debug: false,
  platform: 'linux',
  machine: 'x86_64',
  ...over,
});

const loaded = (over: Partial<LoadedInterpreter> = {}): LoadedInterpreter => ({
  executable: '/venv/bin/python',
  version: '3.13.5',
  freeThreaded: true,
  gil: false,
  jitCompiled: false,
  jitActive: null,
  pythonJit: '0',
  prefix: '/venv',
  ...over,
});

describe('interpreterDifferences', () => {
  const t = parseVariant('3.13t');
  const jit = parseVariant('3.13+jit');
  const jitFacts = facts({ freeThreaded: false, gilEnabled: true, jitCompiled: true });
  it.each([
    ['the venv itself', t, facts(), loaded(), []],
    [
      '`python3.12 -m pytest`',
      t,
      facts(),
      loaded({ executable: '/usr/bin/python3.12', version: '3.12.3', freeThreaded: false, gil: null }),
      ['version 3.12.3, not 3.13.5', 'a build with the GIL, not free-threaded'],
    ],
    ['PYTHON_GIL=1 from a tool', t, facts(), loaded({ gil: true }), ['the GIL switched on from the start']],
    [
      'a tool that drops PYTHON_JIT',
      jit,
      jitFacts,
      loaded({ freeThreaded: false, gil: null, jitCompiled: true, pythonJit: null }),
      ['PYTHON_JIT=(unset), so the JIT was off'],
    ],
    [
      'a +jit variant run on a build without the JIT',
      jit,
      jitFacts,
      loaded({ freeThreaded: false, gil: null, jitCompiled: false, pythonJit: '1' }),
      ['a build without the JIT'],
    ],
  ])('%s', (_name, variant, f, ran, problems) => {
    expect(interpreterDifferences({ variant, facts: f, ran })).toEqual(problems);
  });
});

describe('checkRecordedInterpreters', () => {
  it('names both interpreters and the fix', () => {
    const error = checkRecordedInterpreters({
      variant: parseVariant('3.13t'),
      facts: facts(),
      venvPython: '/venv/bin/python',
      loaded: [loaded({ executable: '/usr/bin/python3.12', version: '3.12.3', freeThreaded: false })],
    });
    expect(error).toContain(
      "the tests ran on /usr/bin/python3.12 (CPython 3.12.3, with the GIL), not on 3.13t's /venv/bin/python (CPython 3.13.5, free-threaded)",
    );
    expect(error).toContain('`python -m pytest`');
    expect(error).toContain('`uv run --active` or UV_PROJECT_ENVIRONMENT');
    expect(error).toContain("Its figures are not reported as 3.13t's");
  });
  it('null when every recorded interpreter is the variant’s', () => {
    expect(
      checkRecordedInterpreters({
        variant: parseVariant('3.13t'),
        facts: facts(),
        venvPython: '/v',
        loaded: [loaded()],
      }),
    ).toBeNull();
  });
});

describe('wrongBenchmarkInterpreter', () => {
  it('names both and the fix', () => {
    expect(
      wrongBenchmarkInterpreter({
        expected: '3.13.5',
        ran: { version: '3.12.3', executable: '/usr/bin/python3.12' },
      }),
    ).toMatch(
      /^the benchmarks ran on \/usr\/bin\/python3\.12 \(CPython 3\.12\.3\), not on the variant's CPython 3\.13\.5, so their figures are not reported\. .*`uv run --active`/,
    );
  });
});
