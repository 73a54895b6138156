// The comment and the job summary. The first lines answer the question (did the check pass, and
// why not; one row per variant), collapsed details follow, and when GitHub's limit is near the
// details are cut, last first, with a note saying where the full report is. Everything that
// came from the tested code or from a report file goes through escape.ts: in mode `report` even
// variant names come from files that a fork PR's workflow wrote.
import { markdownTable } from 'markdown-table';
import { describeThreadFinding, threadStressLines, threadStressSection } from './comment/thread-stress.js';
import { codeBlock, codeSpan, escapeInline } from './escape.js';
import { verdict as decide, type FailOnRule } from './findings.js';
import type {
  CrashRecord,
  Finding,
  RatioSummary,
  Report,
  StartupMetric,
  ThreadPoint,
  ThreadScaling,
  VariantReport,
} from './report.js';
import { geometricMean } from './stats.js';

/** GitHub refuses a comment over 65,536 characters; the rest is headroom for the marker and edits. */
export const COMMENT_LIMIT = 60_000;
/** The job summary takes 1 MiB per step; a character can take 3 bytes (ZWSP, CJK). */
export const SUMMARY_LIMIT = 300_000;

export interface RenderOptions {
  /** The hidden marker that finds the comment again; absent in the job summary. */
  readonly marker?: string;
  /** Markdown (ours, not escaped) saying where the full report is, e.g. a link to the run. */
  readonly fullReportHint: string;
  /** The rules that decided the verdict, so the comment can name the findings that failed it. */
  readonly failOn?: ReadonlySet<FailOnRule>;
  readonly limit?: number;
}

const FAILING_KINDS = new Set(['crash', 'new-crash', 'failure', 'new-failure', 'timeout']);
const SHOWN_PER_RULE = 5;
const SHOWN_ERRORS = 10;

// ---------------------------------------------------------------- numbers

/** Ratios read one way throughout: this time over the baseline's time, said in words. */
export function formatRatio(ratio: number): string {
  if (Math.abs(ratio - 1) < 0.005) return 'same';
  return ratio > 1 ? `${ratio.toFixed(2)}x slower` : `${(1 / ratio).toFixed(2)}x faster`;
}

/** Bold when compare.ts called it a change; ≈ when it showed there is none; ? when it could not tell. */
function ratioText(summary: RatioSummary | undefined, untested?: number): string {
  if (summary === undefined) return untested === undefined ? '—' : `${formatRatio(untested)}?`;
  switch (summary.verdict) {
    case 'regression':
    case 'improvement':
      return `**${formatRatio(summary.ratio)}**`;
    case 'unchanged':
      return `≈ ${formatRatio(summary.ratio)}`;
    case 'inconclusive':
      return `${formatRatio(summary.ratio)}?`;
  }
}

function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

