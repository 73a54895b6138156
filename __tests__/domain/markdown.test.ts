// The comment as users read it: goldens of four typical reports (UPDATE_GOLDEN=1 rewrites them),
// each also rendered by cmark-gfm, GitHub's engine; the size limit; and a whole report whose every
// string from the tested code is hostile, rendered to HTML.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailOnRule } from '../../src/domain/findings.js';
import { COMMENT_LIMIT, formatRatio, renderComment, SUMMARY_LIMIT } from '../../src/domain/markdown.js';
import { mergeReports } from '../../src/domain/merge.js';
import { deriveFindings } from '../../src/domain/merge-derive.js';
import type { Finding, RatioSummary, Report, VariantReport } from '../../src/domain/report.js';
import { commentMarker } from '../../src/domain/escape.js';
import {
  BASE,
  benchmark,
  DEFAULT_FAIL_ON,
  GENERATED_AT,
  interpreter,
  ratio,
  report,
  SEGV_EXCERPT,
  startup,
  tests,
  threadCurve,
  threadedBenchmarks,
  variant,
} from '../helpers/reports.js';

const GOLDEN = join(import.meta.dirname, '..', 'golden');
const MARKER = commentMarker('CI/variants');
const HINT =
  'the full report is in the [job summary and report.json](https://github.com/octo/lib/actions/runs/42)';

function render(r: Report, failOn: ReadonlySet<FailOnRule> = DEFAULT_FAIL_ON): string {
  return renderComment(r, { marker: MARKER, fullReportHint: HINT, failOn });
}

// ---------------------------------------------------------------- the four reports

function allClear(): Report {
  const benches = (scale: number, vs?: Parameters<typeof ratio>[1]): VariantReport['benchmarks'] => [
    benchmark('test_parse_small', 0.000184 * scale, vs ? { vsReference: ratio(scale, vs) } : {}),
    benchmark('test_parse_large', 0.0213 * scale, vs ? { vsReference: ratio(scale, vs) } : {}),
  ];
  return report({
    variants: [
      variant('3.13', {
        tests: tests({ passed: 120, skipped: 2 }),
        startup: [startup(14.1)],
        benchmarks: benches(1),
      }),
      variant('3.13t', {
        tests: tests({ passed: 120, skipped: 2 }),
        startup: [startup(19.8, { vsReference: ratio(1.404, 'regression') })],
        benchmarks: benches(1.38, 'regression'),
      }),
      variant('3.13+jit', {
        tests: tests({ passed: 120, skipped: 2 }),
        startup: [startup(14.3, { vsReference: ratio(1.014, 'unchanged') })],
        benchmarks: benches(0.96, 'inconclusive'),
      }),
    ],
    timingFindings: [
      {
        kind: 'regression',
        variant: '3.13t',
        against: 'reference',
        metric: 'startup',
        name: 'python -c pass',
        change: 1.404,
        detail: 'p = 1.0e-5, 95% interval 1.362x to 1.446x, 20 vs 20 samples',
      },
    ],
  });
}

function crashUnderFreeThreading(): Report {
  const crashed = tests({
    status: 'crashed',
    exitCode: null,
    signal: 'SIGSEGV',
    passed: 40,
    failed: 1,
    crashed: 1,
    crashes: [
      {
        test: 'tests/test_counter.py::test_counter_threads',
        signal: 'SIGSEGV',
        reproduced: '3/3',
        kind: 'signal',
        excerpt: SEGV_EXCERPT,
        file: 'tests/test_counter.py',
        line: 24,
        extensionModules: ['crashy._noglext'],
      },
    ],
    cases: [
      {
        id: 'tests/test_counter.py::test_counter_threads',
        outcome: 'crashed',
        file: 'tests/test_counter.py',
        line: 24,
      },
      {
        id: 'tests/test_strings.py::test_intern_is_shared',
        outcome: 'failed',
        message: 'AssertionError: assert False\n +  where False = is_interned("a" * 3)',
      },
    ],
  });
  return report({
    variants: [
      variant('3.13', { startup: [startup(14.2)] }),
      variant('3.13t', {
        tests: crashed,
        gil: { reenabledBy: ['crashy._noglext'] },
        startup: [startup(19.6, { vsReference: ratio(1.38, 'regression') })],
      }),
    ],
  });
}

