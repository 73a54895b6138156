// The table at the top: one row per variant, with its icon, its tests, its startup and throughput.
import { markdownTable } from 'markdown-table';
import { codeSpan, escapeInline } from '../escape.js';
import { verdict as decide, type FailOnRule } from '../findings.js';
import type { Report, VariantReport } from '../report.js';
import { geometricMean } from '../stats.js';
import { FAILING_KINDS } from './finding.js';
import { formatRatio, milliseconds, plural, ratioText } from './format.js';
import { failingIds, interpreterStartup, shapeOf } from './shape.js';

function crashedCount(v: VariantReport): number {
  return Math.max(v.tests.crashed, v.tests.crashes.filter((c) => c.kind !== 'timeout').length);
}

function testsCell(v: VariantReport, reference: VariantReport | undefined): string {
  const t = v.tests;
  if (t.status === 'not-run') return 'not run';
  const parts = [`${t.passed} passed`];
  if (t.failed + t.errors > 0) parts.push(`${t.failed + t.errors} failed`);
  const crashed = crashedCount(v);
  if (crashed > 0) parts.push(`💥 ${crashed} crashed`);
  if (t.timedOut > 0) parts.push(`⏳ ${t.timedOut} timed out`);
  if (t.skipped > 0) parts.push(`${t.skipped} skipped`);
  let cell = parts.join(', ');
  if (reference && reference.tests.status !== 'not-run') {
    const there = failingIds(reference);
    const onlyHere = [...failingIds(v)].filter((id) => !there.has(id)).length;
    if (onlyHere > 0) cell += `; ${onlyHere} pass under ${codeSpan(reference.name)}`;
  }
  return cell;
}

function gilCell(v: VariantReport): string {
  if (!v.interpreter?.freeThreaded) return 'n/a';
  const modules = v.gil.reenabledBy;
  if (modules.length === 0) return 'off';
  const shown = modules.slice(0, 3).map((m) => codeSpan(m, { maxLength: 60 }));
  const more = modules.length > 3 ? ` +${modules.length - 3}` : '';
  return `⚠️ on, by ${shown.join(', ')}${more}`;
}

function interpreterCell(v: VariantReport): string {
  if (!v.install.ok || !v.interpreter) return v.optional ? 'not installed (allowed)' : 'not installed';
  const i = v.interpreter;
  const traits = [i.freeThreaded ? 'free-threaded' : null, i.jit ? 'JIT on' : null, i.debug ? 'debug' : null];
  const shown = traits.filter((t): t is string => t !== null);
  // A version as CPython writes it reads as itself; anything else from a report file is escaped.
  const version = /^\d[\w.+]{0,30}$/.test(i.version) ? i.version : escapeInline(i.version, { maxLength: 20 });
  return `${version}${shown.length ? ` (${shown.join(', ')})` : ''}`;
}

/**
 * The row's icon: ❌ for what is broken (crashes, failures, an install that had to work) or fails
 * the check, ⚠️ for what deserves a look (the PR slowed it down, the GIL came back), else ✅. A
 * variant slower than the reference is the cost of that build, shown in its cells, not a warning.
 */
function icon(v: VariantReport, context: { report: Report; failOn?: ReadonlySet<FailOnRule> }): string {
  const mine = context.report.findings.filter((f) => f.variant === v.name);
  const failsCheck =
    context.failOn !== undefined &&
    decide({
      findings: mine,
      failOn: context.failOn,
      optionalVariants: new Set(v.optional ? [v.name] : []),
    }).verdict === 'fail';
  if (!v.install.ok) return v.optional && !failsCheck ? '⚪' : '❌';
  if (failsCheck || mine.some((f) => FAILING_KINDS.has(f.kind))) return '❌';
  const notable = mine.some(
    (f) =>
      (f.kind === 'regression' && f.against === 'base') ||
      f.kind === 'gil-reenabled' ||
      f.kind === 'new-gil-reenabled' ||
      f.kind === 'missing-benchmark' ||
      f.kind === 'flaky' ||
      f.kind === 'new-flaky' ||
      f.kind === 'thread-unsafe',
  );
  return notable ? '⚠️' : '✅';
}

