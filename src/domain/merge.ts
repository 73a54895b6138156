// Mode `report`: several report.json files (matrix legs, or the measuring half of the split
// workflow for fork PRs) become one report. The files come from artifacts that untrusted code may
// have written, so each is checked against the schema before anything reads it; the markdown
// escapes their text as always.
//
// Merge rules:
// - variants are concatenated in the order of the files; a name that appears in more than one
//   file is kept in every one, suffixed with its leg's label ("3.13 (linux)"), and its findings
//   follow the new name;
// - findings are made again from each leg's variants and its comparisons' verdicts, and test
//   counts from the test cases (merge-derive.ts), so a file cannot hide what it measured; the
//   comparisons themselves are not redone: one is only sound between samples taken on one
//   runner, and each leg made its own; numbers no measurement gives (a ratio of 1e308) are refused;
// - the verdict is decided again, by the merging step's fail-on (the legs' own verdicts were
//   decided by theirs), and any error of a leg or of reading the files fails it, since the
//   report is then incomplete.
import { checkAdoption, checkSlowTests, checkSlowTestsVsBase } from './variant-schema.js';
import { verdict, type FailOnRule } from './findings.js';
import { deriveFindings, recountVariant } from './merge-derive.js';
import {
  REPORT_SCHEMA,
  type DecisionGroup,
  type DecisionStatistics,
  type Finding,
  type FindingKind,
  type Note,
  type NoteKind,
  type Report,
  type ReportLeg,
  type TestOutcome,
  type TestSummary,
  type VariantReport,
} from './report.js';

export class ReportSchemaError extends Error {
  override readonly name = 'ReportSchemaError';
}

export interface LabelledReport {
  /** Names the leg in the merged report: the artifact's folder, or the file's path. */
  readonly label: string;
  readonly report: Report;
}

// Records, so a kind added to report.ts fails to compile here until the schema knows it.
const FINDING_KINDS: Record<FindingKind, true> = {
  crash: true,
  'new-crash': true,
  failure: true,
  'new-failure': true,
  timeout: true,
  regression: true,
  improvement: true,
  'gil-reenabled': true,
  'new-gil-reenabled': true,
  'install-failure': true,
  'missing-benchmark': true,
  flaky: true,
  'new-flaky': true,
  'thread-unsafe': true,
  'new-thread-unsafe': true,
};
const OUTCOMES: Record<TestOutcome, true> = {
  passed: true,
  failed: true,
  error: true,
  skipped: true,
  xfailed: true,
  xpassed: true,
  crashed: true,
  timedOut: true,
};
const STATUSES: Record<TestSummary['status'], true> = {
  passed: true,
  failed: true,
  crashed: true,
  timedOut: true,
  'not-run': true,
};
const COUNTS = ['passed', 'failed', 'errors', 'skipped', 'crashed', 'timedOut'] as const;

type Json = Record<string, unknown>;

/** Walks one parsed file and throws at the first field that is not what report.json promises. */
export class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 60);
    throw new ReportSchemaError(
      `${this.source} is not a cpython-variants report: ${path} must be ${expected}, got ${shown}`,
    );
  }
  object(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Json;
  }
  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v;
  }
  string(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }
  nullableString(v: unknown, path: string, pattern?: RegExp): void {
    if (v === null) return;
    if (typeof v !== 'string' || (pattern && !pattern.test(v)))
      this.fail(path, pattern ? `null or a string like ${pattern.source}` : 'null or a string', v);
  }
  optionalString(v: unknown, path: string): void {
    if (v !== undefined) this.string(v, path);
  }
  strings(v: unknown, path: string): void {
    this.array(v, path).forEach((s, i) => this.string(s, `${path}[${i}]`));
  }
  boolean(v: unknown, path: string): void {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
  }
  number(v: unknown, path: string): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a number', v);
  }
  nullableNumber(v: unknown, path: string): void {
    if (v !== null) this.number(v, path);
  }
  /** A number a measurement can give: finite, and within [min, max] (above min where `above`). */
  within(v: unknown, path: string, range: { min: number; max: number; above?: boolean }): void {
    this.number(v, path);
    const n = v as number;
    if ((range.above ? n <= range.min : n < range.min) || n > range.max)
      this.fail(
        path,
        `a number ${range.above ? 'above' : 'from'} ${range.min} ${range.above ? 'and at most' : 'to'} ${range.max}`,
        v,
      );
  }
  count(v: unknown, path: string): void {
    if (!Number.isSafeInteger(v) || (v as number) < 0) this.fail(path, 'a whole number', v);
  }
  oneOf(v: unknown, path: string, allowed: readonly (string | null)[]): void {
    if (!allowed.includes(v as string | null)) this.fail(path, `one of ${allowed.join(', ')}`, v);
  }
}

