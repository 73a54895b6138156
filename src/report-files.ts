import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from './domain/report.js';

export interface WrittenReport {
  readonly reportPath: string;
  readonly markdownPath: string;
}

// Past this, report.json is for tools (jq, mode: report), and indentation would add a third
// to its size and its writing time: a 20,000-test suite stays within 20 MB.
const INDENTED_UP_TO_CHARS = 2 * 1024 * 1024;

export function reportJson(report: Report): string {
  const compact = JSON.stringify(report);
  return `${compact.length > INDENTED_UP_TO_CHARS ? compact : JSON.stringify(report, null, 2)}\n`;
}

/** Writes report.json and the rendered markdown side by side; called on every exit path. */
export function writeReportFiles(options: { dir: string; report: Report; markdown: string }): WrittenReport {
  mkdirSync(options.dir, { recursive: true });
  const reportPath = join(options.dir, 'report.json');
  const markdownPath = join(options.dir, 'comment.md');
  writeFileSync(reportPath, reportJson(options.report));
  writeFileSync(markdownPath, options.markdown);
  return { reportPath, markdownPath };
}