function seconds(value: number | null): string {
  if (value === null) return '—';
  const units: readonly [number, string][] = [
    [1, 's'],
    [1e-3, 'ms'],
    [1e-6, 'µs'],
    [1e-9, 'ns'],
  ];
  const [scale, unit] = units.find(([s]) => Math.abs(value) >= s) ?? [1e-9, 'ns'];
  return `${(value / scale).toPrecision(3)} ${unit}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- one variant

function interpreterStartup(v: VariantReport): StartupMetric | undefined {
  return v.startup.find((s) => s.kind === 'interpreter');
}

function failingIds(v: VariantReport | undefined): Set<string> {
  const ids = new Set<string>();
  for (const c of v?.tests.cases ?? []) if (c.outcome === 'failed' || c.outcome === 'error') ids.add(c.id);
  for (const c of v?.tests.crashes ?? []) if (c.test !== null) ids.add(c.test);
  return ids;
}

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
      f.kind === 'missing-benchmark' ||
      f.kind === 'flaky' ||
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

function throughput(v: VariantReport, against: 'vsReference' | 'vsBase'): string {
  const ratios = v.benchmarks.flatMap((b) => (b[against] ? [b[against].ratio] : []));
  if (ratios.length === 0) return '—';
  return `${formatRatio(geometricMean(ratios))} (${plural(ratios.length, 'benchmark')})`;
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

// ---------------------------------------------------------------- the first lines

interface Shape {
  readonly reference: VariantReport | undefined;
  /**
   * What a variant is compared with: its own report's reference, or, for a report's reference
   * in a merged report, the first report's (another machine: an untested ratio at most).
   * Undefined for the reference itself.
   */
  readonly baselineOf: (v: VariantReport) => VariantReport | undefined;
  readonly hasBase: boolean;
  readonly hasBenchmarks: boolean;
  readonly hasFreeThreaded: boolean;
  readonly legs: number;
}

function shapeOf(report: Report): Shape {
  const byName = new Map(report.variants.map((v) => [v.name, v]));
  const reference = byName.get(report.reference);
  const legReference = new Map((report.legs ?? []).map((l) => [l.label, byName.get(l.reference)]));
  return {
    reference,
    baselineOf: (v) => {
      const own = v.leg === undefined ? undefined : legReference.get(v.leg);
      if (own !== undefined && own !== v) return own;
      return v === reference ? undefined : reference;
    },
    hasBase: report.variants.some((v) => v.base !== undefined),
    hasBenchmarks: report.variants.some((v) => v.benchmarks.length > 0),
    hasFreeThreaded: report.variants.some((v) => v.interpreter?.freeThreaded === true),
    legs: report.legs?.length ?? 0,
  };
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
    if (shape.hasBenchmarks) row.push(baseline ? throughput(v, 'vsReference') : 'reference');
    if (shape.hasBenchmarks && shape.hasBase) row.push(throughput(v, 'vsBase'));
    if (shape.hasFreeThreaded) row.push(gilCell(v));
    if (shape.legs > 1) row.push(escapeInline(v.leg ?? '', { maxLength: 60 }));
    return row;
  });
  return markdownTable([header, ...rows]);
}

function where(f: Finding): string {
  return `under ${codeSpan(f.variant, { where: 'prose', maxLength: 60 })}`;
}

function quoted(name: string | null, fallback: string): string {
  return name === null ? fallback : codeSpan(name, { where: 'prose', maxLength: 200 });
}

/** One finding as a phrase: what, where, by how much, against what. */
export function describeFinding(f: Finding): string {
  const detail = f.detail ? ` (${escapeInline(f.detail, { maxLength: 200 })})` : '';
  const versus = f.against === 'base' ? 'than on the base commit' : 'than the reference';
  switch (f.kind) {
    case 'crash':
    case 'new-crash':
      return `💥 ${quoted(f.name, 'the test command')} crashed ${where(f)}${detail}`;
    case 'failure':
    case 'new-failure':
      return `${quoted(f.name, 'the test command')} failed ${where(f)}${detail}`;
    case 'timeout':
      return `⏳ ${quoted(f.name, 'the test command')} timed out ${where(f)}${detail}`;
    case 'regression':
    case 'improvement':
      return `${f.metric ?? 'timing'} of ${quoted(f.name, 'the whole run')} ${where(f)}: **${f.change === null ? 'changed' : formatRatio(f.change)}** ${versus}${detail}`;
    case 'gil-reenabled':
      return `${quoted(f.name, 'a module')} turned the GIL back on ${where(f)}`;
    case 'install-failure':
      return `${codeSpan(f.variant, { where: 'prose', maxLength: 60 })} could not be installed${detail}`;
    case 'missing-benchmark':
      return `${quoted(f.name, 'a benchmark')} has no result ${where(f)}${detail}`;
    case 'flaky':
      return `${quoted(f.name, 'a test')} is flaky ${where(f)}${detail}`;
    case 'thread-unsafe':
    case 'new-thread-unsafe':
      return describeThreadFinding(f);
  }
}

/** Why the check failed: each fail-on rule with the findings it matched. */
function whyLines(report: Report, failOn: ReadonlySet<FailOnRule> | undefined): string[] {
  if (report.verdict === 'pass') {
    const shown = report.findings.filter(notable).length;
    if (shown === 0) return [];
    const rules = failOn
      ? [...failOn].map((r) => codeSpan(r, { where: 'prose' })).join(', ') || 'none'
      : null;
    return [`${plural(shown, 'finding')} below; none fails the check${rules ? ` (fail-on: ${rules})` : ''}.`];
  }
  const lines: string[] = [];
  const optional = new Set(report.variants.filter((v) => v.optional).map((v) => v.name));
  if (failOn) {
    for (const rule of failOn) {
      const hits = report.findings.filter(
        (f) =>
          decide({ findings: [f], failOn: new Set([rule]), optionalVariants: optional }).verdict === 'fail',
      );
      if (hits.length === 0) continue;
      const more = hits.length > SHOWN_PER_RULE ? [`  - …and ${hits.length - SHOWN_PER_RULE} more`] : [];
      lines.push(
        `- fail-on ${codeSpan(rule, { where: 'prose' })}: ${plural(hits.length, 'finding')}`,
        ...hits.slice(0, SHOWN_PER_RULE).map((f) => `  - ${describeFinding(f)}`),
        ...more,
      );
    }
  }
  // Reasons that no rule explains (an error stopped the run); all of them when the rules named no finding.
  const unexplained =
    lines.length > 0 ? report.verdictReasons.filter((r) => !r.startsWith('fail-on ')) : report.verdictReasons;
  lines.push(...unexplained.map((r) => `- ${escapeInline(r, { maxLength: 300 })}`));
  return ['**Why the check failed:**', '', ...lines];
}

/** Worth a reader's look: not an improvement, and not a build's known cost against the reference. */
function notable(f: Finding): boolean {
  return f.kind !== 'improvement' && !(f.kind === 'regression' && f.against === 'reference');
}

function headline(report: Report): string {
  if (report.verdict === 'fail') return '## ❌ CPython variants: the check failed';
  return report.findings.some(notable)
    ? '## ✅ CPython variants: the check passed, with findings'
    : '## ✅ CPython variants: all clear';
}

function metaLine(report: Report): string {
  const sha = (s: string | null): string => (s ? codeSpan(s.slice(0, 12), { where: 'prose' }) : '');
  const parts = [
    report.commit.head ? `commit ${sha(report.commit.head)}` : '',
    report.commit.base ? `base ${sha(report.commit.base)}` : '',
    `reference ${codeSpan(report.reference, { where: 'prose', maxLength: 60 })}`,
    `threshold ${Math.round(report.threshold * 1000) / 10}%`,
    (report.legs?.length ?? 0) > 1 ? `merged from ${report.legs?.length} reports` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function legend(report: Report): string {
  const threshold = `${Math.round(report.threshold * 1000) / 10}%`;
  const crossLeg =
    (report.legs?.length ?? 0) > 1
      ? " Each variant is compared with its own report's reference, and a report's reference with the first report's: another machine, so at most a ?."
      : '';
  return (
    `<sub>A ratio is a variant's time over its baseline's (the reference, or the same variant on the base commit): ` +
    `1.42x slower takes 1.42 times as long, 1.25x faster takes 1/1.25 of the time. ` +
    `**Bold**: a change of at least ${threshold} that is statistically significant; ≈: no such change; ?: not enough evidence either way. ` +
    `Startup is the median of \`python -c pass\`; throughput the geometric mean over benchmarks.${crossLeg}</sub>`
  );
}