// Sanity bounds: a ratio of 1e308 once rendered "threshold Infinity%". No build is a million
// times slower or faster, and no timing (seconds or milliseconds) is a billion.
const MAX_RATIO = 1e6;
const MAX_TIMING = 1e9;
const RATIO = { min: 0, max: MAX_RATIO, above: true };

function checkRatio(c: Checker, v: unknown, path: string): void {
  if (v === undefined) return;
  const r = c.object(v, path);
  for (const k of ['ratio', 'low', 'high'] as const) c.within(r[k], `${path}.${k}`, RATIO);
  c.within(r['pValue'], `${path}.pValue`, { min: 0, max: 1 });
  if (r['adjustedP'] !== undefined) c.within(r['adjustedP'], `${path}.adjustedP`, { min: 0, max: 1 });
  if ((r['low'] as number) > (r['high'] as number))
    c.fail(`${path}.low`, `at most ${path}.high (${String(r['high'])})`, r['low']);
  c.oneOf(r['verdict'], `${path}.verdict`, ['regression', 'improvement', 'unchanged', 'inconclusive']);
  // A regression is slower: a verdict that contradicts its own ratio was not made by this action.
  if (r['verdict'] === 'regression' && !((r['ratio'] as number) > 1))
    c.fail(`${path}.ratio`, 'above 1 for a regression', r['ratio']);
  if (r['verdict'] === 'improvement' && !((r['ratio'] as number) < 1))
    c.fail(`${path}.ratio`, 'below 1 for an improvement', r['ratio']);
  // Reports written before these fields existed are still read: the markdown does not need them.
  if (r['method'] !== undefined)
    c.oneOf(r['method'], `${path}.method`, ['paired', 'independent', 'normalized']);
  if (r['n'] !== undefined) c.count(r['n'], `${path}.n`);
}

function checkTiming(c: Checker, v: unknown, path: string): Json {
  const m = c.object(v, path);
  c.string(m['name'], `${path}.name`);
  c.array(m['samples'], `${path}.samples`).forEach((s, i) =>
    c.within(s, `${path}.samples[${i}]`, { min: 0, max: MAX_TIMING }),
  );
  if (m['rounds'] !== undefined)
    c.array(m['rounds'], `${path}.rounds`).forEach((s, i) => c.count(s, `${path}.rounds[${i}]`));
  if (m['median'] !== null) c.within(m['median'], `${path}.median`, { min: 0, max: MAX_TIMING });
  c.optionalString(m['error'], `${path}.error`);
  checkRatio(c, m['vsReference'], `${path}.vsReference`);
  checkRatio(c, m['vsBase'], `${path}.vsBase`);
  return m;
}

function checkStartup(c: Checker, v: unknown, path: string): void {
  const m = checkTiming(c, v, path);
  c.oneOf(m['kind'], `${path}.kind`, ['interpreter', 'import', 'command']);
  if (m['heaviest'] === undefined) return;
  c.array(m['heaviest'], `${path}.heaviest`).forEach((h, i) => {
    const o = c.object(h, `${path}.heaviest[${i}]`);
    c.string(o['module'], `${path}.heaviest[${i}].module`);
    c.number(o['cumulativeUs'], `${path}.heaviest[${i}].cumulativeUs`);
  });
}

