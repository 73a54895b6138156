// Thread stress in the comment: one line per free-threaded variant under the table (how much of
// the suite was really run in threads, and what broke), and a section with each thread-unsafe
// test, its excerpt, and whether it also fails with the GIL.
import { codeBlock, codeSpan, escapeInline } from '../escape.js';
import type { Finding, Report, ThreadStress, ThreadStressTest, VariantReport } from '../report.js';
import { gilVerdict, singleThreadedReasons, threadFindingKind } from '../thread-stress.js';

const EXCERPT_LINES = 30;
const EXCERPT_CHARS = 2_000;
const REASONS_SHOWN = 3;

function secondsText(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function name(v: VariantReport): string {
  return codeSpan(v.name, { where: 'prose', maxLength: 60 });
}

function settings(s: ThreadStress): string {
  return `${s.threads} threads x ${s.iterations}`;
}

/** `727 passed, 1 fails only under threads, 2 run single-threaded (monkeypatch)`. */
export function threadStressCounts(s: ThreadStress): string {
  const parts = [`${s.passed} passed`];
  if (s.threadUnsafe > 0)
    parts.push(`**${s.threadUnsafe} ${s.threadUnsafe === 1 ? 'fails' : 'fail'} only under threads**`);
  if (s.failedAnyway > 0) parts.push(`${s.failedAnyway} failed without threads too`);
  if (s.skipped > 0) parts.push(`${s.skipped} skipped`);
  if (s.singleThreaded > 0) {
    const reasons = singleThreadedReasons(s.tests);
    const shown = reasons
      .slice(0, REASONS_SHOWN)
      .map((r) => `${escapeInline(r.label, { maxLength: 40 })}${reasons.length > 1 ? ` ${r.count}` : ''}`);
    const more = reasons.length > REASONS_SHOWN ? ', …' : '';
    parts.push(`${s.singleThreaded} run single-threaded (${shown.join(', ')}${more})`);
  }
  return parts.join(', ');
}

/** Under the table: one line per free-threaded variant that had thread stress. */
export function threadStressLines(report: Report): string[] {
  return report.variants.flatMap((v) => {
    const s = v.threadStress;
    if (!s) return [];
    if (s.status === 'not-run') {
      return [
        `🧵 ${name(v)} thread stress not run: ${escapeInline(s.reason ?? 'unknown reason', { maxLength: 200 })}.`,
      ];
    }
    const time = `${secondsText(s.runDurationMs)}; the tests alone took ${secondsText(v.tests.durationMs)}`;
    return [`🧵 ${name(v)} thread stress, ${settings(s)} (${time}): ${threadStressCounts(s)}.`];
  });
}

/** A finding of kind thread-unsafe / new-thread-unsafe as a phrase. */
export function describeThreadFinding(f: Finding): string {
  const test = f.name === null ? 'a test' : codeSpan(f.name, { where: 'prose', maxLength: 200 });
  const detail = f.detail ? ` (${escapeInline(f.detail, { maxLength: 200 })})` : '';
  return `🧵 ${test} fails only under threads, on ${codeSpan(f.variant, { where: 'prose', maxLength: 60 })}${detail}`;
}

function excerpt(text: string): string {
  const tail = text.split('\n').slice(-EXCERPT_LINES).join('\n');
  return tail.length > EXCERPT_CHARS ? `…${tail.slice(-EXCERPT_CHARS)}` : tail;
}

function item(v: VariantReport, s: ThreadStress, t: ThreadStressTest): string {
  const gil = gilVerdict(t);
  const facts = [
    `**${name(v)}**`,
    codeSpan(t.id, { where: 'prose', maxLength: 200 }),
    `${escapeInline(t.signal ?? t.outcome)} under ${settings(s)}`,
    t.reproduced ? `failed in ${escapeInline(t.reproduced)} repeated runs` : '',
    t.onBase ? `base commit ${escapeInline(t.onBase)}` : '',
    threadFindingKind(t) === 'new-thread-unsafe' ? '**new**' : '',
    gil
      ? `${gil} (${escapeInline(t.withGil ?? '')} under ${codeSpan(t.gilVariant ?? 'the reference', { where: 'prose', maxLength: 60 })})`
      : '',
  ];
  return `${facts.filter(Boolean).join(' · ')}\n\n${codeBlock(excerpt(t.reason), 'text')}`;
}

/** The details: each thread-unsafe test, in a shape markdown.ts can cut (`body(k)` shows k items). */
export function threadStressSection(
  report: Report,
): { summary: string; count: number; body: (k: number) => string } | null {
  const items = report.variants.flatMap((v) => {
    const s = v.threadStress;
    if (!s) return [];
    return s.tests.filter((t) => t.kind === 'thread-unsafe').map((t) => item(v, s, t));
  });
  if (items.length === 0) return null;
  const intro =
    'Each of these passed in the normal run and failed, crashed or hung with pytest-run-parallel running it in several threads at once. ' +
    'Repeated runs of the test alone under the same settings decide whether it is new: at least 2 of 3 failing on head, none of 3 on the base commit.';
  return {
    summary: `🧵 Thread-unsafe tests (${items.length})`,
    count: items.length,
    body: (k) => `${intro}\n\n${items.slice(0, k).join('\n\n')}`,
  };
}