function startupRegressionUnderJit(): Report {
  const imports = (ms: number, heaviest: number): VariantReport['startup'][number] =>
    startup(ms, {
      name: 'import crashy',
      kind: 'import',
      heaviest: [
        { module: 'crashy', cumulativeUs: heaviest },
        { module: 'crashy._tables', cumulativeUs: heaviest * 0.7 },
        { module: 'json', cumulativeUs: 2100 },
      ],
    });
  const base = (ms: number, importMs: number): NonNullable<VariantReport['base']> => ({
    sha: BASE,
    startup: [startup(ms), imports(importMs, importMs * 900)],
    benchmarks: [],
  });
  const regression: Finding = {
    kind: 'regression',
    variant: '3.13+jit',
    against: 'base',
    metric: 'startup',
    name: 'import crashy',
    change: 1.42,
    detail:
      'p = 3.1e-6, 95% interval 1.351x to 1.488x, 20 vs 20 samples, changed most: crashy._tables +9.8 ms',
  };
  return report({
    base: BASE,
    variants: [
      variant('3.13', {
        startup: [
          startup(14.2, { vsBase: ratio(1.01, 'unchanged') }),
          { ...imports(31.0, 27_900), vsBase: ratio(1.02, 'unchanged') },
        ],
        base: base(14.1, 30.4),
      }),
      variant('3.13+jit', {
        startup: [
          startup(14.6, { vsReference: ratio(1.028, 'unchanged'), vsBase: ratio(1.0, 'unchanged') }),
          {
            ...imports(44.9, 40_400),
            vsReference: ratio(1.448, 'regression'),
            vsBase: ratio(1.42, 'regression'),
          },
        ],
        base: base(14.6, 31.6),
      }),
    ],
    timingFindings: [regression],
  });
}

/** Three `mode: measure` legs: x64 and arm64 runners with 3.13 and 3.13t each, and the JIT alone. */
function mixedMatrix(): Report {
  // bench_threads[N] at 1 and 4 threads: flat with the GIL, 3.5x faster at 4 threads without it.
  const threaded = (seconds: readonly number[], vs?: readonly RatioSummary[]) =>
    threadedBenchmarks({ name: 'bench_threads', seconds, ...(vs ? { vs } : {}) });
  const curve = (seconds: readonly number[]) => threadCurve('bench_threads', seconds);
  const x64 = report({
    variants: [
      variant('3.13', {
        startup: [startup(14.1)],
        benchmarks: [benchmark('bench_dict', 0.0021), ...threaded([2.1, 2.2])],
        threadScaling: [{ name: 'bench_threads[N]', points: curve([2.1, 2.2]) }],
      }),
      variant('3.13t', {
        startup: [startup(19.9, { vsReference: ratio(1.41, 'regression') })],
        benchmarks: [
          benchmark('bench_dict', 0.0029, { vsReference: ratio(1.38, 'regression') }),
          ...threaded([2.9, 0.82], [ratio(1.38, 'regression'), ratio(0.37, 'improvement')]),
        ],
        threadScaling: [
          {
            name: 'bench_threads[N]',
            points: curve([2.9, 0.82]),
            best: { threads: 4, referenceThreads: 1, vsReference: ratio(0.39, 'improvement') },
          },
        ],
      }),
    ],
  });
  const arm64 = report({
    variants: [
      variant('3.13', { startup: [startup(17.0)], benchmarks: [benchmark('bench_dict', 0.0025)] }),
      variant('3.13t', {
        tests: tests({
          status: 'failed',
          exitCode: 1,
          passed: 41,
          failed: 1,
          cases: [
            ...Array.from({ length: 41 }, (_, i) => ({
              id: `tests/test_ok.py::test_${i}`,
              outcome: 'passed' as const,
            })),
            { id: 'tests/test_atomics.py::test_relaxed_order', outcome: 'failed', message: 'assert 3 == 4' },
          ],
        }),
        startup: [startup(23.5, { vsReference: ratio(1.38, 'regression') })],
        benchmarks: [benchmark('bench_dict', 0.0036, { vsReference: ratio(1.44, 'regression') })],
        // Decided within its own report: against the arm64 3.13, which the line must name.
        threadScaling: [
          {
            name: 'bench_threads[N]',
            points: curve([3.3, 2.4]),
            best: { threads: 4, referenceThreads: 1, vsReference: ratio(0.95, 'inconclusive') },
          },
        ],
      }),
    ],
  });
  const jit = report({
    variants: [
      variant('3.13+jit', {
        startup: [startup(14.4)],
        benchmarks: [benchmark('bench_dict', 0.002)],
      }),
    ],
  });
  // Each leg as the action writes it: its timing findings follow from its comparisons' verdicts
  // (mode report makes them again and says so where a file's do not).
  const asWritten = (r: Report): Report => ({
    ...r,
    findings: deriveFindings({ variants: r.variants, written: r.findings, label: '' }).findings,
  });
  return mergeReports({
    reports: [
      { label: 'variants-ubuntu-x64', report: asWritten(x64) },
      { label: 'variants-ubuntu-arm64', report: asWritten(arm64) },
      { label: 'variants-jit', report: asWritten(jit) },
    ],
    failOn: DEFAULT_FAIL_ON,
    generatedAt: GENERATED_AT,
    threshold: 0.1,
  });
}

