// The report of a run whose inputs were refused: no variant ran, but report.json and the
// `report` and `verdict` outputs exist, so a matrix leg still uploads a report and `mode: report`
// can say which leg failed and why.
import { REPORT_SCHEMA, type Report } from './report.js';

/** What report.json says for a threshold it never got to read: the input's default. */
const DEFAULT_THRESHOLD = 0.1;

export function refusalReport(options: {
  message: string;
  input: string | null;
  value: string | null;
  head: string | null;
  generatedAt: string;
}): Report {
  return {
    schema: REPORT_SCHEMA,
    generatedAt: options.generatedAt,
    reference: '',
    threshold: DEFAULT_THRESHOLD,
    commit: { head: options.head, base: null },
    variants: [],
    findings: [],
    verdict: 'fail',
    verdictReasons: [
      `${options.input === null ? 'an input' : `the input '${options.input}'`} was refused, so nothing was run`,
    ],
    errors: [options.message],
    refused: { input: options.input, value: options.value },
  };
}
