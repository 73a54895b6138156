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

function item(options: { test: SlowTest; variant: string; against: string }): string {
  const { test } = options;
  const reruns = rerunsText({
    agreed: test.agreed,
    baseline: test.reruns.reference,
    candidate: test.reruns.variant,
  });
  return (
    `- ${testName(test.id)}: ` +
    `${secondsText(test.referenceSeconds)} under ${options.against}, ${secondsText(test.seconds)} under ${options.variant} ` +
    `(${changeText(test.ratio)}; ${reruns})`
  );
}

export function slowTestsSection(report: Report): Section | null {
  const items = report.variants.flatMap((v) =>
    (v.slowTests ?? []).map((test) =>
      item({
        test,
        variant: variantName(v.name),
        against: variantName(v.adoption?.against || report.reference),
      }),
    ),
  );
  if (items.length === 0) return null;
  return {
    summary: `🐢 Test durations that differ between builds (${items.length})`,
    count: items.length,
    body: (k) =>
      `Tests that took at least twice as long (or half as long) under a build as under the reference, and at least 0.5 s apart, in the normal runs; each rerun alone under both, side by side, and listed where most reruns agree. For information: they never fail the check.\n\n${items.slice(0, k).join('\n')}`,
  };
}

function baseItem(options: { test: SlowTestVsBase; variant: string; noun: string }): string {
  const { test } = options;
  const reruns = rerunsText({ agreed: test.agreed, baseline: test.reruns.base, candidate: test.reruns.head });
  return (
    `- ${testName(test.id)}: ` +
    `${secondsText(test.baseSeconds)} on base, ${secondsText(test.seconds)} on ${options.noun} under ${options.variant} ` +
    `(${changeText(test.ratio)}; ${reruns})`
  );
}

/** Head against the base commit, under the same build: listed apart from the builds' differences. */
export function slowerThanBaseSection(report: Report): Section | null {
  const noun = changeNoun(report);
  const items = report.variants.flatMap((v) =>
    (v.slowTestsVsBase ?? []).map((test) => baseItem({ test, variant: variantName(v.name), noun })),
  );
  if (items.length === 0) return null;
  return {
    summary: `🐢 Tests ${noun} makes slower (${items.length})`,
    count: items.length,
    body: (k) =>
      `Tests that took at least twice as long on ${noun} as on the base commit under the same build, and at least 0.5 s longer, in the normal runs; each rerun alone on both, side by side, and listed where most reruns agree. For information: they never fail the check.\n\n${items.slice(0, k).join('\n')}`,
  };
}