// ---------------------------------------------------------------- details

/** A collapsible section whose body can show the first k of its items, so it can be cut. */
interface Section {
  readonly summary: string;
  readonly count: number;
  readonly body: (k: number) => string;
}

function section(s: Section, k: number): string {
  const more = k < s.count ? `\n\n_…and ${s.count - k} more in the full report._` : '';
  return `<details><summary>${s.summary}</summary>\n\n${s.body(k)}${more}\n\n</details>`;
}

function excerpt(text: string): string {
  const lines = text.split('\n');
  const tail = lines.slice(-40).join('\n');
  return tail.length > 3000 ? `…${tail.slice(-3000)}` : tail;
}

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

function crashSection(report: Report): Section | null {
  const items = report.variants.flatMap((v) => v.tests.crashes.map((c) => crashItem(v, c)));
  if (items.length === 0) return null;
  return {
    summary: `💥 Crashes (${items.length})`,
    count: items.length,
    body: (k) => items.slice(0, k).join('\n\n'),
  };
}

function failureSection(report: Report, shape: Shape): Section | null {
  const findings = report.findings.filter((f) => FAILING_KINDS.has(f.kind) && !f.kind.includes('crash'));
  if (findings.length === 0) return null;
  const items = findings.map((f) => {
    const variant = report.variants.find((v) => v.name === f.variant);
    const baseline = variant ? shape.baselineOf(variant) : undefined;
    const message = variant?.tests.cases.find((c) => c.id === f.name)?.message;
    const notes = [
      f.kind === 'new-failure' && f.against === 'base' ? 'new: passes on the base commit' : '',
      f.kind === 'failure' ? 'fails on the base commit too' : '',
      baseline && baseline.tests.status !== 'not-run' && f.name !== null && !failingIds(baseline).has(f.name)
        ? `passes under ${codeSpan(baseline.name, { where: 'prose', maxLength: 60 })}`
        : '',
    ].filter(Boolean);
    const said = message ? `: ${escapeInline(message, { maxLength: 200 })}` : '';
    return `- ${describeFinding(f)}${notes.length ? ` — ${notes.join(', ')}` : ''}${said}`;
  });
  const fresh = findings.filter((f) => f.kind === 'new-failure').length;
  return {
    summary: `❌ Failing tests (${findings.length}${fresh > 0 && fresh < findings.length ? `, ${fresh} new` : ''})`,
    count: items.length,
    body: (k) => items.slice(0, k).join('\n'),
  };
}