function checkTests(c: Checker, v: unknown, path: string): void {
  const t = c.object(v, path);
  c.oneOf(t['status'], `${path}.status`, Object.keys(STATUSES));
  for (const k of COUNTS) c.count(t[k], `${path}.${k}`);
  c.nullableString(t['signal'], `${path}.signal`, /^SIG[A-Z0-9]+$/);
  c.string(t['outputTail'], `${path}.outputTail`);
  c.array(t['crashes'], `${path}.crashes`).forEach((x, i) => {
    const p = `${path}.crashes[${i}]`;
    const crash = c.object(x, p);
    c.nullableString(crash['test'], `${p}.test`);
    c.nullableString(crash['signal'], `${p}.signal`, /^SIG[A-Z0-9]+$/);
    c.nullableString(crash['reproduced'], `${p}.reproduced`, /^\d+\/\d+$/);
    c.oneOf(crash['kind'], `${p}.kind`, ['signal', 'fatal-error', 'timeout']);
    c.string(crash['excerpt'], `${p}.excerpt`);
    c.optionalString(crash['file'], `${p}.file`);
    if (crash['line'] !== undefined) c.count(crash['line'], `${p}.line`);
    if (crash['extensionModules'] !== undefined)
      c.strings(crash['extensionModules'], `${p}.extensionModules`);
  });
  c.array(t['cases'], `${path}.cases`).forEach((x, i) => {
    const p = `${path}.cases[${i}]`;
    const tc = c.object(x, p);
    c.string(tc['id'], `${p}.id`);
    c.oneOf(tc['outcome'], `${p}.outcome`, Object.keys(OUTCOMES));
    c.optionalString(tc['file'], `${p}.file`);
    if (tc['line'] !== undefined) c.count(tc['line'], `${p}.line`);
    c.optionalString(tc['message'], `${p}.message`);
  });
}

function checkVariant(c: Checker, v: unknown, path: string): string {
  const variant = c.object(v, path);
  const name = c.string(variant['name'], `${path}.name`);
  if (name.trim() === '' || name.length > 100) c.fail(`${path}.name`, 'a variant label', name);
  c.boolean(variant['optional'], `${path}.optional`);
  if (variant['interpreter'] !== null) {
    const i = c.object(variant['interpreter'], `${path}.interpreter`);
    c.string(i['version'], `${path}.interpreter.version`);
    for (const k of ['freeThreaded', 'jit', 'debug'] as const) c.boolean(i[k], `${path}.interpreter.${k}`);
  }
  const install = c.object(variant['install'], `${path}.install`);
  c.boolean(install['ok'], `${path}.install.ok`);
  c.optionalString(install['error'], `${path}.install.error`);
  checkTests(c, variant['tests'], `${path}.tests`);
  c.strings(c.object(variant['gil'], `${path}.gil`)['reenabledBy'], `${path}.gil.reenabledBy`);
  c.array(variant['startup'], `${path}.startup`).forEach((m, i) =>
    checkStartup(c, m, `${path}.startup[${i}]`),
  );
  c.array(variant['benchmarks'], `${path}.benchmarks`).forEach((m, i) =>
    checkTiming(c, m, `${path}.benchmarks[${i}]`),
  );
  if (variant['base'] !== undefined) {
    const base = c.object(variant['base'], `${path}.base`);
    c.string(base['sha'], `${path}.base.sha`);
    c.array(base['startup'], `${path}.base.startup`).forEach((m, i) =>
      checkStartup(c, m, `${path}.base.startup[${i}]`),
    );
    c.array(base['benchmarks'], `${path}.base.benchmarks`).forEach((m, i) =>
      checkTiming(c, m, `${path}.base.benchmarks[${i}]`),
    );
    if (base['tests'] !== undefined) checkTests(c, base['tests'], `${path}.base.tests`);
    if (base['gil'] !== undefined) {
      c.strings(c.object(base['gil'], `${path}.base.gil`)['reenabledBy'], `${path}.base.gil.reenabledBy`);
    }
  }
  c.optionalString(variant['leg'], `${path}.leg`);
  if (variant['threadScaling'] !== undefined) {
    c.array(variant['threadScaling'], `${path}.threadScaling`).forEach((s, i) => {
      const p = `${path}.threadScaling[${i}]`;
      const scaling = c.object(s, p);
      c.string(scaling['name'], `${p}.name`);
      c.array(scaling['points'], `${p}.points`).forEach((x, j) => {
        const point = c.object(x, `${p}.points[${j}]`);
        c.count(point['threads'], `${p}.points[${j}].threads`);
        c.number(point['seconds'], `${p}.points[${j}].seconds`);
        c.optionalString(point['benchmark'], `${p}.points[${j}].benchmark`);
      });
      if (scaling['best'] !== undefined) {
        const best = c.object(scaling['best'], `${p}.best`);
        c.count(best['threads'], `${p}.best.threads`);
        c.count(best['referenceThreads'], `${p}.best.referenceThreads`);
        checkRatio(c, c.object(best['vsReference'], `${p}.best.vsReference`), `${p}.best.vsReference`);
      }
    });
  }
  if (variant['threadStress'] !== undefined)
    checkThreadStress(c, variant['threadStress'], `${path}.threadStress`);
  if (variant['adoption'] !== undefined) checkAdoption(c, variant['adoption'], `${path}.adoption`);
  if (variant['slowTests'] !== undefined) checkSlowTests(c, variant['slowTests'], `${path}.slowTests`);
  if (variant['slowTestsVsBase'] !== undefined)
    checkSlowTestsVsBase(c, variant['slowTestsVsBase'], `${path}.slowTestsVsBase`);
  return name;
}

