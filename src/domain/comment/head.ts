// The first lines: the headline, the commit and threshold, why the check failed, and the legend
// under the summary table.
import { codeSpan, escapeInline } from '../escape.js';
import { verdict as decide, type FailOnRule } from '../findings.js';
import type { Finding, Report } from '../report.js';
import { baseMeta, eventMeta } from './baseline.js';
import { describeFinding } from './finding.js';
import { statisticsFootnote, undecidedGated, undecidedText } from './decisions.js';
import { plural } from './format.js';

const SHOWN_PER_RULE = 5;

/** Why the check failed: each fail-on rule with the findings it matched. */
export function whyLines(report: Report, failOn: ReadonlySet<FailOnRule> | undefined): string[] {
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

export function headline(report: Report, failOn?: ReadonlySet<FailOnRule>): string {
  if (report.verdict === 'fail') return '## ❌ CPython variants: the check failed';
  // "All clear" is a claim about every gated comparison: with some undecided, say so instead.
  const open = undecidedText(undecidedGated(report, failOn));
  if (open) return `## ⚠️ CPython variants: no regression found; ${open}`;
  return report.findings.some(notable)
    ? '## ✅ CPython variants: the check passed, with findings'
    : '## ✅ CPython variants: all clear';
}

export function metaLine(report: Report): string {
  const sha = (s: string | null): string => (s ? codeSpan(s.slice(0, 12), { where: 'prose' }) : '');
  const parts = [
    eventMeta(report),
    report.commit.head ? `commit ${sha(report.commit.head)}` : '',
    baseMeta(report),
    `reference ${codeSpan(report.reference, { where: 'prose', maxLength: 60 })}`,
    `threshold ${Math.round(report.threshold * 1000) / 10}%`,
    (report.legs?.length ?? 0) > 1 ? `merged from ${report.legs?.length} reports` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

export function legend(report: Report): string {
  const threshold = `${Math.round(report.threshold * 1000) / 10}%`;
  const crossLeg =
    (report.legs?.length ?? 0) > 1
      ? " Each variant is compared with its own report's reference, and a report's reference with the first report's: another machine, so at most a ?."
      : '';
  return (
    `<sub>A ratio is a variant's time over its baseline's (the reference, or the same variant on the base commit): ` +
    `1.42x slower takes 1.42 times as long, 1.25x faster takes 1/1.25 of the time. ` +
    `**Bold**: a change of at least ${threshold} that is statistically significant; ≈: no such change; ?: not enough evidence either way. ` +
    `Startup is the median of \`python -c pass\`; throughput the geometric mean over benchmarks, marked ? while any of them is undecided.${statisticsFootnote(report)}${crossLeg}</sub>`
  );
}
