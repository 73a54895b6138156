import { describe, expect, it } from 'vitest';
import { wellFormed, wellFormedReport } from '../../src/domain/well-formed.js';
import { REPORT_SCHEMA, type Report } from '../../src/domain/report.js';

/** Whether a strict UTF-8 decoder takes the bytes JSON.stringify gives for `value`. */
function strictUtf8Json(value: unknown): boolean {
  const text = JSON.stringify(value);
  // JSON.stringify writes a lone surrogate as the escape \udcff: valid JSON syntax, but no
  // Unicode text holds it, so strict readers refuse it.
  if (/\\ud[89a-f][0-9a-f]{2}/i.test(text)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

describe('wellFormed', () => {
  it.each([
    ['plain', 'test_a', 'test_a', 0],
    ['a pair (an emoji) kept', 'test_😀', 'test_😀', 0],
    ['a lone low surrogate from surrogateescape', 'test_\udcff.py::t', 'test_\ufffd.py::t', 1],
    ['a lone high surrogate at the end', 'x\ud83d', 'x\ufffd', 1],
    ['a low surrogate before its high one', '\ude00\ud83d', '\ufffd\ufffd', 1],
  ])('%s', (_, input, output, replaced) => {
    expect(wellFormed({ id: input })).toEqual({ value: { id: output }, replaced });
  });

  it('walks arrays, nested objects and keys, and leaves other values alone', () => {
    const { value, replaced } = wellFormed({ a: [1, null, true, 'ok', { ['k\udcff']: 'v\udcfe' }] });
    expect(value).toEqual({ a: [1, null, true, 'ok', { 'k\ufffd': 'v\ufffd' }] });
    expect(replaced).toBe(2);
  });
});

describe('wellFormedReport', () => {
  const report = (id: string): Report =>
    ({
      schema: REPORT_SCHEMA,
      generatedAt: '2026-12-01T00:00:00Z',
      reference: '3.13',
      threshold: 0.1,
      commit: { head: null, base: null },
      variants: [{ name: '3.13', tests: { cases: [{ id, outcome: 'failed' }] } }],
      findings: [
        { kind: 'new-failure', variant: '3.13', against: null, metric: 'tests', name: id, change: null },
      ],
      verdict: 'fail',
      verdictReasons: [],
      errors: [],
    }) as unknown as Report;

  it('makes report.json strict UTF-8 JSON and says how in a note', () => {
    const raw = report('tests/test_\udcff.py::test_x');
    expect(strictUtf8Json(raw)).toBe(false);
    const fixed = wellFormedReport(raw);
    expect(strictUtf8Json(fixed)).toBe(true);
    expect(fixed.findings[0]?.name).toBe('tests/test_\ufffd.py::test_x');
    expect(fixed.notes).toEqual([
      {
        kind: 'text-replaced',
        message: expect.stringMatching(/^2 texts from the tested code .* not UTF-8 .* replaced with U\+FFFD/),
      },
    ]);
  });

  it('returns a clean report as it was, without a note', () => {
    const clean = report('tests/test_ok.py::test_x');
    expect(wellFormedReport(clean)).toBe(clean);
  });
});