// What the comment renders of thread stress, checked, since a fork's workflow may have written it.
function checkThreadStress(c: Checker, value: unknown, path: string): void {
  const stress = c.object(value, path);
  c.oneOf(stress['status'], `${path}.status`, ['ran', 'not-run']);
  c.optionalString(stress['reason'], `${path}.reason`);
  for (const k of [
    'threads',
    'iterations',
    'passed',
    'threadUnsafe',
    'failedAnyway',
    'skipped',
    'singleThreaded',
  ])
    c.count(stress[k], `${path}.${k}`);
  c.array(stress['tests'], `${path}.tests`).forEach((t, i) => {
    const p = `${path}.tests[${i}]`;
    const test = c.object(t, p);
    c.string(test['id'], `${p}.id`);
    c.oneOf(test['kind'], `${p}.kind`, ['thread-unsafe', 'single-threaded']);
    c.oneOf(test['outcome'], `${p}.outcome`, Object.keys(OUTCOMES));
    c.string(test['reason'], `${p}.reason`);
    for (const k of ['reproduced', 'onBase', 'gilVariant']) c.optionalString(test[k], `${p}.${k}`);
    if (test['withGil'] !== undefined) c.nullableString(test['withGil'], `${p}.withGil`);
  });
}

/** `value` (a parsed report.json) checked field by field; throws a ReportSchemaError naming the first bad field. */
export function parseReport(value: unknown, source: string): Report {
  const c = new Checker(source);
  const r = c.object(value, '$');
  if (r['schema'] !== REPORT_SCHEMA)
    c.fail('$.schema', `"${REPORT_SCHEMA}" (this version's format)`, r['schema']);
  c.string(r['generatedAt'], '$.generatedAt');
  c.string(r['reference'], '$.reference');
  // As the threshold input allows: above 0%, below 1000%.
  c.within(r['threshold'], '$.threshold', { min: 0, max: 10, above: true });
  const commit = c.object(r['commit'], '$.commit');
  c.nullableString(commit['head'], '$.commit.head');
  c.nullableString(commit['base'], '$.commit.base');
  const names = c.array(r['variants'], '$.variants').map((v, i) => checkVariant(c, v, `$.variants[${i}]`));
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      c.fail(`$.variants[${i}].name`, 'a name not used by an earlier variant', name);
  });
  c.array(r['findings'], '$.findings').forEach((x, i) => {
    const p = `$.findings[${i}]`;
    const f = c.object(x, p);
    c.oneOf(f['kind'], `${p}.kind`, Object.keys(FINDING_KINDS));
    c.oneOf(f['variant'], `${p}.variant`, names);
    c.oneOf(f['against'], `${p}.against`, ['reference', 'base', null]);
    c.oneOf(f['metric'], `${p}.metric`, [
      'startup',
      'throughput',
      'tests',
      'install',
      'gil',
      'threads',
      null,
    ]);
    c.nullableString(f['name'], `${p}.name`);
    if (f['change'] !== null) c.within(f['change'], `${p}.change`, RATIO);
    c.optionalString(f['detail'], `${p}.detail`);
  });
  c.oneOf(r['verdict'], '$.verdict', ['pass', 'fail']);
  c.strings(r['verdictReasons'], '$.verdictReasons');
  c.strings(r['errors'], '$.errors');
  if (r['cancelled'] !== undefined) {
    const k = c.object(r['cancelled'], '$.cancelled');
    c.oneOf(k['signal'], '$.cancelled.signal', ['SIGTERM', 'SIGINT']);
    c.nullableString(k['during'], '$.cancelled.during');
  }
  if (r['notes'] !== undefined) {
    // Reports before typed notes wrote plain strings: read as they were meant.
    r['notes'] = c.array(r['notes'], '$.notes').map((x, i) => {
      if (typeof x === 'string') return { kind: 'merge', message: x };
      const n = c.object(x, `$.notes[${i}]`);
      c.oneOf(n['kind'], `$.notes[${i}].kind`, NOTE_KINDS);
      c.string(n['message'], `$.notes[${i}].message`);
      c.optionalString(n['variant'], `$.notes[${i}].variant`);
      return n;
    });
  }
  if (r['statistics'] !== undefined) {
    const s = c.object(r['statistics'], '$.statistics');
    c.oneOf(s['method'], '$.statistics.method', ['holm']);
    c.within(s['alpha'], '$.statistics.alpha', { min: 0, max: 1, above: true });
    c.number(s['family'], '$.statistics.family');
    if (s['splitSuites'] !== undefined) c.number(s['splitSuites'], '$.statistics.splitSuites');
    c.array(s['groups'], '$.statistics.groups').forEach((x, i) => {
      const g = c.object(x, `$.statistics.groups[${i}]`);
      c.oneOf(g['against'], `$.statistics.groups[${i}].against`, ['reference', 'base']);
      c.oneOf(g['metric'], `$.statistics.groups[${i}].metric`, ['startup', 'throughput']);
      for (const k of ['compared', 'undecided', 'tooFewRuns'])
        c.number(g[k], `$.statistics.groups[${i}].${k}`);
    });
  }
  return r as unknown as Report;
}

