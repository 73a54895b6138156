// A refused input's report.json: read by mode `report` like any leg, and it says which leg and why.
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/domain/markdown.js';
import { mergeReports, parseReport } from '../../src/domain/merge.js';
import { refusalReport } from '../../src/domain/refusal.js';
import { DEFAULT_FAIL_ON, GENERATED_AT, HEAD, report, variant } from '../helpers/reports.js';

const refused = refusalReport({
  message: 'Input \'variants\' has the value "3.13t+jit": the 3.13 JIT is inert on free-threaded builds',
  input: 'variants',
  value: '3.13t+jit',
  head: HEAD,
  generatedAt: GENERATED_AT,
});

describe('refusalReport', () => {
  it('is a report.json that mode report accepts, failing, with the error and no variants', () => {
    const parsed = parseReport(JSON.parse(JSON.stringify(refused)), 'leg-b/report.json');
    expect(parsed).toMatchObject({
      variants: [],
      verdict: 'fail',
      errors: [refused.errors[0]],
      refused: { input: 'variants', value: '3.13t+jit' },
    });
  });

  it('names its leg in a merged report, which fails', () => {
    const merged = mergeReports({
      reports: [
        { label: 'leg-a', report: report({ variants: [variant('3.13')] }) },
        { label: 'leg-b', report: refused },
      ],
      failOn: DEFAULT_FAIL_ON,
      generatedAt: GENERATED_AT,
      threshold: 0.1,
    });
    expect(merged.verdict).toBe('fail');
    expect(merged.errors).toEqual([`leg-b: ${refused.errors[0]}`]);
    expect(merged.variants.map((v) => v.name)).toEqual(['3.13']);
  });

  it('renders the error in the summary', () => {
    const text = renderComment(refused, { fullReportHint: 'report.json has the error' });
    expect(text).toContain('_No variant was reported._');
    expect(text).toMatch(/> ⚠️ Input 'variants' has the value .*JIT is inert on free\\?-threaded builds/);
    expect(text).toContain("- the input 'variants' was refused, so nothing was run");
  });
});