/** The ratio of two medians where compare.ts made no comparison: shown with a ?, never as a change. */
function untestedRatio(options: {
  v: VariantReport;
  baseline: VariantReport | undefined;
  pick: (v: VariantReport) => number | null | undefined;
}): number | undefined {
  const a = options.baseline ? options.pick(options.v) : undefined;
  const b = options.baseline ? options.pick(options.baseline) : undefined;
  if (a === undefined || a === null || b === undefined || b === null || b <= 0 || a <= 0) return undefined;
  return a / b;
}

/**
 * The geometric mean of the benchmarks' ratios, marked like any ratio: ? while any of them is
 * undecided (a mean of guesses is a guess), else bold beyond the threshold and ≈ within it.
 */
function throughput(v: VariantReport, against: 'vsReference' | 'vsBase', threshold: number): string {
  const summaries = v.benchmarks.flatMap((b) => (b[against] ? [b[against]] : []));
  if (summaries.length === 0) return '—';
  const mean = geometricMean(summaries.map((s) => s.ratio));
  const undecided = summaries.filter((s) => s.verdict === 'inconclusive').length;
  const count = `${plural(summaries.length, 'benchmark')}${undecided > 0 ? `, ${undecided} undecided` : ''}`;
  const beyond = Math.abs(Math.log(mean)) >= Math.log(1 + threshold) * (1 - 1e-9);
  const text =
    undecided > 0 ? `${formatRatio(mean)}?` : beyond ? `**${formatRatio(mean)}**` : `≈ ${formatRatio(mean)}`;
  return `${text} (${count})`;
}

/** The interpreter's start, then any other startup measurement that compare.ts called a regression. */
function startupCell(options: {
  v: VariantReport;
  against: 'vsReference' | 'vsBase';
  untested?: number;
}): string {
  const { v, against } = options;
  const main = ratioText(interpreterStartup(v)?.[against], options.untested);
  const worse = v.startup
    .filter((m) => m.kind !== 'interpreter' && m[against]?.verdict === 'regression')
    .slice(0, 2)
    .map((m) => `${codeSpan(m.name, { maxLength: 60 })} ${ratioText(m[against])}`);
  return [main, ...worse].join('; ');
}

export function summaryTable(report: Report, options: { failOn?: ReadonlySet<FailOnRule> } = {}): string {
  const shape = shapeOf(report);
  const versus = shape.legs > 1 ? 'reference' : codeSpan(report.reference, { maxLength: 60 });
  const header = ['Variant', 'Interpreter', 'Tests', 'Startup', `Startup vs ${versus}`];
  if (shape.hasBase) header.push('Startup vs base');
  if (shape.hasBenchmarks) header.push(`Throughput vs ${versus}`);
  if (shape.hasBenchmarks && shape.hasBase) header.push('Throughput vs base');
  if (shape.hasFreeThreaded) header.push('GIL');
  if (shape.legs > 1) header.push('Leg');
  const rows = report.variants.map((v) => {
    const baseline = shape.baselineOf(v);
    const untested = untestedRatio({ v, baseline, pick: (x) => interpreterStartup(x)?.median });
    const row = [
      `${icon(v, { report, ...(options.failOn ? { failOn: options.failOn } : {}) })} ${codeSpan(v.name, { maxLength: 60 })}`,
      interpreterCell(v),
      testsCell(v, baseline),
      milliseconds(interpreterStartup(v)?.median),
      baseline ? startupCell({ v, against: 'vsReference', ...(untested ? { untested } : {}) }) : 'reference',
    ];
    if (shape.hasBase) row.push(startupCell({ v, against: 'vsBase' }));
    if (shape.hasBenchmarks)
      row.push(baseline ? throughput(v, 'vsReference', report.threshold) : 'reference');
    if (shape.hasBenchmarks && shape.hasBase) row.push(throughput(v, 'vsBase', report.threshold));
    if (shape.hasFreeThreaded) row.push(gilCell(v));
    if (shape.legs > 1) row.push(escapeInline(v.leg ?? '', { maxLength: 60 }));
    return row;
  });
  return markdownTable([header, ...rows]);
}
