// GIL re-enabling, head against base: "this PR makes `pkg._ext` re-enable the GIL" is what a
// reviewer needs to hear; "GIL on, by `pkg._ext`" alone does not say whether the PR did it.
import { codeSpan } from '../escape.js';
import type { Finding, Report } from '../report.js';
import { changeNoun } from './baseline.js';

const SHOWN = 3;

function module(f: Finding): string {
  return codeSpan(f.name ?? 'a module', { where: 'prose', maxLength: 120 });
}

function variant(f: Finding): string {
  return codeSpan(f.variant, { where: 'prose', maxLength: 60 });
}

/** A GIL finding against base as a phrase, or null for any other finding. */
export function describeGilChange(f: Finding): string | null {
  if (f.metric !== 'gil') return null;
  if (f.kind === 'new-gil-reenabled') {
    return `this change makes ${module(f)} re-enable the GIL under ${variant(f)} (it does not on the base commit)`;
  }
  if (f.kind === 'improvement') {
    return `${module(f)} no longer re-enables the GIL under ${variant(f)} (it did on the base commit)`;
  }
  return null;
}

/** Lines under the summary table: each module this change makes re-enable the GIL, or frees of it. */
export function gilChangeLines(report: Report): string[] {
  const noun = changeNoun(report);
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const lines = report.findings
    .filter((f) => f.metric === 'gil' && (f.kind === 'new-gil-reenabled' || f.kind === 'improvement'))
    .map((f) =>
      f.kind === 'new-gil-reenabled'
        ? `🔒 ${Noun} makes ${module(f)} re-enable the GIL under ${variant(f)}: it did not on the base commit.`
        : `🔓 ${Noun} makes ${module(f)} run without the GIL under ${variant(f)}: it re-enabled it on the base commit.`,
    );
  if (lines.length <= SHOWN) return lines;
  return [...lines.slice(0, SHOWN), `🔒 …and ${lines.length - SHOWN} more GIL changes in the report.`];
}
