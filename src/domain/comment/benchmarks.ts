// The benchmarks: each one's median per variant, against the baseline and the base commit.
import { markdownTable } from 'markdown-table';
import { codeSpan, escapeInline } from '../escape.js';
import type { Report } from '../report.js';
import { ratioText, seconds, type Section } from './format.js';
import type { Shape } from './shape.js';

export function benchmarkSection(report: Report, shape: Shape): Section | null {
  const names = [...new Set(report.variants.flatMap((v) => v.benchmarks.map((b) => b.name)))];
  if (names.length === 0) return null;
  const rows = names.map((name) => [
    codeSpan(name, { maxLength: 120 }),
    ...report.variants.map((v) => {
      const b = v.benchmarks.find((x) => x.name === name);
      if (!b) return '—';
      if (b.error) return `error: ${escapeInline(b.error, { maxLength: 120 })}`;
      const parts = [seconds(b.median)];
      if (shape.baselineOf(v)) {
        const ref = shape.baselineOf(v)?.benchmarks.find((x) => x.name === name)?.median;
        const text = ratioText(b.vsReference, ref && b.median ? b.median / ref : undefined);
        if (text !== '—') parts.push(text);
      }
      if (b.vsBase) parts.push(`base ${ratioText(b.vsBase)}`);
      return parts.join(' · ');
    }),
  ]);
  const header = [
    'Benchmark (median per run)',
    ...report.variants.map((v) => codeSpan(v.name, { maxLength: 60 })),
  ];
  return {
    summary: `🏎️ Benchmarks (${names.length})`,
    count: rows.length,
    body: (k) => markdownTable([header, ...rows.slice(0, k)], { alignDelimiters: false }),
  };
}
