// Import time: the heaviest modules of each measured import, per variant.
import { markdownTable } from 'markdown-table';
import { codeSpan } from '../escape.js';
import type { Report, StartupMetric, VariantReport } from '../report.js';
import { milliseconds, plural, type Section } from './format.js';

export function importsSection(report: Report): Section | null {
  const tables: string[] = [];
  const imports = [
    ...new Set(
      report.variants.flatMap((v) => v.startup.filter((m) => m.heaviest?.length).map((m) => m.name)),
    ),
  ];
  for (const name of imports) {
    const of = (v: VariantReport): StartupMetric | undefined =>
      v.startup.find((m) => m.kind === 'import' && m.name === name);
    const modules = [
      ...new Set(report.variants.flatMap((v) => (of(v)?.heaviest ?? []).slice(0, 8).map((h) => h.module))),
    ].slice(0, 12);
    const rows = modules.map((module) => [
      codeSpan(module, { maxLength: 120 }),
      ...report.variants.map((v) => {
        const us = of(v)?.heaviest?.find((h) => h.module === module)?.cumulativeUs;
        return us === undefined ? '—' : milliseconds(us / 1000);
      }),
    ]);
    const header = [
      `${codeSpan(name, { maxLength: 120 })}: heaviest modules (cumulative)`,
      ...report.variants.map((v) => codeSpan(v.name, { maxLength: 60 })),
    ];
    tables.push(markdownTable([header, ...rows], { alignDelimiters: false }));
  }
  if (tables.length === 0) return null;
  return {
    summary: `📦 Import time (${plural(tables.length, 'import')})`,
    count: tables.length,
    body: (k) => tables.slice(0, k).join('\n\n'),
  };
}
