// The comment and the job summary. The first lines answer the question (did the check pass, and
// why not; one row per variant), collapsed details follow, and when GitHub's limit is near the
// details are cut, last first, with a note saying where the full report is. Everything that
// came from the tested code or from a report file goes through escape.ts: in mode `report` even
// variant names come from files that a fork PR's workflow wrote.
//
// This module puts the comment together and fits it in the limit; each part lives in comment/.
import { adoptionLines } from './comment/adoption.js';
import { benchmarkSection } from './comment/benchmarks.js';
import { crashSection } from './comment/crashes.js';
import { failureSection } from './comment/failures.js';
import { section, type Section } from './comment/format.js';
import { gilChangeLines } from './comment/gil-change.js';
import { gilSection } from './comment/gil.js';
import { undecidedFix, undecidedGated, undecidedText } from './comment/decisions.js';
import { headline, legend, metaLine, whyLines } from './comment/head.js';
import { importsSection } from './comment/imports.js';
import { installSection } from './comment/install.js';
import { legsSection } from './comment/legs.js';
import { shapeOf } from './comment/shape.js';
import { slowerThanBaseSection, slowTestsSection } from './comment/slow-tests.js';
import { startupSection } from './comment/startup.js';
import { summaryTable } from './comment/summary-table.js';
import { scalingLines, scalingSection } from './comment/thread-scaling.js';
import { threadStressLines, threadStressSection } from './comment/thread-stress.js';
import { timingFindingsSection } from './comment/timing-findings.js';
import { escapeInline } from './escape.js';
import type { FailOnRule } from './findings.js';
import type { Report } from './report.js';

export { describeFinding } from './comment/finding.js';
export { formatRatio } from './comment/format.js';
export { summaryTable };

/** GitHub refuses a comment over 65,536 characters; the rest is headroom for the marker and edits. */
export const COMMENT_LIMIT = 60_000;
/** The job summary takes 1 MiB per step; a character can take 3 bytes (ZWSP, CJK). */
export const SUMMARY_LIMIT = 300_000;

export interface RenderOptions {
  /** The hidden marker that finds the comment again; absent in the job summary. */
  readonly marker?: string;
  /** Markdown (ours, not escaped) saying where the full report is, e.g. a link to the run. */
  readonly fullReportHint: string;
  /** The rules that decided the verdict, so the comment can name the findings that failed it. */
  readonly failOn?: ReadonlySet<FailOnRule>;
  readonly limit?: number;
}

const SHOWN_ERRORS = 10;

/** Most important first: when the comment must be cut, the last sections go first. */
function sections(report: Report): Section[] {
  const shape = shapeOf(report);
  return [
    crashSection(report),
    failureSection(report, shape),
    gilSection(report),
    threadStressSection(report),
    installSection(report),
    timingFindingsSection(report),
    slowerThanBaseSection(report),
    slowTestsSection(report),
    startupSection(report, shape),
    benchmarkSection(report, shape),
    importsSection(report),
    scalingSection(report, shape),
    legsSection(report),
  ].filter((s): s is Section => s !== null);
}

/** The largest k whose section fits in `room`, or -1 when not even its summary does. */
function fitting(s: Section, room: number): number {
  if (section(s, 0).length > room) return -1;
  let low = 0;
  let high = s.count;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (section(s, mid).length <= room) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The whole comment (or job summary), at most `limit` characters, details cut first. */
export function renderComment(report: Report, options: RenderOptions): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const errors = report.errors
    .slice(0, SHOWN_ERRORS)
    .map((e) => `> ⚠️ ${escapeInline(e, { maxLength: 500 })}`);
  if (report.errors.length > SHOWN_ERRORS)
    errors.push(`> …and ${report.errors.length - SHOWN_ERRORS} more errors`);
  const notes = (report.notes ?? []).map((n) => `> ℹ️ ${escapeInline(n.message, { maxLength: 500 })}`);
  const why = whyLines(report, options.failOn);
  const open = undecidedGated(report, options.failOn);
  const adoption = adoptionLines(report);
  const head = [
    ...(options.marker ? [options.marker] : []),
    headline(report, options.failOn),
    '',
    // The question a maintainer came with, answered before anything else.
    ...(adoption.length > 0 ? [...adoption, ''] : []),
    ...(report.verdict === 'pass' && undecidedText(open) ? [undecidedFix(open), ''] : []),
    metaLine(report),
    '',
    ...(why.length > 0 ? [...why, ''] : []),
    report.variants.length > 0
      ? summaryTable(report, options.failOn ? { failOn: options.failOn } : {})
      : '_No variant was reported._',
    '',
    ...[...threadStressLines(report), ...scalingLines(report)].flatMap((line) => [line, '']),
    ...gilChangeLines(report).flatMap((line) => [line, '']),
    legend(report),
    // A blank `>` line between them, or a blockquote would run them into one paragraph.
    ...(errors.length + notes.length > 0 ? ['', [...errors, ...notes].join('\n>\n')] : []),
  ].join('\n');
  const footer = `\n\n<sub>cpython-variants · ${options.fullReportHint}</sub>\n`;
  const cutNote = `\n\n> ✂️ Some details were cut to fit; ${options.fullReportHint}.`;

  let room = limit - head.length - footer.length - cutNote.length;
  const parts: string[] = [];
  let cut = false;
  for (const s of sections(report)) {
    const whole = section(s, s.count);
    if (whole.length + 2 <= room) {
      parts.push(whole);
      room -= whole.length + 2;
      continue;
    }
    cut = true;
    const k = fitting(s, room - 2);
    if (k < 0) continue;
    const partial = section(s, k);
    parts.push(partial);
    room -= partial.length + 2;
  }
  const body = [head, ...parts].join('\n\n') + (cut ? cutNote : '') + footer;
  if (body.length <= limit) return body;
  // Only a head longer than the limit (thousands of variants) gets here: cut at a line.
  const kept = head.slice(0, Math.max(0, limit - footer.length - cutNote.length));
  return kept.slice(0, kept.lastIndexOf('\n')) + cutNote + footer;
}
