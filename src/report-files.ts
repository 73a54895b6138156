import { join } from 'node:path';
import type { OutputLocation } from './output-location.js';
import type { Report } from './domain/report.js';
import { realFileSystem, writeFileAtomic, type FileSystem } from './adapters/files.js';

export interface WrittenReport {
  /** Null where the file could not be written (see `failures`). */
  readonly reportPath: string | null;
  readonly markdownPath: string | null;
  readonly summaryPath: string | null;
  /** One line per file that could not be written: the folder, what chose it, the cause. */
  readonly failures: readonly string[];
}

// Past this, report.json is for tools (jq, mode: report), and indentation would add a third
// to its size and its writing time: a 20,000-test suite stays within 20 MB.
const INDENTED_UP_TO_CHARS = 2 * 1024 * 1024;

export function reportJson(report: Report): string {
  const compact = JSON.stringify(report);
  return `${compact.length > INDENTED_UP_TO_CHARS ? compact : JSON.stringify(report, null, 2)}\n`;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes report.json, the rendered comment and a copy of the job summary side by side; called on
 * every exit path. Each file is written whole or not at all, and one that fails (a full disk)
 * does not keep the others from being tried.
 */
export function writeReportFiles(options: {
  location: OutputLocation;
  report: Report;
  markdown: string;
  summary?: string;
  fs?: FileSystem;
}): WrittenReport {
  const { location } = options;
  const fs = options.fs ?? realFileSystem;
  const where = `in ${location.directory} (the folder chosen by ${location.chosenBy})`;
  try {
    fs.mkdir(location.directory);
  } catch (error) {
    const failure = `could not make the folder for report.json ${where}: ${reason(error)}`;
    return { reportPath: null, markdownPath: null, summaryPath: null, failures: [failure] };
  }
  const failures: string[] = [];
  const write = (name: string, data: string | undefined): string | null => {
    if (data === undefined) return null;
    const path = join(location.directory, name);
    try {
      writeFileAtomic(path, data, fs);
      return path;
    } catch (error) {
      failures.push(`could not write ${name} ${where}: ${reason(error)}`);
      return null;
    }
  };
  return {
    reportPath: write('report.json', reportJson(options.report)),
    markdownPath: write('comment.md', options.markdown),
    summaryPath: write('summary.md', options.summary),
    failures,
  };
}

/** Thrown after every other way out was tried, so the step fails with what went wrong where. */
export class ReportWriteError extends Error {
  constructor(readonly failures: readonly string[]) {
    super(failures.join('; '));
    this.name = 'ReportWriteError';
  }
}
