// The comment: the answer in its first lines (one row per variant), details collapsed below.
// Everything that came from the tested code goes through escape.ts.
import { markdownTable } from 'markdown-table';
import { codeBlock, codeSpan, escapeInline } from './escape.js';
import type { Finding, Report, VariantReport } from './report.js';

export const COMMENT_LIMIT = 60_000;

function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

/** Ratios read one way throughout: candidate over baseline, ">1 is slower". */
export function formatRatio(ratio: number): string {
  if (Math.abs(ratio - 1) < 0.005) return '1.00x (same)';
  return ratio > 1 ? `${ratio.toFixed(2)}x slower` : `${(1 / ratio).toFixed(2)}x faster`;
}

function testsCell(v: VariantReport): string {
  const t = v.tests;
  if (t.status === 'not-run') return '—';
  const parts = [`${t.passed} passed`];
  if (t.failed + t.errors > 0) parts.push(`${t.failed + t.errors} failed`);
  if (t.skipped > 0) parts.push(`${t.skipped} skipped`);
  if (t.timedOut > 0) parts.push(`${t.timedOut} timed out`);
  return parts.join(', ');
}

function crashesCell(v: VariantReport): string {
  if (v.tests.status === 'not-run') return '—';
  if (v.tests.crashes.length === 0) return '0';
  const signals = [
    ...new Set(v.tests.crashes.map((c) => c.signal ?? (c.kind === 'timeout' ? 'hang' : 'fatal'))),
  ];
  return `💥 ${v.tests.crashes.length} (${signals.join(', ')})`;
}

function gilCell(v: VariantReport): string {
  if (!v.interpreter?.freeThreaded) return 'n/a';
  if (v.gil.reenabledBy.length === 0) return 'off';
  return `⚠️ re-enabled by ${v.gil.reenabledBy.map((m) => codeSpan(m)).join(', ')}`;
}

function interpreterCell(v: VariantReport): string {
  if (!v.install.ok || !v.interpreter) return `❌ install failed`;
  const i = v.interpreter;
  const traits = [
    i.freeThreaded ? 'free-threaded' : null,
    i.jit ? 'JIT on' : null,
    i.debug ? 'debug' : null,
  ].filter(Boolean);
  return `${i.version}${traits.length ? ` (${traits.join(', ')})` : ''}`;
}

function startupOf(v: VariantReport): number | null {
  return v.startup.find((s) => s.kind === 'interpreter')?.median ?? null;
}

function startupVsReference(v: VariantReport, reference: VariantReport | undefined): string {
  if (!reference || reference === v) return 'reference';
  const a = startupOf(v);
  const b = startupOf(reference);
  if (a === null || b === null || b === 0) return '—';
  return formatRatio(a / b);
}

function icon(report: Report, v: VariantReport): string {
  const mine = report.findings.filter((f) => f.variant === v.name);
  if (!v.install.ok) return v.optional ? '⚪' : '❌';
  if (mine.some((f) => ['crash', 'new-crash', 'new-failure', 'failure'].includes(f.kind))) return '❌';
  if (mine.some((f) => f.kind === 'regression' || f.kind === 'gil-reenabled')) return '⚠️';
  return '✅';
}

export function summaryTable(report: Report): string {
  const reference = report.variants.find((v) => v.name === report.reference);
  const rows = report.variants.map((v) => [
    `${icon(report, v)} ${codeSpan(v.name)}`,
    interpreterCell(v),
    testsCell(v),
    crashesCell(v),
    gilCell(v),
    ms(startupOf(v)),
    startupVsReference(v, reference),
  ]);
  return markdownTable([
    ['', 'Interpreter', 'Tests', 'Crashes', 'GIL', 'Startup (`python -c pass`)', `vs ${report.reference}`],
    ...rows,
  ]);
}

function findingLine(f: Finding): string {
  const name = f.name ? ` ${codeSpan(f.name)}` : '';
  const change = f.change !== null ? ` ${formatRatio(f.change)}` : '';
  const against = f.against ? ` (vs ${f.against})` : '';
  const detail = f.detail ? `: ${escapeInline(f.detail, { maxLength: 300 })}` : '';
  return `- **${f.kind}** under ${codeSpan(f.variant)}${name}${change}${against}${detail}`;
}

function crashDetails(report: Report): string[] {
  const out: string[] = [];
  for (const v of report.variants) {
    for (const c of v.tests.crashes) {
      out.push(
        `<details><summary>💥 ${escapeInline(v.name)}: ${c.test ? escapeInline(c.test) : 'unknown test'} — ${escapeInline(c.signal ?? c.kind)}${c.reproduced ? `, reproduced ${escapeInline(c.reproduced)}` : ''}</summary>\n\n${codeBlock(c.excerpt.slice(-4000))}\n</details>`,
      );
    }
  }
  return out;
}

function installDetails(report: Report): string[] {
  return report.variants
    .filter((v) => !v.install.ok)
    .map(
      (v) =>
        `<details><summary>❌ ${escapeInline(v.name)}: install failed${v.optional ? ' (allowed: marked with ?)' : ''}</summary>\n\n${codeBlock(v.install.error ?? '')}\n</details>`,
    );
}

export interface RenderOptions {
  /** The hidden marker that finds this comment again. */
  readonly marker: string;
  /** Where the full report lives, said when details are cut. */
  readonly fullReportHint: string;
  readonly limit?: number;
}

/** The whole comment, cut to the limit by dropping details first. */
export function renderComment(report: Report, options: RenderOptions): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const head = [
    options.marker,
    `## ${report.verdict === 'pass' ? '✅' : '❌'} CPython variants`,
    '',
    report.verdictReasons.length > 0
      ? `**The check failed:** ${report.verdictReasons.map((r) => escapeInline(r)).join('; ')}.`
      : 'No finding fails this check.',
    '',
    summaryTable(report),
    '',
    `Ratios are the variant's time over ${codeSpan(report.reference)}'s (reference); a change counts only when it is at least ${(report.threshold * 100).toFixed(0)}% and statistically significant.`,
  ];
  const errors = report.errors.map((e) => `> ⚠️ ${escapeInline(e, { maxLength: 500 })}`);
  const findings = report.findings.filter((f) => f.kind !== 'improvement');
  const details = [
    ...(findings.length > 0
      ? [
          `<details><summary>Findings (${findings.length})</summary>\n\n${findings.map(findingLine).join('\n')}\n</details>`,
        ]
      : []),
    ...crashDetails(report),
    ...installDetails(report),
  ];
  const footer = `\n<sub>cpython-variants · ${options.fullReportHint}</sub>`;
  let body = [...head, '', ...errors, '', ...details].join('\n');
  if (body.length + footer.length > limit) {
    const cutNote = `\n\n_Details were cut to fit a comment; the full report: ${options.fullReportHint}._`;
    const kept: string[] = [];
    let size = [...head, '', ...errors].join('\n').length + cutNote.length + footer.length;
    for (const d of details) {
      if (size + d.length + 1 > limit) break;
      kept.push(d);
      size += d.length + 1;
    }
    body = [...head, '', ...errors, '', ...kept].join('\n') + cutNote;
    if (body.length + footer.length > limit) body = body.slice(0, limit - footer.length - 20) + '\n\n_(cut)_';
  }
  return body + footer;
}
