// Which tests a build makes much slower or faster, and which a change makes much slower than its
// base commit: the rules (2x and 0.5 s apart), the one bound on the reruns of both, the
// confirmation by a majority of lone reruns, the base suite run for durations, and the sections.
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/domain/markdown.js';
import { parseReport, ReportSchemaError } from '../../src/domain/merge.js';
import type { TestCase } from '../../src/domain/report.js';
import {
  allCandidates,
  baseCandidates,
  baseSuiteForDurations,
  confirmBaseCandidate,
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
  ])('%d ms against %d ms: %s', (baselineMs, candidateMs, expected) => {
    expect(differs({ baselineMs, candidateMs })).toBe(expected);
  });

  it('says no when a side has no time (the rerun did not pass)', () => {
    expect(differs({ baselineMs: null, candidateMs: 900 })).toBe(false);
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

describe('baseCandidates', () => {
  it('finds the tests head made slower than the base commit under the same build, not faster ones', () => {
    const candidates = baseCandidates([
      {
        name: '3.13',
        head: [
          passed('t::sleeps', 4200),
          passed('t::sped_up', 300),
          passed('t::jitter', 900),
          passed('t::new', 5000),
          { id: 't::broke', outcome: 'failed', durationMs: 9000 },
        ],
        base: [
          passed('t::sleeps', 310),
          passed('t::sped_up', 4000),
          passed('t::jitter', 500),
          passed('t::broke', 100),
        ],
      },
      { name: '3.13t', head: [passed('t::sleeps', 4300)], base: [passed('t::sleeps', 1200)] },
    ]);
    expect(candidates).toEqual([
      { id: 't::sleeps', variant: '3.13', against: 'base', baselineMs: 310, candidateMs: 4200 },
      { id: 't::sleeps', variant: '3.13t', against: 'base', baselineMs: 1200, candidateMs: 4300 },
    ]);
  });

  it('lists nothing where head and base ran the same code (A/A): their times differ by chance only', () => {
    const times = [120, 480, 950, 30, 2200];
    const head = times.map((ms, i) => passed(`t::${i}`, ms * 1.3));
    const base = times.map((ms, i) => passed(`t::${i}`, ms));
    expect(baseCandidates([{ name: '3.13', head, base }])).toEqual([]);
  });
});

describe('one plan for both kinds', () => {
  const build: Candidate = {
    id: 't::a',
    variant: '3.13t',
    against: 'reference',
    baselineMs: 1000,
    candidateMs: 2500,
  };
  const commit: Candidate = {
    id: 't::b',
    variant: '3.13',
    against: 'base',
    baselineMs: 300,
    candidateMs: 4200,
  };

  it('puts the most striking first, whichever kind', () => {
    expect(allCandidates([build], [commit])).toEqual([commit, build]);
  });

  it("shares the five tests: a build's candidates and a commit's count together", () => {
    const builds = Array.from({ length: 4 }, (_, i) => ({
      ...build,
      id: `t::build${i}`,
      candidateMs: 3000 + i,
    }));
    const commits = Array.from({ length: 4 }, (_, i) => ({ ...commit, id: `t::commit${i}` }));
    const { chosen, skipped } = planReruns({
      candidates: allCandidates(builds, commits),
      budgetMs: 60 * 60_000,
    });
    expect(chosen.map((c) => c.id)).toEqual([
      't::commit0',
      't::commit1',
      't::commit2',
      't::commit3',
      't::build3',
    ]);
    expect(skipped).toHaveLength(3);
  });

  it("shares the budget: a commit's reruns cost like a build's", () => {
    // (300 + 4200 + 2 x 1000) x 3 = 19.5 s; with the build's (1000 + 2500 + 2000) x 3 = 16.5 s more
    const { chosen } = planReruns({ candidates: allCandidates([build], [commit]), budgetMs: 30_000 });
    expect(chosen).toEqual([commit]);
  });
});

describe('confirmBaseCandidate', () => {
  const sleeps: Candidate = {
    id: 't::sleeps',
    variant: '3.13t',
    against: 'base',
    baselineMs: 310,
    candidateMs: 4200,
  };

  it("lists a test head made slower when most reruns agree, base's reruns beside head's", () => {
    const slow = confirmBaseCandidate({
      candidate: sleeps,
      reruns: [
        { baselineMs: 300, candidateMs: 4100 },
        { baselineMs: 320, candidateMs: 4300 },
        { baselineMs: 2900, candidateMs: 4200 }, // base had a slow moment: disagrees
      ],
    });
    expect(slow).toEqual({
      id: 't::sleeps',
      baseSeconds: 0.31,
      seconds: 4.2,
      ratio: 4200 / 310,
      reruns: { base: [0.3, 0.32, 2.9], head: [4.1, 4.3, 4.2] },
      agreed: '2/3',
    });
  });

  it("drops it when head's reruns are as quick as base's", () => {
    const reruns = [1, 2, 3].map(() => ({ baselineMs: 300, candidateMs: 350 }));
    expect(confirmBaseCandidate({ candidate: sleeps, reruns })).toBeNull();
  });
});

describe('baseSuiteForDurations', () => {
  const suite = (durationMs: number, longestMs = 1200) => ({
    durationMs,
    cases: [passed('t::quick', 10), passed('t::long', longestMs)],
  });

  it.each([
    // head's suite, measure-minutes, command timeout -> timeout of the base run, or not run
    [20_000, 10, 30 * 60_000, 10 * 60_000],
    [5 * 60_000, 10, 30 * 60_000, 10 * 60_000],
    [5 * 60_000 + 1, 10, 30 * 60_000, null],
    [20_000, 10, 2 * 60_000, 2 * 60_000],
    [5_000, 0.2, 30 * 60_000, 12_000],
  ])(
    'a %s ms suite, %s measure-minutes, timeout %s: %s',
    (durationMs, measureMinutes, commandTimeoutMs, expected) => {
      const plan = baseSuiteForDurations({ head: suite(durationMs), measureMinutes, commandTimeoutMs });
      expect(plan?.timeoutMs ?? null).toBe(expected);
    },
  );

  it('does not run where no test of head took over 0.5 s: none could be twice as long and 0.5 s longer', () => {
    const plan = baseSuiteForDurations({
      head: suite(20_000, 500),
      measureMinutes: 10,
      commandTimeoutMs: 60_000,
    });
    expect(plan).toBeNull();
  });

  it('does not run where head has no per-test records', () => {
    const head = { durationMs: 20_000, cases: [] };
    expect(baseSuiteForDurations({ head, measureMinutes: 10, commandTimeoutMs: 60_000 })).toBeNull();
  });
});

describe('planReruns', () => {
  const candidate = (id: string, ms: number): Candidate => ({
    id,
    variant: '3.13t',
    against: 'reference',
    baselineMs: ms * 4,
    candidateMs: ms,
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
  const convoy: Candidate = {
    id: 't::convoy',
    variant: '3.13+jit',
    against: 'reference',
    baselineMs: 820,
    candidateMs: 23_800,
  };

  it('lists a test whose reruns mostly agree, with every rerun', () => {
    const slow = confirmCandidate({
      candidate: convoy,
      reruns: [
        { baselineMs: 800, candidateMs: 22_000 },
        { baselineMs: 850, candidateMs: 900 }, // a quick one: disagrees
        { baselineMs: 790, candidateMs: 24_500 },
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
    const reruns = [1, 2, 3].map(() => ({ baselineMs: 800, candidateMs: 850 }));
    expect(confirmCandidate({ candidate: convoy, reruns })).toBeNull();
  });

  it('counts a rerun that did not pass, or went the other way, as disagreeing', () => {
    const reruns = [
      { baselineMs: 800, candidateMs: null },
      { baselineMs: 24_000, candidateMs: 800 },
      { baselineMs: 800, candidateMs: 24_000 },
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
