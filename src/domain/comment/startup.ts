// Startup: a chart of the interpreter's start, and a table of every startup measurement.
import { markdownTable } from 'markdown-table';
import { codeBlock, codeSpan, escapeInline } from '../escape.js';
import type { Report, StartupMetric, VariantReport } from '../report.js';
import { milliseconds, plural, ratioText, type Section } from './format.js';
import { interpreterStartup, type Shape } from './shape.js';

/** Mermaid's xychart has no escapes inside quotes: keep only characters its grammar cannot misread. */
function chartLabel(name: string): string {
  return `"${name.replace(/[^A-Za-z0-9.+_ ()-]/g, '_').slice(0, 40)}"`;
}

function startupChart(report: Report): string {
  const shown = report.variants.filter((v) => (interpreterStartup(v)?.median ?? null) !== null);
  if (shown.length < 2) return '';
  const values = shown.map((v) => interpreterStartup(v)?.median ?? 0);
  const base = shown.map((v) => v.base?.startup.find((s) => s.kind === 'interpreter')?.median ?? null);
  const withBase = base.every((b) => b !== null);
  const top = Math.max(...values, ...(withBase ? (base as number[]) : []));
  const lines = [
    'xychart-beta',
    `    title "Interpreter startup, median ms${withBase ? ' (bars: this commit, line: base)' : ''}"`,
    `    x-axis [${shown.map((v) => chartLabel(v.name)).join(', ')}]`,
    `    y-axis "ms" 0 --> ${Math.ceil(top * 1.2)}`,
    `    bar [${values.map((x) => x.toFixed(1)).join(', ')}]`,
    ...(withBase ? [`    line [${(base as number[]).map((x) => x.toFixed(1)).join(', ')}]`] : []),
  ];
  return codeBlock(lines.join('\n'), 'mermaid');
}

function metricCell(options: {
  v: VariantReport;
  metric: StartupMetric | undefined;
  shape: Shape;
  baseline: StartupMetric | undefined;
}): string {
  const { v, metric, shape } = options;
  if (metric === undefined) return '—';
  if (metric.error) return `not measured: ${escapeInline(metric.error, { maxLength: 120 })}`;
  const parts = [milliseconds(metric.median)];
  if (shape.baselineOf(v)) {
    const untested =
      options.baseline?.median && metric.median ? metric.median / options.baseline.median : undefined;
    const text = ratioText(metric.vsReference, untested);
    if (text !== '—') parts.push(text);
  }
  if (metric.vsBase) parts.push(`base ${ratioText(metric.vsBase)}`);
  return parts.join(' · ');
}

export function startupSection(report: Report, shape: Shape): Section | null {
  const keys: { kind: StartupMetric['kind']; name: string }[] = [];
  for (const v of report.variants)
    for (const m of v.startup)
      if (!keys.some((k) => k.kind === m.kind && k.name === m.name))
        keys.push({ kind: m.kind, name: m.name });
  if (keys.length === 0) return null;
  const chart = startupChart(report);
  const find = (v: VariantReport | undefined, key: (typeof keys)[number]): StartupMetric | undefined =>
    v?.startup.find((m) => m.kind === key.kind && m.name === key.name);
  const rows = keys.map((key) => [
    codeSpan(key.name, { maxLength: 120 }),
    ...report.variants.map((v) =>
      metricCell({ v, metric: find(v, key), shape, baseline: find(shape.baselineOf(v), key) }),
    ),
  ]);
  const header = ['Startup (median)', ...report.variants.map((v) => codeSpan(v.name, { maxLength: 60 }))];
  return {
    summary: `⏱️ Startup (${plural(keys.length, 'measurement')})`,
    count: rows.length,
    body: (k) =>
      [chart, markdownTable([header, ...rows.slice(0, k)], { alignDelimiters: false })]
        .filter(Boolean)
        .join('\n\n'),
  };
}
