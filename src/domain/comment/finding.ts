// One finding said as a phrase, for the reasons the check failed and the lists under them.
import { codeSpan, escapeInline } from '../escape.js';
import type { Finding } from '../report.js';
import { formatRatio } from './format.js';
import { describeGilChange } from './gil-change.js';
import { describeThreadFinding } from './thread-stress.js';

/** The findings that mean something is broken, whatever the fail-on rules say. */
export const FAILING_KINDS = new Set(['crash', 'new-crash', 'failure', 'new-failure', 'timeout']);

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
    case 'new-gil-reenabled':
      return describeGilChange(f) ?? `${quoted(f.name, 'a module')} turned the GIL back on ${where(f)}`;
    case 'regression':
    case 'improvement':
      if (f.metric === 'gil') return describeGilChange(f) ?? `${quoted(f.name, 'a module')} ${where(f)}`;
      return `${f.metric ?? 'timing'} of ${quoted(f.name, 'the whole run')} ${where(f)}: **${f.change === null ? 'changed' : formatRatio(f.change)}** ${versus}${detail}`;
    case 'gil-reenabled':
      return `${quoted(f.name, 'a module')} turned the GIL back on ${where(f)}`;
    case 'install-failure':
      return `${codeSpan(f.variant, { where: 'prose', maxLength: 60 })} could not be installed${detail}`;
    case 'missing-benchmark':
      return `${quoted(f.name, 'a benchmark')} has no result ${where(f)}${detail}`;
    case 'flaky':
    case 'new-flaky':
      return `${quoted(f.name, 'a test')} is flaky ${where(f)}${detail}`;
    case 'thread-unsafe':
    case 'new-thread-unsafe':
      return describeThreadFinding(f);
  }
}
