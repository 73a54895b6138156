// The two duration sections as users read them: tests a build makes slower or faster than the
// reference, and tests this change makes slower than its base commit, listed apart (a golden,
// UPDATE_GOLDEN=1 rewrites it); what came from the tested code is escaped; neither fails the check.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { section } from '../../../src/domain/comment/format.js';
import { slowerThanBaseSection, slowTestsSection } from '../../../src/domain/comment/slow-tests.js';
import { renderComment } from '../../../src/domain/markdown.js';
import { parseReport, ReportSchemaError } from '../../../src/domain/merge.js';
import type { Report, SlowTest, SlowTestVsBase } from '../../../src/domain/report.js';
import { BASE, report, variant } from '../../helpers/reports.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'golden', 'slow-tests.md');

const convoy: SlowTest = {
  id: 'tests/test_x.py::test_concurrent_consumers',
  referenceSeconds: 0.82,
  seconds: 23.8,
  ratio: 29.02,
  reruns: { reference: [0.81, 0.84, 0.8], variant: [23.1, 24, 23.5] },
  agreed: '3/3',
};

const sleeps: SlowTestVsBase = {
  id: 'tests/test_x.py::test_y',
  baseSeconds: 0.31,
  seconds: 4.2,
  ratio: 4.2 / 0.31,
  reruns: { base: [0.3, 0.32, 2.9], head: [4.1, 4.3, null] },
  agreed: '2/3',
};

function withSlowTests(over: { reason?: 'push-before' } = {}): Report {
  return {
    ...report({
      base: BASE,
      variants: [
        variant('3.13', { slowTestsVsBase: [sleeps] }),
        variant('3.13t', {
          slowTestsVsBase: [{ ...sleeps, baseSeconds: 0.4, ratio: 4.4 / 0.4, seconds: 4.4 }],
        }),
        variant('3.13+jit', { slowTests: [convoy] }),
      ],
    }),
    baseline: { sha: BASE, reason: over.reason ?? 'merge-commit-first-parent' },
  };
}

function sections(r: Report): string {
  return [slowerThanBaseSection(r), slowTestsSection(r)]
    .map((s) => (s ? section(s, s.count) : ''))
    .join('\n\n');
}

describe('the duration sections', () => {
  it('golden', () => {
    const markdown = sections(withSlowTests());
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('lists head against base apart from the builds, each line with its reruns, collapsed', () => {
    const markdown = renderComment(withSlowTests(), { fullReportHint: 'see the run' });
    // One test, slower under two builds: counted once, named once, a line per build.
    expect(markdown).toContain('<details><summary>🐢 Tests this PR makes slower (1)</summary>');
    expect(markdown).toContain(
      [
        '- `tests/test_x.py::test_y`, under 2 builds:',
        '  - 0.31 s on base, 4.2 s on this PR under `3.13` (14x slower; 2 of 3 reruns agree: 0.30 s, 0.32 s, 2.9 s vs 4.1 s, 4.3 s, did not pass)',
        '  - 0.40 s on base, 4.4 s on this PR under `3.13t` (11x slower;',
      ].join('\n'),
    );
    expect(markdown).toContain(
      '<details><summary>🐢 Test durations that differ between builds (1)</summary>',
    );
    // The change's cost before the builds' differences.
    expect(markdown.indexOf('makes slower')).toBeLessThan(markdown.indexOf('differ between builds'));
  });

  it('names the change as the baseline does: a push is not a PR', () => {
    const markdown = sections(withSlowTests({ reason: 'push-before' }));
    expect(markdown).toContain('🐢 Tests this push makes slower (1)');
    expect(markdown).toContain('4.2 s on this push under `3.13`');
  });

  it('a test alone under one build keeps its one line; two tests are two items', () => {
    const other = { ...sleeps, id: 'tests/test_x.py::test_z' };
    const r = { ...withSlowTests(), variants: [variant('3.13', { slowTestsVsBase: [sleeps, other] })] };
    const section = slowerThanBaseSection(r)!;
    expect(section.count).toBe(2);
    expect(section.body(2).split('\n').slice(-2)).toEqual([
      expect.stringMatching(
        /^- `tests\/test_x\.py::test_y`: 0\.31 s on base, 4\.2 s on this PR under `3\.13` \(/,
      ),
      expect.stringMatching(/^- `tests\/test_x\.py::test_z`: 0\.31 s on base/),
    ]);
    // Fitting the comment's size keeps whole tests: the first item, with all its builds.
    const grouped = slowerThanBaseSection(withSlowTests())!.body(1);
    expect(
      grouped
        .split('\n')
        .slice(-3)
        .map((l) => l.slice(0, 4)),
    ).toEqual(['- `t', '  - ', '  - ']);
  });

  it('is informational: no finding, and the check passes', () => {
    const r = withSlowTests();
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe('pass');
  });

  it('escapes a hostile test id: no markup, no mention, no broken code span', () => {
    const hostile = { ...sleeps, id: 'tests/t.py::test_`x`[<img src=x>|@octocat]' };
    const r = { ...withSlowTests(), variants: [variant('3.13', { slowTestsVsBase: [hostile] })] };
    const line = slowerThanBaseSection(r)!.body(1).split('\n').at(-1)!;
    expect(line.startsWith('- ``tests/t.py::test_`x`[<img src=x>|@octocat]``: 0.31 s on base')).toBe(true);
  });

  it('reads back through the schema check, and a bad one is refused', () => {
    const json = JSON.parse(JSON.stringify(withSlowTests())) as {
      variants: { slowTestsVsBase?: { reruns: { head: unknown[] } }[] }[];
    };
    expect(parseReport(json, 'report.json').variants[0]!.slowTestsVsBase).toEqual([sleeps]);
    json.variants[0]!.slowTestsVsBase![0]!.reruns.head = ['4.1 s'];
    expect(() => parseReport(json, 'report.json')).toThrow(ReportSchemaError);
  });
});
