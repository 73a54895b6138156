// The reports a merged report was made of, each with its own verdict.
import { markdownTable } from 'markdown-table';
import { codeSpan, escapeInline } from '../escape.js';
import type { Report } from '../report.js';
import type { Section } from './format.js';

export function legsSection(report: Report): Section | null {
  const legs = report.legs ?? [];
  if (legs.length < 2) return null;
  const rows = legs.map((l) => [
    escapeInline(l.label, { maxLength: 80 }),
    l.variants.map((n) => codeSpan(n, { maxLength: 60 })).join(', '),
    codeSpan(l.reference, { maxLength: 60 }),
    l.commit.head ? codeSpan(l.commit.head.slice(0, 12)) : '—',
    escapeInline(l.generatedAt, { maxLength: 40 }),
    l.cancelled ? `${l.verdict} (cancelled by ${l.cancelled.signal})` : l.verdict,
  ]);
  const header = ['Report', 'Variants', 'Reference', 'Commit', 'Generated', 'Its own verdict'];
  return {
    summary: `🧩 Merged reports (${legs.length})`,
    count: rows.length,
    body: (k) => markdownTable([header, ...rows.slice(0, k)], { alignDelimiters: false }),
  };
}