/**
 * A pull request on a suite too slow for its budget: no regression found, but most comparisons
 * with the base commit had too few runs to be decided, and the headline must say so, not "all clear".
 */
function undecidedOnBase(): Report {
  const names = Array.from({ length: 6 }, (_, i) => `test_parse_${i}`);
  const onBase = (i: number): RatioSummary =>
    i < 2 ? ratio(1.01, 'unchanged') : { ...ratio(1.04, 'inconclusive'), undecided: 'too-few-runs' };
  const built = report({
    base: BASE,
    variants: [
      variant('3.13', {
        tests: tests({ passed: 120 }),
        startup: [startup(14.1, { vsBase: ratio(1.0, 'unchanged') })],
        benchmarks: names.map((n, i) => benchmark(n, 0.0002, { vsBase: onBase(i) })),
        base: { sha: BASE, startup: [startup(14.1)], benchmarks: names.map((n) => benchmark(n, 0.0002)) },
      }),
    ],
  });
  return {
    ...built,
    statistics: {
      method: 'holm',
      alpha: 0.05,
      family: 7,
      groups: [
        { against: 'base', metric: 'startup', compared: 1, undecided: 0, tooFewRuns: 0 },
        { against: 'base', metric: 'throughput', compared: 6, undecided: 4, tooFewRuns: 4 },
      ],
    },
    notes: [
      {
        kind: 'underpowered',
        message:
          'benchmarks: 6 run(s) per subject where 13 are needed to detect a change of twice the threshold at the corrected significance; only 6 fit in measure-minutes',
      },
    ],
  };
}

const SCENARIOS: readonly [string, () => Report][] = [
  ['all-clear', allClear],
  ['undecided-on-base', undecidedOnBase],
  ['crash-3.13t', crashUnderFreeThreading],
  ['startup-regression-jit', startupRegressionUnderJit],
  ['mixed-matrix', mixedMatrix],
];

// ---------------------------------------------------------------- cmark-gfm

const CMARK = ['cmark-gfm', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '--unsafe'] as const;
const HAVE_CMARK = spawnSync(CMARK[0], ['--version']).status === 0;
const NEEDS_CMARK = HAVE_CMARK ? '' : ' [SKIPPED: cmark-gfm is not installed; apt-get install cmark-gfm]';

function html(markdown: string): string {
  const result = spawnSync(CMARK[0], CMARK.slice(1), {
    input: markdown,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(`cmark-gfm failed: ${result.stderr}`);
  return result.stdout;
}

/** Cells of a raw table row as cmark-gfm splits them: on every `|` without a backslash before it. */
function rawCells(line: string): number {
  return line.split(/(?<!\\)\|/).length - 2;
}

/** Every table in the raw markdown: each row has as many cells as its header. */
function expectWellFormedTables(markdown: string): number {
  let tables = 0;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (!line.startsWith('|') || !/^\|[\s:-]+(\|[\s:-]+)*\|$/.test(lines[i + 1] ?? '')) continue;
    tables += 1;
    const width = rawCells(line);
    for (let j = i + 1; j < lines.length && (lines[j] ?? '').startsWith('|'); j += 1) {
      expect(rawCells(lines[j] ?? ''), `row ${j} of the table at line ${i}: ${lines[j]}`).toBe(width);
    }
  }
  return tables;
}

function tagCounts(rendered: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, tag] of rendered.matchAll(/<(\/?[A-Za-z][\w-]*)/g))
    counts.set(tag ?? '', (counts.get(tag ?? '') ?? 0) + 1);
  return counts;
}