function gilSection(report: Report): Section | null {
  const affected = report.variants.filter((v) => v.gil.reenabledBy.length > 0);
  if (affected.length === 0) return null;
  const items = affected.map(
    (v) =>
      `- ${codeSpan(v.name, { where: 'prose', maxLength: 60 })}: ${v.gil.reenabledBy
        .map((m) => codeSpan(m, { where: 'prose', maxLength: 120 }))
        .join(', ')}`,
  );
  const intro =
    'Importing these extension modules turned the GIL back on for the whole process, so these runs had a GIL. ' +
    'A module declares that it runs without the GIL with `Py_mod_gil` (PEP 703); until then, `PYTHON_GIL=0` forces it off at your own risk.';
  return {
    summary: `🔒 GIL re-enabled (${plural(affected.length, 'variant')})`,
    count: items.length,
    body: (k) => `${intro}\n\n${items.slice(0, k).join('\n')}`,
  };
}

function installSection(report: Report): Section | null {
  const failed = report.variants.filter((v) => !v.install.ok);
  if (failed.length === 0) return null;
  const items = failed.map(
    (v) =>
      `**${codeSpan(v.name, { where: 'prose', maxLength: 60 })}**${v.optional ? ' (marked with `?`: allowed to fail)' : ''}\n\n${codeBlock(excerpt(v.install.error ?? 'install failed'), 'text')}`,
  );
  return {
    summary: `⛔ Not installed (${failed.length})`,
    count: items.length,
    body: (k) => items.slice(0, k).join('\n\n'),
  };
}

function timingFindingsSection(report: Report): Section | null {
  const findings = report.findings.filter(
    (f) =>
      !FAILING_KINDS.has(f.kind) &&
      f.kind !== 'gil-reenabled' &&
      f.kind !== 'install-failure' &&
      f.metric !== 'threads',
  );
  if (findings.length === 0) return null;
  const items = findings.map((f) => `- ${describeFinding(f)}`);
  return {
    summary: `📈 Timing changes (${findings.length})`,
    count: items.length,
    body: (k) => items.slice(0, k).join('\n'),
  };
}

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

