// report.json must be UTF-8 JSON that a strict reader accepts, whatever the tested code printed.
// A test name from non-UTF-8 bytes reaches us as a lone surrogate (Python's surrogateescape writes
// `\udcff`); JSON.stringify keeps it as `\udcff`, which no UTF-8 text can hold and strict
// decoders (serde_json, Go's, jq) refuse. Each is replaced with U+FFFD, and the report says so.
import type { Report } from './report.js';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with every string (keys too) made well-formed, and how many strings had to change. */
export function wellFormed<T>(value: T): { value: T; replaced: number } {
  let replaced = 0;
  const fix = (text: string): string => {
    const fixed = text.replace(LONE_SURROGATE, '\uFFFD');
    if (fixed !== text) replaced += 1;
    return fixed;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [fix(k), walk(x)]));
    }
    return v;
  };
  const result = walk(value) as T;
  return { value: result, replaced };
}

/** The report as it can be written: every string valid Unicode, with a note where that took a change. */
export function wellFormedReport(report: Report): Report {
  const { value, replaced } = wellFormed(report);
  if (replaced === 0) return report;
  return {
    ...value,
    notes: [
      ...(value.notes ?? []),
      {
        kind: 'text-replaced',
        message: `${replaced} text${replaced === 1 ? '' : 's'} from the tested code (test names, output) held bytes that are not UTF-8 (lone surrogates, such as U+DCFF for the byte 0xff); each such character was replaced with U+FFFD (�)`,
      },
    ],
  };
}
