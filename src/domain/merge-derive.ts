// Mode `report` reads files that untrusted code may have written (a fork's measuring job): a
// report with 225,000 failed tests and no findings once rendered "all clear". So what can be
// derived from the merged variants is derived again, not trusted: the test counts from the test
// cases, the test, install, GIL, crash and thread findings from the variants (as run.ts makes
// them), and the timing findings from each comparison's own verdict. Findings nothing here can
// derive (missing benchmarks) are kept as written.
import { variantFindings } from './findings.js';
import { caseCounts } from './test-counts.js';
import type { Finding, Note, RatioSummary, TestSummary, VariantReport } from './report.js';

const COUNTED = ['passed', 'failed', 'errors', 'skipped', 'crashed', 'timedOut'] as const;

/**
 * The counts as the test cases say (as suite/tests.ts counts them); a run without per-test cases
 * has only the runner's summary line, kept. The status follows: a crash counted is a crashed run.
 */
export function recount(tests: TestSummary): { tests: TestSummary; changed: string[] } {
  if (tests.cases.length === 0) return { tests, changed: [] };
  const counts = caseCounts(tests.cases, tests.crashes);
  const changed = COUNTED.filter((k) => counts[k] !== tests[k]).map(
    (k) => `${k} ${tests[k]} -> ${counts[k]}`,
  );
  const status: TestSummary['status'] =
    counts.crashed > 0
      ? 'crashed'
      : counts.timedOut > 0
        ? 'timedOut'
        : tests.status === 'passed' && counts.failed + counts.errors > 0
          ? 'failed'
          : tests.status;
  if (status !== tests.status) changed.push(`status ${tests.status} -> ${status}`);
  return changed.length === 0 ? { tests, changed } : { tests: { ...tests, ...counts, status }, changed };
}

/** A variant with its test counts (head and base) recounted, and a note where they had to change. */
export function recountVariant(
  variant: VariantReport,
  label: string,
): { variant: VariantReport; notes: Note[] } {
  const head = recount(variant.tests);
  const base = variant.base?.tests ? recount(variant.base.tests) : null;
  const notes: Note[] = [];
  const say = (where: string, changed: readonly string[]): void => {
    if (changed.length > 0)
      notes.push({
        kind: 'merge',
        variant: variant.name,
        message: `${label}: the test counts of ${variant.name}${where} disagreed with its test cases, so they were counted again (${changed.join(', ')})`,
      });
  };
  say('', head.changed);
  say(' on the base commit', base?.changed ?? []);
  if (head.changed.length === 0 && (base?.changed.length ?? 0) === 0) return { variant, notes };
  return {
    variant: {
      ...variant,
      tests: head.tests,
      ...(variant.base && base ? { base: { ...variant.base, tests: base.tests } } : {}),
    },
    notes,
  };
}

const isTiming = (f: Finding): boolean =>
  (f.kind === 'regression' || f.kind === 'improvement') &&
  (f.metric === 'startup' || f.metric === 'throughput');

/** Kinds that variantFindings or the comparisons make: any such finding a file brings is replaced. */
function derivable(f: Finding): boolean {
  return f.kind !== 'missing-benchmark' && f.kind !== 'timeout';
}

function timingFindings(variant: VariantReport, written: readonly Finding[]): Finding[] {
  const findings: Finding[] = [];
  const metrics = [
    ...variant.startup.map((m) => ({ metric: 'startup' as const, m })),
    ...variant.benchmarks.map((m) => ({ metric: 'throughput' as const, m })),
  ];
  for (const { metric, m } of metrics) {
    for (const [against, summary] of [
      ['reference', m.vsReference],
      ['base', m.vsBase],
    ] as const) {
      const decided: RatioSummary | undefined = summary;
      if (decided?.verdict !== 'regression' && decided?.verdict !== 'improvement') continue;
      // The leg's wording (p-values, the modules that moved) where it wrote the same finding.
      const same = written.find(
        (f) => isTiming(f) && f.against === against && f.metric === metric && f.name === m.name,
      );
      findings.push({
        kind: decided.verdict,
        variant: variant.name,
        against,
        metric,
        name: m.name,
        change: decided.ratio,
        detail:
          same?.detail ??
          `p = ${decided.pValue.toPrecision(2)}, 95% interval ${decided.low.toFixed(3)}x to ${decided.high.toFixed(3)}x`,
      });
    }
  }
  return findings;
}

/**
 * One leg's findings made again from its (merged, renamed) variants; `written` are the findings
 * its file brought, already renamed. A note says when the file's findings were not these.
 */
export function deriveFindings(options: {
  variants: readonly VariantReport[];
  written: readonly Finding[];
  label: string;
}): { findings: Finding[]; notes: Note[] } {
  const { variants, written } = options;
  const findings = variants.flatMap((v) => [
    ...variantFindings(v),
    ...timingFindings(
      v,
      written.filter((f) => f.variant === v.name),
    ),
  ]);
  const kept = written.filter((f) => !derivable(f));
  const key = (f: Finding): string => JSON.stringify([f.kind, f.variant, f.against, f.metric, f.name]);
  const had = new Set(written.filter(derivable).map(key));
  const made = new Set(findings.map(key));
  const added = [...made].filter((k) => !had.has(k)).length;
  const dropped = [...had].filter((k) => !made.has(k)).length;
  const notes: Note[] =
    added + dropped > 0
      ? [
          {
            kind: 'merge',
            message: `${options.label}: its findings did not follow from its own measurements, so they were made again from them (${added} added, ${dropped} dropped)`,
          },
        ]
      : [];
  return { findings: [...findings, ...kept], notes };
}
