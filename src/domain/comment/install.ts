// The variants that could not be installed, with the end of the installer's output.
import { codeBlock, codeSpan } from '../escape.js';
import type { Report } from '../report.js';
import { excerpt, type Section } from './format.js';

export function installSection(report: Report): Section | null {
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
