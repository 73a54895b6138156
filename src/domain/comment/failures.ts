// The failing tests, each said to be new or not, and whether it passes under the baseline.
import { codeSpan, escapeInline } from '../escape.js';
import type { Report, VariantReport } from '../report.js';
import { describeFinding, FAILING_KINDS } from './finding.js';
import type { Section } from './format.js';
import { failingIds, type Shape } from './shape.js';

export function failureSection(report: Report, shape: Shape): Section | null {
  const findings = report.findings.filter((f) => FAILING_KINDS.has(f.kind) && !f.kind.includes('crash'));
  if (findings.length === 0) return null;
  // Once per variant, not once per finding: a suite of 20,000 tests with hundreds of failures.
  const failing = new Map<VariantReport, Set<string>>();
  const failingIn = (v: VariantReport): Set<string> => {
    const known = failing.get(v) ?? failingIds(v);
    failing.set(v, known);
    return known;
  };
  const messages = new Map<VariantReport, Map<string, string | undefined>>();
  const messageOf = (v: VariantReport, id: string | null): string | undefined => {
    let byId = messages.get(v);
    if (!byId) {
      byId = new Map();
      for (const c of v.tests.cases) if (!byId.has(c.id)) byId.set(c.id, c.message);
      messages.set(v, byId);
    }
    return id === null ? undefined : byId.get(id);
  };
  const items = findings.map((f) => {
    const variant = report.variants.find((v) => v.name === f.variant);
    const baseline = variant ? shape.baselineOf(variant) : undefined;
    const message = variant ? messageOf(variant, f.name) : undefined;
    const notes = [
      f.kind === 'new-failure' && f.against === 'base' ? 'new: passes on the base commit' : '',
      f.kind === 'failure' ? 'fails on the base commit too' : '',
      baseline && baseline.tests.status !== 'not-run' && f.name !== null && !failingIn(baseline).has(f.name)
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