const NOTE_KINDS: readonly NoteKind[] = [
  'budget',
  'underpowered',
  'base-unavailable',
  'subject-dropped',
  'timer-resolution',
  'merge',
  'text-replaced',
];

function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} #${n}`;
  });
}

/** The one value all legs agree on, or the first with a note naming them all. */
function agreed<T>(options: {
  values: readonly { label: string; value: T }[];
  what: string;
  notes: Note[];
}): T | undefined {
  const distinct = [...new Set(options.values.map((v) => v.value))];
  if (distinct.length > 1) {
    const each = options.values.map((v) => `${v.label}: ${String(v.value)}`).join(', ');
    options.notes.push({ kind: 'merge', message: `the reports differ in ${options.what} (${each})` });
  }
  return options.values[0]?.value;
}

export function mergeReports(options: {
  reports: readonly LabelledReport[];
  failOn: ReadonlySet<FailOnRule>;
  /** When the merged report was made (the reports keep their own times in `legs`). */
  generatedAt: string;
  /** Used when no report could be read. */
  threshold: number;
  /** Problems met before merging: unreadable files, patterns that matched nothing. */
  errors?: readonly string[];
}): Report {
  const labels = uniqueLabels(options.reports.map((r) => r.label));
  const legs = options.reports.map((r, i) => ({ label: labels[i] ?? r.label, report: r.report }));
  const uses = new Map<string, number>();
  for (const { report } of legs)
    for (const v of report.variants) uses.set(v.name, (uses.get(v.name) ?? 0) + 1);
  const renamed = (name: string, label: string): string =>
    (uses.get(name) ?? 0) > 1 ? `${name} (${label})` : name;
  const several = legs.length > 1;

  const variants: VariantReport[] = [];
  const findings: Finding[] = [];
  const errors: string[] = [...(options.errors ?? [])];
  const legSummaries: ReportLeg[] = [];
  const derivedNotes: Note[] = [];
  for (const { label, report } of legs) {
    const mine = report.variants.map((v): VariantReport => {
      const recounted = recountVariant({ ...v, name: renamed(v.name, label) }, label);
      derivedNotes.push(...recounted.notes);
      return {
        ...recounted.variant,
        ...(several ? { leg: label } : {}),
        // Weighed against its own leg's reference, which may have been renamed too.
        ...(v.adoption ? { adoption: { ...v.adoption, against: renamed(v.adoption.against, label) } } : {}),
      };
    });
    variants.push(...mine);
    const derived = deriveFindings({
      variants: mine,
      written: report.findings.map((f) => ({ ...f, variant: renamed(f.variant, label) })),
      label,
    });
    // Not push(...): a file may bring hundreds of thousands, past the engine's argument limit.
    for (const f of derived.findings) findings.push(f);
    derivedNotes.push(...derived.notes);
    errors.push(...report.errors.map((e) => (several ? `${label}: ${e}` : e)));
    legSummaries.push({
      label,
      reference: renamed(report.reference, label),
      variants: mine.map((v) => v.name),
      generatedAt: report.generatedAt,
      commit: report.commit,
      verdict: report.verdict,
      // Its errors say so too, but a reader of report.json looks for the field a single run has.
      ...(report.cancelled ? { cancelled: report.cancelled } : {}),
    });
  }
  if (legs.length === 0 && errors.length === 0) errors.push('there was no report to merge');

  // Each leg's own caveats stay, named after the leg they belong to.
  const notes: Note[] = [
    ...legs.flatMap((l) =>
      (l.report.notes ?? []).map((n) => ({ ...n, message: `${l.label}: ${n.message}` })),
    ),
    ...derivedNotes,
  ];
  const statistics = mergedStatistics(legs.map((l) => l.report.statistics));
  const threshold = agreed({
    values: legs.map((l) => ({ label: l.label, value: l.report.threshold })),
    what: 'threshold',
    notes,
  });
  const head = agreed({
    values: legs.map((l) => ({ label: l.label, value: l.report.commit.head })),
    what: 'the commit measured',
    notes,
  });
  const base = agreed({
    values: legs.map((l) => ({ label: l.label, value: l.report.commit.base })),
    what: 'the base commit',
    notes,
  });
  // Which commit base is, and why, where the legs agree on it.
  const baseline = legs
    .map((l) => l.report.baseline as unknown)
    .find((b): b is NonNullable<Report['baseline']> => isBaseline(b) && b.sha === base);
  const decided = verdict({
    findings,
    failOn: options.failOn,
    optionalVariants: new Set(variants.filter((v) => v.optional).map((v) => v.name)),
  });
  const reasons = [
    ...decided.reasons,
    ...(errors.length > 0
      ? [`the report is incomplete: ${errors.length} error${errors.length === 1 ? '' : 's'}`]
      : []),
  ];
  const firstReference = legSummaries[0]?.reference ?? '';
  return {
    schema: REPORT_SCHEMA,
    generatedAt: options.generatedAt,
    reference: firstReference,
    threshold: threshold ?? options.threshold,
    commit: { head: head ?? null, base: base ?? null },
    ...(baseline ? { baseline: { sha: baseline.sha, reason: baseline.reason } } : {}),
    variants,
    findings,
    verdict: reasons.length > 0 ? 'fail' : 'pass',
    verdictReasons: reasons,
    errors,
    legs: legSummaries,
    ...(notes.length > 0 ? { notes } : {}),
    ...(statistics ? { statistics } : {}),
  };
}

