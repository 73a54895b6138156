// The crashes, each with its test, its signal and the end of what it printed.
import { codeBlock, codeSpan, escapeInline } from '../escape.js';
import type { CrashRecord, Report, VariantReport } from '../report.js';
import { excerpt, type Section } from './format.js';

function crashItem(v: VariantReport, c: CrashRecord): string {
  const facts = [
    `**${codeSpan(v.name, { where: 'prose', maxLength: 60 })}**`,
    c.test === null ? 'no test was running' : codeSpan(c.test, { where: 'prose' }),
    c.kind === 'timeout' ? 'hung' : escapeInline(c.signal ?? 'Fatal Python error'),
    c.reproduced ? `reproduced ${escapeInline(c.reproduced)} alone` : '',
    c.extensionModules?.length
      ? `extension modules: ${c.extensionModules
          .slice(0, 8)
          .map((m) => codeSpan(m, { where: 'prose', maxLength: 80 }))
          .join(', ')}`
      : '',
  ];
  return `${facts.filter(Boolean).join(' · ')}\n\n${codeBlock(excerpt(c.excerpt), 'text')}`;
}

export function crashSection(report: Report): Section | null {
  const items = report.variants.flatMap((v) => v.tests.crashes.map((c) => crashItem(v, c)));
  if (items.length === 0) return null;
  return {
    summary: `💥 Crashes (${items.length})`,
    count: items.length,
    body: (k) => items.slice(0, k).join('\n\n'),
  };
}
