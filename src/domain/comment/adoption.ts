// The lines right under the headline: per variant, whether this code should adopt that build,
// and the facts that decided it (adoption.ts), in words a maintainer can act on.
import { codeSpan } from '../escape.js';
import type { Adoption, AdoptionInputs, AdoptionVerdict, Report, VariantReport } from '../report.js';
import { formatRatio, plural } from './format.js';

const WORDS: Record<AdoptionVerdict, string> = {
  'worth-it': 'worth it',
  'small-gain': 'small gain',
  'trade-off': 'a trade-off',
  'no-difference': 'no measurable difference',
  'not-worth-it': 'not worth it yet for this code',
  'not-ready': 'not ready for this code',
  undecided: 'cannot tell yet',
};

/** One bullet per variant that has an adoption verdict; none when no variant has one. */
export function adoptionLines(report: Report): string[] {
  return report.variants.flatMap((v) => (v.adoption ? [adoptionLine(v, v.adoption)] : []));
}

function adoptionLine(v: VariantReport, adoption: Adoption): string {
  const name = codeSpan(v.name, { where: 'prose', maxLength: 60 });
  const words = `**${WORDS[adoption.verdict]}**`;
  const missing = adoption.missing.length > 0 ? `, missing ${inWords(adoption.missing)}` : '';
  // An undecided verdict already says, under missing, how many benchmarks stayed undecided.
  const counts = adoption.verdict !== 'undecided';
  const groups = [performance(adoption.inputs, counts), health(adoption), gil(adoption.inputs)]
    .map((parts) => parts.join(', '))
    .filter((text) => text !== '');
  return `- ${name}: ${words}${missing}${groups.length > 0 ? `: ${groups.join('; ')}` : ''}.`;
}

/** `a`, `a and b`, `a, b and c`. */
function inWords(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A decided figure in words, or with a ? while undecided. */
function figure(ratio: number, reading: string): string {
  if (reading === 'unchanged') return '≈ unchanged';
  return reading === 'undecided' ? `${formatRatio(ratio)}?` : formatRatio(ratio);
}

function performance(inputs: AdoptionInputs, counts: boolean): string[] {
  const parts: string[] = [];
  const t = inputs.throughput;
  if (t) {
    const undecided =
      counts && t.undecided > 0 ? ` (${t.undecided} of ${plural(t.benchmarks, 'benchmark')} undecided)` : '';
    const text = figure(t.ratio, t.reading);
    // On a free-threaded build the benchmarks' plain figure is the single-threaded one.
    parts.push(
      (inputs.gilReenabledBy !== null ? `single-threaded ${text}` : `${text} throughput`) + undecided,
    );
  }
  const s = inputs.startup;
  if (s) {
    const which = s.kind === 'interpreter' ? '' : ` (${codeSpan(s.name, { where: 'prose', maxLength: 60 })})`;
    parts.push(`startup ${figure(s.ratio, s.reading)}${which}`);
  }
  const th = inputs.threads;
  if (th) {
    const at = `best ${formatRatio(th.ratio)}${th.reading === 'undecided' ? '?' : ''} at ${plural(th.threads, 'thread')}`;
    const said =
      th.reading === 'faster'
        ? 'threads pay off'
        : th.reading === 'undecided'
          ? 'thread gain undecided'
          : 'no gain from threads';
    parts.push(`${said} (${at})`);
  }
  return parts;
}

function health(adoption: Adoption): string[] {
  const i = adoption.inputs;
  if (!i.installed) return ['it did not install (see below)'];
  const parts: string[] = [];
  if (i.crashes > 0) parts.push(tests(i.crashes, 'crash'));
  if (i.hangs > 0) parts.push(tests(i.hangs, 'hang'));
  if (i.benchmarkCrash !== null) parts.push(`the benchmarks crash (${i.benchmarkCrash})`);
  if (i.failures > 0) {
    const against = codeSpan(adoption.against, { where: 'prose', maxLength: 60 });
    parts.push(`${tests(i.failures, 'fail')} that ${i.failures === 1 ? 'passes' : 'pass'} under ${against}`);
  }
  if ((i.threadUnsafe ?? 0) > 0) parts.push(`${tests(i.threadUnsafe ?? 0, 'break')} under threads`);
  if (parts.length === 0 && i.tested) parts.push('no crashes');
  return parts;
}

/** `1 test crashes`, `2 tests crash`. */
function tests(n: number, verb: string): string {
  return `${plural(n, 'test')} ${n === 1 ? `${verb}${verb.endsWith('sh') ? 'es' : 's'}` : verb}`;
}

function gil(inputs: AdoptionInputs): string[] {
  const modules = inputs.gilReenabledBy;
  if (modules === null || !inputs.tested) return [];
  if (modules.length === 0) return ['the GIL stays off'];
  const shown = modules.slice(0, 3).map((m) => codeSpan(m, { where: 'prose', maxLength: 60 }));
  const more = modules.length > 3 ? ` and ${modules.length - 3} more` : '';
  return [`the GIL comes back on (by ${shown.join(', ')}${more})`];
}