// ---------------------------------------------------------------- tests

describe('the comment, golden', () => {
  it.each(SCENARIOS)('%s', (name, build) => {
    const markdown = render(build());
    const file = join(GOLDEN, `${name}.md`);
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) writeFileSync(file, markdown);
    expect(markdown).toBe(readFileSync(file, 'utf8'));
  });

  it.skipIf(!HAVE_CMARK).each(SCENARIOS)(
    `%s renders: tables whole, details closed, one chart${NEEDS_CMARK}`,
    (_, build) => {
      const markdown = render(build());
      expect(expectWellFormedTables(markdown)).toBeGreaterThan(0);
      const out = html(markdown);
      const counts = tagCounts(out);
      expect(counts.get('details')).toBe(counts.get('/details'));
      expect(counts.get('summary')).toBe(counts.get('/summary'));
      expect(out).not.toMatch(/<a href="(?!https:\/\/github\.com\/octo\/lib\/actions\/runs\/42")/);
      expect(
        out.match(/<pre lang="mermaid">|<code class="language-mermaid">/g)?.length ?? 0,
      ).toBeLessThanOrEqual(1);
    },
  );

  it('answers in its first lines: the verdict, why, and a row per variant', () => {
    const lines = render(crashUnderFreeThreading()).split('\n');
    expect(lines[0]).toBe(MARKER);
    expect(lines[1]).toBe('## ❌ CPython variants: the check failed');
    const why = lines.indexOf('**Why the check failed:**');
    expect(why).toBeGreaterThan(0);
    expect(lines[why + 2]).toBe('- fail-on `new-crash`: 1 finding');
    expect(lines[why + 3]).toBe(
      '  - 💥 `tests/test_counter.py::test_counter_threads` crashed under `3.13t` (SIGSEGV, reproduced 3/3)',
    );
    const row = lines.find((l) => l.startsWith('| ❌ `3.13t`'));
    expect(row).toContain('40 passed, 1 failed, 💥 1 crashed; 2 pass under `3.13`');
    expect(row).toContain('⚠️ on, by `crashy._noglext`');
  });

  it('names the leg of each variant when a name is in two reports', () => {
    const markdown = render(mixedMatrix());
    expect(markdown).toContain('`3.13 (variants-ubuntu-x64)`');
    expect(markdown).toContain('`3.13t (variants-ubuntu-arm64)`');
    expect(markdown).toContain('`3.13+jit`');
  });
});

describe('ratios read one way', () => {
  it.each([
    [1.42, '1.42x slower'],
    [1.0, 'same'],
    [1.004, 'same'],
    [0.8, '1.25x faster'],
    [0.5, '2.00x faster'],
  ])('%d is %s', (value, text) => {
    expect(formatRatio(value)).toBe(text);
  });
});

