// The comment says what base was and why, and which modules this change makes re-enable the GIL.
import { describe, expect, it } from 'vitest';
import type { BaselineReason } from '../../../src/domain/baseline.js';
import { baseMeta, eventMeta } from '../../../src/domain/comment/baseline.js';
import { gilChangeLines } from '../../../src/domain/comment/gil-change.js';
import { renderComment } from '../../../src/domain/markdown.js';
import { mergeReports, parseReport } from '../../../src/domain/merge.js';
import type { Report } from '../../../src/domain/report.js';
import { BASE, DEFAULT_FAIL_ON, GENERATED_AT, report, tests, variant } from '../../helpers/reports.js';

function withBaseline(reason: BaselineReason | null, over: Partial<Report> = {}): Report {
  return {
    ...report({ variants: [variant('3.13')], base: BASE }),
    ...(reason ? { baseline: { sha: BASE, reason } } : {}),
    ...over,
  };
}

describe('the meta line names the baseline and why', () => {
  it.each([
    ['merge-commit-first-parent', 'base `0a1b2c3d4e5f` (first parent of the merge commit)'],
    ['merge-base', 'base `0a1b2c3d4e5f` (merge base with the base branch)'],
    ['merge-group-base', "base `0a1b2c3d4e5f` (the merge queue's base)"],
    ['push-before', 'base `0a1b2c3d4e5f` (the commit before the push)'],
    ['given', 'base `0a1b2c3d4e5f` (given in compare-base)'],
  ] as const)('%s', (reason, text) => {
    expect(baseMeta(withBaseline(reason))).toBe(text);
    expect(renderComment(withBaseline(reason), { fullReportHint: 'x' })).toContain(text);
  });

  it('a report without a baseline record (an older report.json) still shows its base; none shows nothing', () => {
    expect(baseMeta(withBaseline(null))).toBe('base `0a1b2c3d4e5f`');
    expect(baseMeta(report({ variants: [variant('3.13')] }))).toBe('');
  });

  it('a merge queue run says so, with the PR it was for', () => {
    const queued = withBaseline('merge-group-base', { event: { name: 'merge_group', pullRequest: 42 } });
    expect(eventMeta(queued)).toBe('merge queue, #42');
    expect(renderComment(queued, { fullReportHint: 'x' })).toMatch(/^merge queue, #42 · commit `/m);
    expect(eventMeta(withBaseline('merge-base', { event: { name: 'pull_request', pullRequest: 42 } }))).toBe(
      '',
    );
  });
});

describe('GIL changes against base', () => {
  const ft = (head: string[], base: string[]) =>
    variant('3.13t', {
      gil: { reenabledBy: head },
      base: { sha: BASE, startup: [], benchmarks: [], tests: tests(), gil: { reenabledBy: base } },
    });

  it('says "this PR makes `pkg._ext` re-enable the GIL", and the reverse', () => {
    const made = {
      ...report({ variants: [ft(['pkg._ext'], [])], base: BASE }),
      baseline: { sha: BASE, reason: 'merge-base' as const },
    };
    expect(gilChangeLines(made)).toEqual([
      '🔒 This PR makes `pkg._ext` re-enable the GIL under `3.13t`: it did not on the base commit.',
    ]);
    const comment = renderComment(made, { fullReportHint: 'x' });
    expect(comment).toContain('This PR makes `pkg._ext` re-enable the GIL');
    expect(comment).toContain('## ✅ CPython variants: the check passed, with findings');

    const freed = {
      ...report({ variants: [ft([], ['pkg._ext'])], base: BASE }),
      baseline: { sha: BASE, reason: 'push-before' as const },
    };
    expect(gilChangeLines(freed)).toEqual([
      '🔓 This push makes `pkg._ext` run without the GIL under `3.13t`: it re-enabled it on the base commit.',
    ]);
    // An improvement is not a finding to look at, and not a timing change.
    const comment2 = renderComment(freed, { fullReportHint: 'x' });
    expect(comment2).toContain('## ✅ CPython variants: all clear');
    expect(comment2).not.toContain('Timing changes');
  });

  it('with fail-on new-gil-reenabled the reason names the module', () => {
    const failOn = new Set(['new-gil-reenabled'] as const);
    const failed = report({ variants: [ft(['pkg._ext'], [])], base: BASE, failOn });
    expect(failed.verdict).toBe('fail');
    expect(renderComment(failed, { fullReportHint: 'x', failOn })).toContain(
      '- fail-on `new-gil-reenabled`: 1 finding\n  - this change makes `pkg._ext` re-enable the GIL under `3.13t` (it does not on the base commit)',
    );
  });

  it('a module name from the tested code is escaped', () => {
    const hostile = report({ variants: [ft(['@team`x|y'], [])], base: BASE });
    expect(gilChangeLines(hostile).join('\n')).not.toMatch(/(^|[^`])@team/);
  });
});

describe('merged reports (mode report)', () => {
  const leg = (reason: string) =>
    parseReport(
      JSON.parse(JSON.stringify({ ...withBaseline('merge-base'), baseline: { sha: BASE, reason } })),
      'leg',
    );

  it('keep the baseline the legs agree on; a reason of our own words only is shown', () => {
    const merged = mergeReports({
      reports: [{ label: 'x64', report: leg('merge-commit-first-parent') }],
      failOn: DEFAULT_FAIL_ON,
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.baseline).toEqual({ sha: BASE, reason: 'merge-commit-first-parent' });
    expect(baseMeta(merged)).toBe('base `0a1b2c3d4e5f` (first parent of the merge commit)');
    // A reason a fork's workflow made up, even one that names a property of every object.
    for (const reason of ['constructor', '<img src=x>']) {
      const hostile = mergeReports({
        reports: [{ label: 'x64', report: leg(reason) }],
        failOn: DEFAULT_FAIL_ON,
        generatedAt: GENERATED_AT,
        threshold: 0.1,
      });
      expect(baseMeta(hostile)).toBe('base `0a1b2c3d4e5f`');
    }
  });

  it('refuse a variant whose base GIL modules are not a list of names', () => {
    const bad = JSON.parse(
      JSON.stringify(
        report({
          variants: [
            variant('3.13t', { base: { sha: BASE, startup: [], benchmarks: [], gil: { reenabledBy: [] } } }),
          ],
        }),
      ),
    );
    bad.variants[0].base.gil.reenabledBy = 42;
    expect(() => parseReport(bad, 'leg')).toThrow(/base\.gil\.reenabledBy/);
  });
});