function startupSection(report: Report, shape: Shape): Section | null {
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

function importsSection(report: Report): Section | null {
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

function benchmarkSection(report: Report, shape: Shape): Section | null {
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

/** The variant a `best` was decided against: the reference of the variant's own report. */
function bestBaseline(report: Report, shape: Shape, v: VariantReport): string {
  return codeSpan(shape.baselineOf(v)?.name ?? report.reference, { maxLength: 60 });
}

function scalingSection(report: Report, shape: Shape): Section | null {
  const names = [...new Set(report.variants.flatMap((v) => (v.threadScaling ?? []).map((s) => s.name)))];
  if (names.length === 0) return null;
  const { reference } = shape;
  const refName = shape.legs > 1 ? 'its reference' : codeSpan(report.reference, { maxLength: 60 });
  const tables = names.map((name) => {
    const curves = report.variants.map((v) => v.threadScaling?.find((s) => s.name === name));
    // Sorted once per variant; each row looks its thread count up in them.
    const sorted: readonly (readonly ThreadPoint[])[] = curves.map((c) =>
      [...(c?.points ?? [])].sort((a, b) => a.threads - b.threads),
    );
    const counts = [...new Set(sorted.flatMap((points) => points.map((p) => p.threads)))].sort(
      (a, b) => a - b,
    );
    const rows = counts.map((threads) => [
      String(threads),
      ...report.variants.map((v, i) => {
        const points = sorted[i] ?? [];
        const point = points.find((p) => p.threads === threads);
        const first = points[0];
        if (!point || !first) return '—';
        const vsFirst = first === point ? '' : ` (${formatRatio(point.seconds / first.seconds)})`;
        const metric = v === reference ? undefined : v.benchmarks.find((b) => b.name === point.benchmark);
        const vsReference = metric?.vsReference ? ` · ${ratioText(metric.vsReference)}` : '';
        return `${seconds(point.seconds)}${vsFirst}${vsReference}`;
      }),
    ]);
    const header = [
      `${codeSpan(name, { maxLength: 120 })}: threads`,
      ...report.variants.map((v) => codeSpan(v.name, { maxLength: 60 })),
    ];
    const bests = report.variants.flatMap((v, i) => {
      const best = curves[i]?.best;
      return best
        ? [
            `- ${codeSpan(v.name, { maxLength: 60 })} ${bestAgainstBest(best, bestBaseline(report, shape, v))}`,
          ]
        : [];
    });
    const table = markdownTable([header, ...rows], { alignDelimiters: false });
    return bests.length > 0 ? `${table}\n\nEach at its fastest:\n${bests.join('\n')}` : table;
  });
  return {
    summary: `🧵 Thread scaling (${names.length})`,
    count: tables.length,
    body: (k) =>
      `The same work at each thread count, median seconds per run; in brackets, against that variant's fewest threads; after ·, against ${refName} at the same thread count.\n\n${tables.slice(0, k).join('\n\n')}`,
  };
}

/** "at 4 threads is **1.90x faster** than `3.13` at its fastest (1 thread)". */
function bestAgainstBest(best: NonNullable<ThreadScaling['best']>, refName: string): string {
  const ratio = ratioText(best.vsReference);
  // "≈ same than" reads wrong: a ratio of 1 is "as fast as".
  const words = ratio.endsWith('same') ? `${ratio.slice(0, -'same'.length)}as fast as` : `${ratio} than`;
  return `at ${plural(best.threads, 'thread')} is ${words} ${refName} at its fastest (${plural(best.referenceThreads, 'thread')})`;
}

const SCALING_LINES = 3;

/**
 * Under the table, one line per free-threaded variant and workload: the question people switch
 * to 3.13t for, answered by each build at its fastest thread count.
 */
function scalingLines(report: Report): string[] {
  const shape = shapeOf(report);
  const lines = report.variants
    .filter((v) => v.interpreter?.freeThreaded)
    .flatMap((v) =>
      (v.threadScaling ?? []).flatMap((s) => {
        if (!s.best) return [];
        const lead = {
          improvement: 'Free-threading pays off for',
          regression: 'Free-threading does not pay off for',
          unchanged: 'Free-threading makes no clear difference for',
          inconclusive: 'Not enough runs to tell whether free-threading pays off for',
        }[s.best.vsReference.verdict];
        const variant = codeSpan(v.name, { maxLength: 60 });
        return [
          `🧵 ${lead} ${codeSpan(s.name, { maxLength: 120 })}: ${variant} ${bestAgainstBest(s.best, bestBaseline(report, shape, v))}.`,
        ];
      }),
    );
  if (lines.length <= SCALING_LINES) return lines;
  return [
    ...lines.slice(0, SCALING_LINES),
    `🧵 …and ${lines.length - SCALING_LINES} more under Thread scaling.`,
  ];
}

function legsSection(report: Report): Section | null {
  const legs = report.legs ?? [];
  if (legs.length < 2) return null;
  const rows = legs.map((l) => [
    escapeInline(l.label, { maxLength: 80 }),
    l.variants.map((n) => codeSpan(n, { maxLength: 60 })).join(', '),
    codeSpan(l.reference, { maxLength: 60 }),
    l.commit.head ? codeSpan(l.commit.head.slice(0, 12)) : '—',
    escapeInline(l.generatedAt, { maxLength: 40 }),
    l.verdict,
  ]);
  const header = ['Report', 'Variants', 'Reference', 'Commit', 'Generated', 'Its own verdict'];
  return {
    summary: `🧩 Merged reports (${legs.length})`,
    count: rows.length,
    body: (k) => markdownTable([header, ...rows.slice(0, k)], { alignDelimiters: false }),
  };
}

// ---------------------------------------------------------------- the whole

/** Most important first: when the comment must be cut, the last sections go first. */
function sections(report: Report): Section[] {
  const shape = shapeOf(report);
  return [
    crashSection(report),
    failureSection(report, shape),
    gilSection(report),
    threadStressSection(report),
    installSection(report),
    timingFindingsSection(report),
    startupSection(report, shape),
    benchmarkSection(report, shape),
    importsSection(report),
    scalingSection(report, shape),
    legsSection(report),
  ].filter((s): s is Section => s !== null);
}

/** The largest k whose section fits in `room`, or -1 when not even its summary does. */
function fitting(s: Section, room: number): number {
  if (section(s, 0).length > room) return -1;
  let low = 0;
  let high = s.count;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (section(s, mid).length <= room) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The whole comment (or job summary), at most `limit` characters, details cut first. */
export function renderComment(report: Report, options: RenderOptions): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const errors = report.errors
    .slice(0, SHOWN_ERRORS)
    .map((e) => `> ⚠️ ${escapeInline(e, { maxLength: 500 })}`);
  if (report.errors.length > SHOWN_ERRORS)
    errors.push(`> …and ${report.errors.length - SHOWN_ERRORS} more errors`);
  const notes = (report.notes ?? []).map((n) => `> ℹ️ ${escapeInline(n, { maxLength: 500 })}`);
  const why = whyLines(report, options.failOn);
  const head = [
    ...(options.marker ? [options.marker] : []),
    headline(report),
    '',
    metaLine(report),
    '',
    ...(why.length > 0 ? [...why, ''] : []),
    report.variants.length > 0
      ? summaryTable(report, options.failOn ? { failOn: options.failOn } : {})
      : '_No variant was reported._',
    '',
    ...[...threadStressLines(report), ...scalingLines(report)].flatMap((line) => [line, '']),
    legend(report),
    // A blank `>` line between them, or a blockquote would run them into one paragraph.
    ...(errors.length + notes.length > 0 ? ['', [...errors, ...notes].join('\n>\n')] : []),
  ].join('\n');
  const footer = `\n\n<sub>cpython-variants · ${options.fullReportHint}</sub>\n`;
  const cutNote = `\n\n> ✂️ Some details were cut to fit; ${options.fullReportHint}.`;

  let room = limit - head.length - footer.length - cutNote.length;
  const parts: string[] = [];
  let cut = false;
  for (const s of sections(report)) {
    const whole = section(s, s.count);
    if (whole.length + 2 <= room) {
      parts.push(whole);
      room -= whole.length + 2;
      continue;
    }
    cut = true;
    const k = fitting(s, room - 2);
    if (k < 0) continue;
    const partial = section(s, k);
    parts.push(partial);
    room -= partial.length + 2;
  }
  const body = [head, ...parts].join('\n\n') + (cut ? cutNote : '') + footer;
  if (body.length <= limit) return body;
  // Only a head longer than the limit (thousands of variants) gets here: cut at a line.
  const kept = head.slice(0, Math.max(0, limit - footer.length - cutNote.length));
  return kept.slice(0, kept.lastIndexOf('\n')) + cutNote + footer;
}
