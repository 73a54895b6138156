import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JunitError, junitPathsIn, parseJunit } from '../../src/domain/junit.js';

const real = (name: string): string =>
  readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8');

describe('parseJunit', () => {
  it('maps the outcomes of a real pytest 8.3.5 file', () => {
    const cases = parseJunit(real('pytest-8.3.5-mixed.xml'));
    expect(cases.map((c) => [c.id, c.outcome, c.message])).toEqual([
      ['tests.test_mix::test_pass', 'passed', undefined],
      ['tests.test_mix::test_fail', 'failed', 'AssertionError: numbers differ\nassert 1 == 2'],
      ['tests.test_mix::test_skip', 'skipped', 'not here'],
      ['tests.test_mix::test_xfail', 'xfailed', 'known'],
      ['tests.test_mix::test_error', 'error', 'failed on setup with "RuntimeError: fixture broke"'],
    ]);
    expect(cases[0]?.durationMs).toBe(1);
  });

  it('builds pytest ids from xunit1 file attributes, classes included', () => {
    const xml = `<testsuite name="pytest" tests="2">
      <testcase classname="tests.test_k.TestK" name="test_a" file="tests/test_k.py" line="4" time="0.5"/>
      <testcase classname="tests.test_k" name="test_b[1-2]" file="tests/test_k.py" time="0.1"><failure>assert 1 == 2
more</failure></testcase>
    </testsuite>`;
    expect(parseJunit(xml)).toEqual([
      { id: 'tests/test_k.py::TestK::test_a', outcome: 'passed', file: 'tests/test_k.py', durationMs: 500 },
      {
        id: 'tests/test_k.py::test_b[1-2]',
        outcome: 'failed',
        file: 'tests/test_k.py',
        durationMs: 100,
        message: 'assert 1 == 2',
      },
    ]);
  });

  it('reads nested suites of other runners', () => {
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="outer"><testsuite name="inner">
      <testcase classname="pkg.TestCase" name="test_x"><error type="ValueError" message="bad"/></testcase>
      <testcase name="lonely"/></testsuite></testsuite></testsuites>`;
    expect(parseJunit(xml).map((c) => [c.id, c.outcome, c.message])).toEqual([
      ['pkg.TestCase::test_x', 'error', 'bad'],
      ['lonely', 'passed', undefined],
    ]);
  });

  it.each([
    ['not XML', 'pytest crashed'],
    ['another XML document', '<coverage version="7"/>'],
    ['empty', ''],
  ])('refuses %s', (_name, xml) => {
    expect(() => parseJunit(xml)).toThrow(JunitError);
  });
});

describe('junitPathsIn', () => {
  it.each([
    ['python -m pytest --junitxml=out/junit.xml -q', '', ['out/junit.xml']],
    ['pytest --junit-xml "my results.xml"', '', ['my results.xml']],
    ["pytest --junitxml 'a.xml' && echo", '', ['a.xml']],
    ['pytest --junitxml=b.xml; echo done', '', ['b.xml']],
    ['pytest --junitxml=r/{envname}.xml', '', []],
    ['pytest -q', '- generated xml file: /w/report.xml -\n', ['/w/report.xml']],
    ['pytest -q', '', []],
  ])('%s', (command, output, paths) => {
    expect(junitPathsIn({ command, output })).toEqual(paths);
  });
});
