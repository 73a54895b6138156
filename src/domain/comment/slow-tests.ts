// The tests whose duration a build changes a lot, confirmed by lone reruns (slow-tests.ts):
// informational, so collapsed, and never a reason the check fails.
import { codeSpan } from '../escape.js';
import type { Report, SlowTest } from '../report.js';
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

function item(options: { test: SlowTest; variant: string; against: string }): string {
  const { test } = options;
  const [agreed, runs] = test.agreed.split('/');
  return (
    `- ${codeSpan(test.id, { where: 'prose', maxLength: 200 })}: ` +
    `${secondsText(test.referenceSeconds)} under ${options.against}, ${secondsText(test.seconds)} under ${options.variant} ` +
    `(${changeText(test.ratio)}; ${agreed} of ${runs} reruns agree: ${timesText(test.reruns.reference)} vs ${timesText(test.reruns.variant)})`
  );
}

export function slowTestsSection(report: Report): Section | null {
  const items = report.variants.flatMap((v) =>
    (v.slowTests ?? []).map((test) =>
      item({
        test,
        variant: codeSpan(v.name, { where: 'prose', maxLength: 60 }),
        against: codeSpan(v.adoption?.against || report.reference, { where: 'prose', maxLength: 60 }),
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
