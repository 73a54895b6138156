// The timing findings: regressions, improvements, missing benchmarks, flaky tests.
import type { Report } from '../report.js';
import { describeFinding, FAILING_KINDS } from './finding.js';
import type { Section } from './format.js';

export function timingFindingsSection(report: Report): Section | null {
  const findings = report.findings.filter(
    (f) =>
      !FAILING_KINDS.has(f.kind) &&
      f.metric !== 'gil' &&
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
