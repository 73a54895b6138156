// Which tests a build makes much slower or faster: the rules (2x and 0.5 s apart), the bound on
// reruns, the confirmation by a majority of lone reruns, and the section that lists them.
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/domain/markdown.js';
import { parseReport, ReportSchemaError } from '../../src/domain/merge.js';
import type { TestCase } from '../../src/domain/report.js';
import {
  confirmCandidate,
  differs,
  durationCandidates,
  planReruns,
  type Candidate,
} from '../../src/domain/slow-tests.js';
import { report, variant } from '../helpers/reports.js';

const passed = (id: string, durationMs: number): TestCase => ({ id, outcome: 'passed', durationMs });

describe('differs', () => {
  it.each([
    [820, 23_800, true],
    [23_800, 820, true],
    [1000, 1999, false], // under 2x
    [100, 450, false], // 4.5x, but 0.35 s apart
    [400, 900, true], // 2.25x and 0.5 s apart
    [0, 900, false],
  ])('%d ms against %d ms: %s', (referenceMs, variantMs, expected) => {
    expect(differs({ referenceMs, variantMs })).toBe(expected);
  });

  it('says no when a side has no time (the rerun did not pass)', () => {
    expect(differs({ referenceMs: null, variantMs: 900 })).toBe(false);
  });
});

describe('durationCandidates', () => {
  it('finds the passed tests that differ, most striking first, and ignores failed and flaky ones', () => {
    const candidates = durationCandidates({
      reference: [
        passed('t::convoy', 820),
        passed('t::gil', 4000),
        passed('t::plain', 300),
        passed('t::failed', 100),
        passed('t::flaky', 100),
      ],
      variants: [
        {
          name: '3.13+jit',
          cases: [
            passed('t::convoy', 23_800),
            passed('t::gil', 4100),
            passed('t::plain', 310),
            { id: 't::failed', outcome: 'failed', durationMs: 5000 },
            { id: 't::flaky', outcome: 'passed', durationMs: 5000, flaky: true },
          ],
        },
        { name: '3.13t', cases: [passed('t::convoy', 1580), passed('t::gil', 1000)] },
      ],
    });
    expect(candidates.map((c) => [c.variant, c.id])).toEqual([
      ['3.13+jit', 't::convoy'],
      ['3.13t', 't::gil'],
    ]);
  });
});

describe('planReruns', () => {
  const candidate = (id: string, ms: number): Candidate => ({
    id,
    variant: '3.13t',
    referenceMs: ms * 4,
    variantMs: ms,
  });

  it('keeps at most five distinct tests', () => {
    const many = Array.from({ length: 8 }, (_, i) => candidate(`t::${i}`, 500));
    const { chosen, skipped } = planReruns({ candidates: many, budgetMs: 10 * 60_000 });
    expect(chosen).toHaveLength(5);
    expect(skipped).toHaveLength(3);
  });

  it('keeps the reruns within the budget: three rounds of both sides and a process each', () => {
    // (2000 + 500 + 2 x 1000) x 3 = 13.5 s a test
    const { chosen } = planReruns({
      candidates: [candidate('t::a', 500), candidate('t::b', 500)],
      budgetMs: 20_000,
    });
    expect(chosen.map((c) => c.id)).toEqual(['t::a']);
  });
});

describe('confirmCandidate', () => {
  const convoy: Candidate = { id: 't::convoy', variant: '3.13+jit', referenceMs: 820, variantMs: 23_800 };

  it('lists a test whose reruns mostly agree, with every rerun', () => {
    const slow = confirmCandidate({
      candidate: convoy,
      reruns: [
        { referenceMs: 800, variantMs: 22_000 },
        { referenceMs: 850, variantMs: 900 }, // a quick one: disagrees
        { referenceMs: 790, variantMs: 24_500 },
      ],
    });
    expect(slow).toEqual({
      id: 't::convoy',
      referenceSeconds: 0.82,
      seconds: 23.8,
      ratio: 23_800 / 820,
      reruns: { reference: [0.8, 0.85, 0.79], variant: [22, 0.9, 24.5] },
      agreed: '2/3',
    });
  });

  it('drops a one-off: the normal run was slow, the reruns are not', () => {
    const reruns = [1, 2, 3].map(() => ({ referenceMs: 800, variantMs: 850 }));
    expect(confirmCandidate({ candidate: convoy, reruns })).toBeNull();
  });

  it('counts a rerun that did not pass, or went the other way, as disagreeing', () => {
    const reruns = [
      { referenceMs: 800, variantMs: null },
      { referenceMs: 24_000, variantMs: 800 },
      { referenceMs: 800, variantMs: 24_000 },
    ];
    expect(confirmCandidate({ candidate: convoy, reruns })).toBeNull();
  });
});

describe('the section', () => {
  const slowTests = [
    {
      id: 'tests/test_x.py::test_concurrent_consumers',
      referenceSeconds: 0.82,
      seconds: 23.8,
      ratio: 29.02,
      reruns: { reference: [0.81, 0.84, 0.8], variant: [23.1, 24, 23.5] },
      agreed: '3/3',
    },
  ];
  const r = report({ variants: [variant('3.13'), variant('3.13+jit', { slowTests })] });

  it('lists each test with its times per build and the reruns that agree, collapsed', () => {
    const markdown = renderComment(r, { fullReportHint: 'see the run' });
    expect(markdown).toContain(
      '<details><summary>🐢 Test durations that differ between builds (1)</summary>',
    );
    expect(markdown).toContain(
      '- `tests/test_x.py::test_concurrent_consumers`: 0.82 s under `3.13`, 23.8 s under `3.13+jit` (29x slower; 3 of 3 reruns agree: 0.81 s, 0.84 s, 0.80 s vs 23.1 s, 24.0 s, 23.5 s)',
    );
    expect(r.verdict).toBe('pass');
    expect(r.findings).toEqual([]);
  });

  it('reads back through the schema check, and a bad one is refused', () => {
    const json = JSON.parse(JSON.stringify(r)) as { variants: { slowTests?: { agreed: string }[] }[] };
    expect(parseReport(json, 'report.json').variants[1]!.slowTests).toEqual(slowTests);
    json.variants[1]!.slowTests![0]!.agreed = 'all';
    expect(() => parseReport(json, 'report.json')).toThrow(ReportSchemaError);
  });
});