describe('the size limit', () => {
  function huge(): Report {
    const crashes = Array.from({ length: 400 }, (_, i) => ({
      test: `tests/test_many.py::test_case_${i}`,
      signal: 'SIGSEGV',
      reproduced: '3/3',
      kind: 'signal' as const,
      excerpt: `${SEGV_EXCERPT}\n${'  File "/work/x.py", line 1 in f\n'.repeat(60)}`,
    }));
    const cases = Array.from({ length: 3000 }, (_, i) => ({
      id: `tests/test_fail.py::test_failure_number_${i}[${'param-'.repeat(10)}]`,
      outcome: 'failed' as const,
      message: `AssertionError: ${'x'.repeat(150)}`,
    }));
    return report({
      variants: [
        variant('3.13'),
        variant('3.13t', {
          tests: tests({ status: 'crashed', passed: 1, failed: 3000, crashed: 400, crashes, cases }),
          benchmarks: Array.from({ length: 500 }, (_, i) => benchmark(`bench_${i}`, 0.001)),
        }),
      ],
    });
  }

  it(`cuts details first, keeps the answer, says where the rest is, and stays within ${COMMENT_LIMIT}`, () => {
    const markdown = render(huge());
    expect(markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(markdown).toContain('**Why the check failed:**');
    expect(markdown).toMatch(/^\| ❌ `3\.13t` /m);
    expect(markdown).toContain(`> ✂️ Some details were cut to fit; ${HINT}.`);
    expect(markdown).toMatch(/_…and \d+ more in the full report\._/);
    // The crashes come first and fill what is left: the benchmarks, last in line, get at most the
    // crumbs (how many depends on the head's length, so only their cut is certain).
    expect(markdown).toContain('💥 Crashes (400)');
    expect(markdown).not.toContain('`bench_499`');
    expect(markdown.trimEnd().endsWith('</sub>')).toBe(true);
    expect(expectWellFormedTables(markdown)).toBeGreaterThan(0);
  });

  it('keeps every detail in the job summary, whose limit is larger', () => {
    const markdown = renderComment(huge(), { fullReportHint: 'report.json', limit: SUMMARY_LIMIT });
    expect(markdown.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(markdown.length).toBeGreaterThan(COMMENT_LIMIT);
  });

  it.skipIf(!HAVE_CMARK)(`a cut comment is still well-formed${NEEDS_CMARK}`, () => {
    const counts = tagCounts(html(render(huge())));
    expect(counts.get('details')).toBe(counts.get('/details'));
    expect(counts.get('pre')).toBe(counts.get('/pre'));
  });
});

// ---------------------------------------------------------------- hostile strings

/** mulberry32, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</summary></details><details open>',
  '</td></tr><tr><td>',
  '<!--',
  '-->',
  '<br>',
  '|',
  '\\|',
  '\n',
  '\n\n',
  '\r\n',
  '`',
  '```',
  '~~~',
  '**',
  '_',
  '@octocat',
  '@org/team',
  '#123',
  'GH-7',
  'owner/repo#5',
  'https://evil.example/x',
  'www.example.com',
  '[x](http://e)',
  '![i](http://e)',
  '<http://e.com>',
  'a@b.com',
  '&amp;',
  '&#60;b&#62;',
  '\u0000',
  '\u202E',
  '\uD800',
  '- ',
  '# ',
  '> ',
  '1. ',
  '    code',
  '---',
  '$x$',
  ':tada:',
  '%%',
  '"',
  ']',
  ';',
  'test_x',
  '[param-1]',
  '🐍',
];

function hostile(next: () => number): string {
  let text = '';
  const parts = 1 + Math.floor(next() * 6);
  for (let i = 0; i < parts; i += 1)
    text += (next() < 0.3 ? ' ' : '') + (PIECES[Math.floor(next() * PIECES.length)] ?? '');
  return text.trim() === '' ? `x${text}` : text;
}

/**
 * A report with every string that can come from the tested code or a report file given by
 * `name(kind)`; the same shape, whatever the names.
 */
function reportWith(name: (kind: string) => string): Report {
  const testIds = [name('test-1'), name('test-2'), name('test-3')];
  const variants = [name('variant-a'), name('variant-b')];
  const made = (v: string, i: number): VariantReport =>
    variant(v, {
      interpreter: interpreter(v, { freeThreaded: i === 1, version: name('version') }),
      leg: name(`leg-${i}`),
      tests: tests({
        status: 'crashed',
        passed: 3,
        failed: 2,
        crashed: 1,
        crashes: [
          {
            test: testIds[0] ?? '',
            signal: 'SIGSEGV',
            reproduced: '2/3',
            kind: 'signal',
            excerpt: `${name('excerpt')}\n${name('excerpt-2')}`,
            extensionModules: [name('module-1')],
          },
        ],
        cases: [
          { id: testIds[1] ?? '', outcome: 'failed', message: name('message-1') },
          { id: testIds[2] ?? '', outcome: 'error', message: name('message-2') },
        ],
      }),
      gil: { reenabledBy: i === 1 ? [name('module-1'), name('module-2')] : [] },
      startup: [
        startup(14 + i, i === 1 ? { vsReference: ratio(1.3, 'regression') } : {}),
        startup(30 + i, {
          kind: 'import',
          name: name('import'),
          heaviest: [
            { module: name('module-1'), cumulativeUs: 20_000 },
            { module: name('module-3'), cumulativeUs: 9_000 },
          ],
        }),
        startup(40, { kind: 'command', name: name('command'), error: name('import-error') }),
      ],
      benchmarks: [
        benchmark(name('bench-1'), 0.002),
        benchmark(name('bench-2'), 0.5, { error: name('bench-error') }),
      ],
      threadScaling: [
        {
          name: name('scaling'),
          points: [
            { threads: 1, seconds: 2, benchmark: name('bench-1') },
            { threads: 4, seconds: 0.6, benchmark: name('bench-2') },
          ],
          best: { threads: 4, referenceThreads: 1, vsReference: ratio(0.3, 'improvement') },
        },
      ],
      ...(i === 1
        ? {
            slowTests: [
              {
                id: testIds[0] ?? '',
                referenceSeconds: 0.8,
                seconds: 2.4,
                ratio: 3,
                reruns: { reference: [0.8, 0.9, 0.8], variant: [2.4, null, 2.5] },
                agreed: '2/3',
              },
            ],
          }
        : {
            slowTestsVsBase: [
              {
                id: testIds[1] ?? '',
                baseSeconds: 0.3,
                seconds: 4.2,
                ratio: 14,
                reruns: { base: [0.3, 0.3, 0.3], head: [4.1, 4.2, 4.3] },
                agreed: '3/3',
              },
            ],
          }),
    });
  const built = report({
    variants: variants.map(made),
    reference: variants[0],
    errors: [name('error')],
    timingFindings: [
      {
        kind: 'regression',
        variant: variants[1] ?? '',
        against: 'base',
        metric: 'throughput',
        name: name('bench-1'),
        change: 1.3,
        detail: name('detail'),
      },
      {
        kind: 'missing-benchmark',
        variant: variants[0] ?? '',
        against: null,
        metric: 'throughput',
        name: name('bench-2'),
        change: null,
        detail: name('detail'),
      },
    ],
  });
  return {
    ...built,
    notes: [{ kind: 'merge', message: name('note') }],
    legs: [0, 1].map((i) => ({
      label: name(`leg-${i}`),
      reference: variants[0] ?? '',
      variants: [variants[i] ?? ''],
      generatedAt: name('generated'),
      commit: { head: name('sha'), base: null },
      verdict: 'fail' as const,
    })),
  };
}

/** Text a reader sees, where GitHub would look for mentions and references. */
function visibleText(rendered: string): string {
  return rendered
    .replace(/<pre[\s\S]*?<\/pre>/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe(`a whole report of hostile names, rendered by cmark-gfm${NEEDS_CMARK}`, () => {
  it.skipIf(!HAVE_CMARK)('has exactly the markup of the same report with plain names, no more', () => {
    const next = prng(0xc0ffee);
    for (let round = 0; round < 40; round += 1) {
      const given = new Map<string, string>();
      const hostileReport = reportWith((kind) => {
        let value = given.get(kind);
        // Two kinds with one name would make a report of another shape than the plain one.
        while (value === undefined || [...given.entries()].some(([k, v]) => v === value && k !== kind))
          value = hostile(next);
        given.set(kind, value);
        return value;
      });
      const plainReport = reportWith((kind) => `plain-${kind}`);
      const options = {
        marker: MARKER,
        fullReportHint: 'full report: report.json',
        failOn: DEFAULT_FAIL_ON,
        limit: SUMMARY_LIMIT,
      };
      const hostileMarkdown = renderComment(hostileReport, options);
      const plainMarkdown = renderComment(plainReport, options);
      const context = `round ${round}: ${JSON.stringify(Object.fromEntries(given))}`;
      expect(hostileMarkdown, context).not.toContain('Some details were cut');

      expectWellFormedTables(hostileMarkdown);
      const hostileHtml = html(hostileMarkdown);
      const plainHtml = html(plainMarkdown);
      // Same elements, same number of each: nothing a name wrote became markup.
      expect(tagCounts(hostileHtml), context).toEqual(tagCounts(plainHtml));
      expect(hostileHtml, context).not.toMatch(/<a[\s>]|<img|<script/);
      // Same table shapes: cells per row, rows per table.
      const shape = (h: string): number[][] =>
        [...h.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
          [...(t[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(
            (r) => (r[1] ?? '').match(/<t[dh][\s>]/g)?.length ?? 0,
          ),
        );
      expect(shape(hostileHtml), context).toEqual(shape(plainHtml));
      const text = visibleText(hostileHtml);
      expect(text, context).not.toMatch(/@[A-Za-z0-9_-]/);
      expect(text, context).not.toMatch(/#\d|gh-\d|:\/\/|www\./i);
    }
  });
});
