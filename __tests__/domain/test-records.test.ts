import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countsFromSummaryLine, parseTestRecords } from '../../src/domain/test-records.js';

const lines = (...records: object[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('parseTestRecords', () => {
  it('outcomes, locations, warnings and the GIL, from a session that ended', () => {
    const text = lines(
      { event: 'load', pid: 7, gil: false, rootdir: '/w/proj' },
      { event: 'session-start', pid: 7, gil: false },
      {
        event: 'collected',
        pid: 7,
        count: 2,
        ids: ['tests/test_a.py::test_ok', 'tests/test_a.py::test_ext'],
      },
      { event: 'start', pid: 7, nodeid: 'tests/test_a.py::test_ok', file: 'tests/test_a.py', line: 3 },
      {
        event: 'finish',
        pid: 7,
        nodeid: 'tests/test_a.py::test_ok',
        outcome: 'passed',
        duration: 0.25,
        message: null,
      },
      { event: 'start', pid: 7, nodeid: 'tests/test_a.py::test_ext', file: 'tests/test_a.py', line: 9 },
      {
        event: 'warning',
        pid: 7,
        nodeid: 'tests/test_a.py::test_ext',
        category: 'RuntimeWarning',
        message: "The global interpreter lock (GIL) has been enabled to load module 'ext'",
        filename: '<frozen importlib._bootstrap>',
        lineno: 488,
      },
      {
        event: 'finish',
        pid: 7,
        nodeid: 'tests/test_a.py::test_ext',
        outcome: 'failed',
        duration: 1,
        message: 'assert 1 == 2',
      },
      { event: 'gil', pid: 7, nodeid: 'tests/test_a.py::test_ext', gil: true },
      { event: 'session-finish', pid: 7, exitstatus: 1, gil: true },
    );
    const records = parseTestRecords(text, { relativeTo: '/w' });
    expect(records).toEqual({
      sessions: 1,
      finished: true,
      cases: [
        {
          id: 'tests/test_a.py::test_ok',
          outcome: 'passed',
          file: 'proj/tests/test_a.py',
          line: 3,
          durationMs: 250,
        },
        {
          id: 'tests/test_a.py::test_ext',
          outcome: 'failed',
          file: 'proj/tests/test_a.py',
          line: 9,
          durationMs: 1000,
          message: 'assert 1 == 2',
        },
      ],
      unfinished: [],
      lost: [],
      interpreters: [],
      collected: ['tests/test_a.py::test_ok', 'tests/test_a.py::test_ext'],
      warnings: [
        {
          category: 'RuntimeWarning',
          message: "The global interpreter lock (GIL) has been enabled to load module 'ext'",
          test: 'tests/test_a.py::test_ext',
          filename: '<frozen importlib._bootstrap>',
          line: 488,
        },
      ],
      gil: { atLoad: false, atEnd: true, enabledDuring: ['tests/test_a.py::test_ext'] },
      jitEnabled: null,
      malformedLines: 0,
      runParallel: null,
    });
  });

  it("keeps pytest-run-parallel's single-threaded tests with their reasons", () => {
    const records = parseTestRecords(
      lines(
        { event: 'session-start', pid: 7 },
        {
          event: 'run-parallel',
          pid: 7,
          single: { 't.py::test_env': "uses thread-unsafe fixture(s): {'monkeypatch'}", 't.py::x': 7 },
          parallel: 3,
        },
      ),
    );
    expect(records.runParallel).toEqual({
      single: { 't.py::test_env': "uses thread-unsafe fixture(s): {'monkeypatch'}" },
      parallel: 3,
    });
  });

  it.each([
    [true, true],
    [false, false],
    [null, null],
  ])('reads sys._jit.is_enabled() of the tested process from the load record: %j', (jit, expected) => {
    const text = lines({ event: 'load', pid: 7, gil: true, jit }, { event: 'session-start', pid: 7 });
    expect(parseTestRecords(text).jitEnabled).toBe(expected);
  });

  it('names the test that started and never finished, and survives a line cut by the crash', () => {
    const text =
      lines(
        { event: 'session-start', pid: 7 },
        { event: 'start', pid: 7, nodeid: 't.py::test_ok', file: 't.py', line: 1 },
        { event: 'finish', pid: 7, nodeid: 't.py::test_ok', outcome: 'passed', duration: 0 },
        { event: 'start', pid: 7, nodeid: 't.py::test_segv', file: 't.py', line: 5 },
      ) + '{"event": "warn';
    const records = parseTestRecords(text);
    const segv = { id: 't.py::test_segv', pid: 7, file: 't.py', line: 5 };
    expect(records.unfinished).toEqual([segv]);
    // Its process never reached the session's end: it died in that test, whatever its exit status.
    expect(records.lost).toEqual([segv]);
    expect(records.finished).toBe(false);
    expect(records.malformedLines).toBe(1);
    expect(records.cases.map((c) => c.id)).toEqual(['t.py::test_ok']);
  });

  it('one unfinished test per process (xdist workers)', () => {
    const text = lines(
      { event: 'start', pid: 1, nodeid: 'a::x' },
      { event: 'start', pid: 2, nodeid: 'a::y' },
      { event: 'finish', pid: 2, nodeid: 'a::y', outcome: 'passed' },
      { event: 'start', pid: 2, nodeid: 'a::z' },
    );
    expect(parseTestRecords(text).unfinished.map((t) => [t.pid, t.id])).toEqual([
      [1, 'a::x'],
      [2, 'a::z'],
    ]);
  });

  it('an xdist worker that died: its test is lost although the controller finished', () => {
    const text = lines(
      { event: 'session-start', pid: 1 },
      { event: 'session-start', pid: 2 },
      { event: 'session-start', pid: 3 },
      { event: 'start', pid: 2, nodeid: 'a::killed' },
      { event: 'start', pid: 3, nodeid: 'a::ok' },
      { event: 'finish', pid: 3, nodeid: 'a::ok', outcome: 'passed' },
      { event: 'session-finish', pid: 3 },
      { event: 'session-finish', pid: 1 },
    );
    const records = parseTestRecords(text);
    expect(records.finished).toBe(true);
    expect(records.lost.map((t) => [t.pid, t.id])).toEqual([[2, 'a::killed']]);
  });

  it('the phase reached and the fixture being torn down when the process died', () => {
    const text = lines(
      { event: 'start', pid: 7, nodeid: 't.py::test_last', file: 't.py', line: 9 },
      { event: 'fixture-teardown', pid: 7, nodeid: 't.py::test_last', fixture: 'tmp', scope: 'function' },
      { event: 'fixture-done', pid: 7, fixture: 'tmp' },
      {
        event: 'fixture-teardown',
        pid: 7,
        nodeid: 't.py::test_last',
        fixture: 'db',
        scope: 'session',
        file: '/w/conftest.py',
        line: 4,
      },
    );
    expect(parseTestRecords(text, { relativeTo: '/w' }).lost).toEqual([
      {
        id: 't.py::test_last',
        pid: 7,
        file: 't.py',
        line: 9,
        phase: 'teardown',
        fixture: { name: 'db', scope: 'session', file: 'conftest.py', line: 4 },
      },
    ]);
  });

  it('a failure in a fixture teardown keeps its phase and fixture', () => {
    const text = lines({
      event: 'finish',
      nodeid: 'a::b',
      outcome: 'error',
      phase: 'teardown',
      fixture: { name: 'db', scope: 'session' },
    });
    expect(parseTestRecords(text).cases).toEqual([
      { id: 'a::b', outcome: 'error', phase: 'teardown', fixture: { name: 'db', scope: 'session' } },
    ]);
  });

  it('the interpreter that loaded the plugin, once per distinct one', () => {
    const load = {
      event: 'load',
      python: '3.12.3',
      executable: '/usr/bin/python3.12',
      freeThreaded: false,
      gil: null,
      jitCompiled: false,
      jitActive: null,
      pythonJit: '0',
      prefix: '/usr',
    };
    const records = parseTestRecords(lines({ ...load, pid: 1 }, { ...load, pid: 2 }));
    expect(records.interpreters).toEqual([
      {
        executable: '/usr/bin/python3.12',
        version: '3.12.3',
        freeThreaded: false,
        gil: null,
        jitCompiled: false,
        jitActive: null,
        pythonJit: '0',
        prefix: '/usr',
      },
    ]);
  });

  it.each([
    [
      'a collection error is an error case',
      { event: 'collect-error', nodeid: 'tests/test_bad.py', message: 'ImportError: x' },
      'error',
    ],
    ['an unknown outcome is left out', { event: 'finish', nodeid: 'a::b', outcome: 'exploded' }, undefined],
    ['an unknown event is ignored', { event: 'from-the-future', nodeid: 'a::b' }, undefined],
  ])('%s', (_name, record, outcome) => {
    expect(parseTestRecords(lines(record)).cases[0]?.outcome).toBe(outcome);
  });

  it.each([['{}'], ['[1,2]'], ['null'], ['not json']])('counts %s as malformed', (line) => {
    expect(parseTestRecords(`${line}\n`).malformedLines).toBe(1);
  });

  const real = (name: string): string =>
    readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8');

  it('reads a real 3.13t session that segfaulted (pytest 8.3.5)', () => {
    const records = parseTestRecords(real('records-crashy-3.13t.jsonl'), {
      relativeTo: '/home/runner/work/crashy',
    });
    expect(records.sessions).toBe(1);
    expect(records.finished).toBe(false);
    expect(records.collected).toHaveLength(14);
    expect(records.unfinished).toMatchObject([
      { id: 'tests/test_crash.py::test_segfault', file: 'crashy/tests/test_crash.py', line: 11 },
    ]);
    expect(records.gil).toEqual({ atLoad: false, atEnd: null, enabledDuring: [] });
    expect(records.cases.map((c) => [c.id, c.outcome])).toEqual([
      ['tests/test_basics.py::test_slug', 'passed'],
      ['tests/test_basics.py::test_mean[values0-2]', 'passed'],
      ['tests/test_basics.py::test_mean[values1-5]', 'passed'],
      ['tests/test_basics.py::test_mean_of_nothing', 'passed'],
      ['tests/test_basics.py::test_python2_only', 'skipped'],
      ['tests/test_basics.py::test_float_sum_is_exact', 'xfailed'],
      ['tests/test_counter.py::test_shared_counter_is_exact', 'failed'],
    ]);
    expect(records.cases.at(-1)?.message).toMatch(/^AssertionError: lost \d+ updates/);
    expect(records.malformedLines).toBe(0);
  });

  it('reads the real continuation: the GIL switched on by an extension, then a hang', () => {
    const records = parseTestRecords(real('records-crashy-3.13t-continued.jsonl'));
    expect(records.collected).toHaveLength(6);
    expect(records.unfinished.map((t) => t.id)).toEqual(['tests/test_hang.py::test_hangs_forever']);
    expect(records.gil.enabledDuring).toEqual(['tests/test_extension.py::test_extension_without_py_mod_gil']);
    expect(records.warnings).toMatchObject([
      { category: 'RuntimeWarning', test: 'tests/test_extension.py::test_extension_without_py_mod_gil' },
    ]);
    expect(records.warnings[0]?.message).toContain("to load module 'crashy_noglext'");
  });
});

describe('countsFromSummaryLine', () => {
  it.each([
    ['pytest -q', '....F\n4 passed, 1 failed in 0.12s', { passed: 4, failed: 1, errors: 0, skipped: 0 }],
    [
      'pytest, all kinds',
      '==== 3 failed, 10 passed, 2 skipped, 1 xfailed, 1 xpassed, 4 warnings, 2 errors in 1.50s ====',
      { passed: 11, failed: 3, errors: 2, skipped: 3 },
    ],
    ['pytest, one error', '1 error in 0.05s', { passed: 0, failed: 0, errors: 1, skipped: 0 }],
    [
      'unittest ok',
      '......\n------\nRan 6 tests in 0.001s\n\nOK (skipped=1)',
      { passed: 5, failed: 0, errors: 0, skipped: 1 },
    ],
    [
      'unittest failed',
      'Ran 10 tests in 0.010s\n\nFAILED (failures=2, errors=1, expected failures=1)',
      { passed: 6, failed: 2, errors: 1, skipped: 1 },
    ],
    ['nothing', 'make: *** [test] Error 1', null],
  ])('%s', (_name, output, counts) => {
    expect(countsFromSummaryLine(output)).toEqual(counts);
  });
});
