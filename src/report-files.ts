import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from './domain/report.js';

export interface WrittenReport {
  readonly reportPath: string;
  readonly markdownPath: string;
}

/** Writes report.json and the rendered markdown side by side; called on every exit path. */
export function writeReportFiles(options: { dir: string; report: Report; markdown: string }): WrittenReport {
  mkdirSync(options.dir, { recursive: true });
  const reportPath = join(options.dir, 'report.json');
  const markdownPath = join(options.dir, 'comment.md');
  writeFileSync(reportPath, JSON.stringify(options.report, null, 2) + '\n');
  writeFileSync(markdownPath, options.markdown);
  return { reportPath, markdownPath };
}