/** The legs' families side by side: each leg was corrected on its own, so the counts add up. */
function mergedStatistics(all: readonly (DecisionStatistics | undefined)[]): DecisionStatistics | undefined {
  const present = all.filter((s): s is DecisionStatistics => s !== undefined);
  if (present.length === 0) return undefined;
  const groups = new Map<string, DecisionGroup>();
  for (const g of present.flatMap((s) => s.groups)) {
    const key = `${g.against}/${g.metric}`;
    const seen = groups.get(key);
    groups.set(
      key,
      seen
        ? {
            ...seen,
            compared: seen.compared + g.compared,
            undecided: seen.undecided + g.undecided,
            tooFewRuns: seen.tooFewRuns + g.tooFewRuns,
          }
        : g,
    );
  }
  const splitSuites = present.reduce((sum, s) => sum + (s.splitSuites ?? 0), 0);
  return {
    method: 'holm',
    alpha: present[0]!.alpha,
    family: present.reduce((sum, s) => sum + s.family, 0),
    groups: [...groups.values()],
    ...(splitSuites > 0 ? { splitSuites } : {}),
  };
}

function isBaseline(value: unknown): value is NonNullable<Report['baseline']> {
  if (typeof value !== 'object' || value === null) return false;
  const { sha, reason } = value as Record<string, unknown>;
  return typeof sha === 'string' && typeof reason === 'string';
}
