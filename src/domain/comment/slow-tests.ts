// The tests whose duration a build changes a lot, and those this change makes much slower than
// its base commit, confirmed by lone reruns (slow-tests.ts): informational, so collapsed, and
// never a reason the check fails.
import { codeSpan } from '../escape.js';
import type { Report, SlowTest, SlowTestVsBase } from '../report.js';
import { changeNoun } from './baseline.js';
import type { Section } from './format.js';

/** Two significant figures below 10 s (`0.82 s`), one decimal above (`23.8 s`). */
function secondsText(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toPrecision(2)} s`;
}

function timesText(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null ? 'did not pass' : secondsText(v))).join(', ');
}

function changeText(ratio: number): string {
  return ratio >= 1 ? `${ratio.toPrecision(2)}x slower` : `${(1 / ratio).toPrecision(2)}x faster`;
}

function rerunsText(options: {
  agreed: string;
  baseline: readonly (number | null)[];
  candidate: readonly (number | null)[];
}): string {
  const [agreed, runs] = options.agreed.split('/');
  return `${agreed} of ${runs} reruns agree: ${timesText(options.baseline)} vs ${timesText(options.candidate)}`;
}

const testName = (id: string): string => codeSpan(id, { where: 'prose', maxLength: 200 });
const variantName = (name: string): string => codeSpan(name, { where: 'prose', maxLength: 60 });

/** One test's figures under one build, without the test's name. */
interface Line {
  readonly id: string;
  readonly text: string;
}

/**
 * One list item per test: its one line, or, where several builds changed it, its name once and a
 * line per build beneath (a test 3x slower under 3.13t and 3.13+jit is one test to look at).
 */
function items(lines: readonly Line[]): string[] {
  const byTest = new Map<string, string[]>();
  for (const line of lines) {
    const texts = byTest.get(line.id);
    if (texts) texts.push(line.text);
    else byTest.set(line.id, [line.text]);
  }
  return [...byTest].map(([id, texts]) =>
    texts.length === 1
      ? `- ${testName(id)}: ${texts[0]}`
      : `- ${testName(id)}, under ${texts.length} builds:\n${texts.map((t) => `  - ${t}`).join('\n')}`,
  );
}

function line(options: { test: SlowTest; variant: string; against: string }): Line {
  const { test } = options;
  const reruns = rerunsText({
    agreed: test.agreed,
    baseline: test.reruns.reference,
    candidate: test.reruns.variant,
  });
  return {
    id: test.id,
    text:
      `${secondsText(test.referenceSeconds)} under ${options.against}, ${secondsText(test.seconds)} under ${options.variant} ` +
      `(${changeText(test.ratio)}; ${reruns})`,
  };
}

export function slowTestsSection(report: Report): Section | null {
  const lines = report.variants.flatMap((v) =>
    (v.slowTests ?? []).map((test) =>
      line({
        test,
        variant: variantName(v.name),
        against: variantName(v.adoption?.against || report.reference),
      }),
    ),
  );
  const list = items(lines);
  if (list.length === 0) return null;
  return {
    summary: `🐢 Test durations that differ between builds (${list.length})`,
    count: list.length,
    body: (k) =>
      `Tests that took at least twice as long (or half as long) under a build as under the reference, and at least 0.5 s apart, in the normal runs; each rerun alone under both, side by side, and listed where most reruns agree. For information: they never fail the check.\n\n${list.slice(0, k).join('\n')}`,
  };
}

function baseLine(options: { test: SlowTestVsBase; variant: string; noun: string }): Line {
  const { test } = options;
  const reruns = rerunsText({ agreed: test.agreed, baseline: test.reruns.base, candidate: test.reruns.head });
  return {
    id: test.id,
    text:
      `${secondsText(test.baseSeconds)} on base, ${secondsText(test.seconds)} on ${options.noun} under ${options.variant} ` +
      `(${changeText(test.ratio)}; ${reruns})`,
  };
}

/** Head against the base commit, under the same build: listed apart from the builds' differences. */
export function slowerThanBaseSection(report: Report): Section | null {
  const noun = changeNoun(report);
  const list = items(
    report.variants.flatMap((v) =>
      (v.slowTestsVsBase ?? []).map((test) => baseLine({ test, variant: variantName(v.name), noun })),
    ),
  );
  if (list.length === 0) return null;
  return {
    summary: `🐢 Tests ${noun} makes slower (${list.length})`,
    count: list.length,
    body: (k) =>
      `Tests that took at least twice as long on ${noun} as on the base commit under the same build, and at least 0.5 s longer, in the normal runs; each rerun alone on both, side by side, and listed where most reruns agree. For information: they never fail the check.\n\n${list.slice(0, k).join('\n')}`,
  };
}
