// The adoption lines as users read them, first under the headline: goldens of the four kinds of
// answer (UPDATE_GOLDEN=1 rewrites them) and the exact line of each.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commentMarker } from '../../../src/domain/escape.js';
import { renderComment } from '../../../src/domain/markdown.js';
import type { RatioSummary, Report, VariantReport } from '../../../src/domain/report.js';
import {
  benchmark,
  DEFAULT_FAIL_ON,
  ratio,
  report,
  SEGV_EXCERPT,
  startup,
  tests,
  threadCurve,
  threadedBenchmarks,
  variant,
} from '../../helpers/reports.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'golden');
const MARKER = commentMarker('CI/variants');
const HINT = 'the full report is in the job summary and report.json';

/** A ratio with its own interval, for suites whose benchmarks moved a little, all alike. */
function tight(value: number, verdict: RatioSummary['verdict']): RatioSummary {
  return { ...ratio(value, verdict), low: value * 0.99, high: value * 1.01 };
}

function benches(scale: number, vs?: (name: string) => RatioSummary): VariantReport['benchmarks'] {
  return ['test_parse_small', 'test_parse_large', 'test_render'].map((name, i) =>
    benchmark(name, 0.001 * (i + 1) * scale, vs ? { vsReference: vs(name) } : {}),
  );
}

/** The JIT a little faster, nothing broken: a small gain. */
function faster(): Report {
  return report({
    variants: [
      variant('3.13', { startup: [startup(14.1)], benchmarks: benches(1) }),
      variant('3.13+jit', {
        startup: [startup(14.3, { vsReference: ratio(1.014, 'unchanged') })],
        benchmarks: benches(0.917, () => tight(0.917, 'unchanged')),
      }),
    ],
  });
}

/** 3.13t slower single-threaded, slower to start, and threads do not make up for it. */
function slowerNoThreadGain(): Report {
  const threaded = (seconds: readonly number[], vs?: readonly RatioSummary[]) =>
    threadedBenchmarks({ name: 'test_parallel', seconds, ...(vs ? { vs } : {}) });
  const curve = (seconds: readonly number[]) => threadCurve('test_parallel', seconds);
  return report({
    variants: [
      variant('3.13', {
        startup: [startup(14.1)],
        benchmarks: [...benches(1), ...threaded([0.0081, 0.0083])],
        threadScaling: [{ name: 'test_parallel[N]', points: curve([0.0081, 0.0083]) }],
      }),
      variant('3.13t', {
        startup: [startup(17.5, { vsReference: ratio(1.24, 'regression') })],
        benchmarks: [
          ...benches(1.27, () => tight(1.27, 'regression')),
          ...threaded([0.0103, 0.0091], [tight(1.27, 'regression'), tight(1.1, 'regression')]),
        ],
        threadScaling: [
          {
            name: 'test_parallel[N]',
            points: curve([0.0103, 0.0091]),
            best: { threads: 4, referenceThreads: 1, vsReference: ratio(1.12, 'regression') },
          },
        ],
      }),
    ],
  });
}

/** Faster, but a test segfaults under it: not ready, whatever the speed. */
function crashes(): Report {
  return report({
    variants: [
      variant('3.13', { startup: [startup(14.1)], benchmarks: benches(1) }),
      variant('3.13+jit', {
        tests: tests({
          status: 'crashed',
          exitCode: null,
          signal: 'SIGSEGV',
          passed: 41,
          crashed: 1,
          crashes: [
            {
              test: 'tests/test_codec.py::test_roundtrip',
              signal: 'SIGSEGV',
              reproduced: '3/3',
              kind: 'signal',
              excerpt: SEGV_EXCERPT,
            },
          ],
          cases: [{ id: 'tests/test_codec.py::test_roundtrip', outcome: 'crashed' }],
        }),
        startup: [startup(14.3, { vsReference: ratio(1.014, 'unchanged') })],
        benchmarks: benches(0.8, () => tight(0.8, 'improvement')),
      }),
    ],
  });
}

/** No benchmarks and a startup too noisy to call: nothing to decide from, and the line says what to add. */
function tooThin(): Report {
  return report({
    variants: [
      variant('3.13', { startup: [startup(14.1)] }),
      variant('3.13t', { startup: [startup(15.9, { vsReference: ratio(1.13, 'inconclusive') })] }),
      variant('3.13+jit', {
        startup: [startup(14.3, { vsReference: ratio(1.014, 'unchanged') })],
        benchmarks: benches(0.95, (name) =>
          tight(0.95, name === 'test_render' ? 'inconclusive' : 'unchanged'),
        ),
      }),
    ],
  });
}

const SCENARIOS: readonly [string, () => Report, readonly string[]][] = [
  [
    'adoption-faster',
    faster,
    ['- `3.13+jit`: **small gain**: 1.09x faster throughput, startup ≈ unchanged; no crashes.'],
  ],
  [
    'adoption-slower-no-thread-gain',
    slowerNoThreadGain,
    [
      '- `3.13t`: **not worth it yet for this code**: single-threaded 1.27x slower, startup 1.24x slower, no gain from threads (best 1.12x slower at 4 threads); no crashes; the GIL stays off.',
    ],
  ],
  [
    'adoption-crash',
    crashes,
    [
      '- `3.13+jit`: **not ready for this code**: 1.25x faster throughput, startup ≈ unchanged; 1 test crashes.',
    ],
  ],
  [
    'adoption-too-thin',
    tooThin,
    [
      '- `3.13t`: **cannot tell yet**, missing throughput (no benchmark was compared with the reference), a decided startup and thread scaling (no benchmark takes a thread count): startup 1.13x slower?; no crashes; the GIL stays off.',
      '- `3.13+jit`: **cannot tell yet**, missing a decided throughput (1 of 3 benchmarks undecided: more runs or a larger measure-minutes): 1.05x faster? throughput, startup ≈ unchanged; no crashes.',
    ],
  ],
];

function render(r: Report): string {
  return renderComment(r, { marker: MARKER, fullReportHint: HINT, failOn: DEFAULT_FAIL_ON });
}

describe('the adoption lines', () => {
  it.each(SCENARIOS)('%s: golden', (name, build) => {
    const markdown = render(build());
    const file = join(GOLDEN, `${name}.md`);
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) writeFileSync(file, markdown);
    expect(markdown).toBe(readFileSync(file, 'utf8'));
  });

  it.each(SCENARIOS)('%s: the lines come first under the headline', (_, build, lines) => {
    const rendered = render(build()).split('\n');
    expect(rendered[0]).toBe(MARKER);
    expect(rendered[1]).toMatch(/^## /);
    expect(rendered[2]).toBe('');
    expect(rendered.slice(3, 3 + lines.length)).toEqual(lines);
    expect(rendered[3 + lines.length]).toBe('');
  });

  it('escapes what came from a report file: variant and module names', () => {
    const hostile = report({
      variants: [variant('3.13'), variant('3.13t', { gil: { reenabledBy: ['evil`<b>@octocat</b>'] } })],
    });
    const line = render(hostile).split('\n')[3]!;
    expect(line).toContain('**not worth it yet for this code**');
    // A code span no content can close: the markup inside it shows as text.
    expect(line).toContain('the GIL comes back on (by ``evil`<b>@octocat</b>``).');
  });
});
