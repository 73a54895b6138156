// Everything that came from the tested code (test names, module names, output excerpts) passes
// through here before it reaches GitHub-flavoured markdown. A hostile or merely unlucky test name
// must not inject HTML, split a table row, ping a person or team, link an issue, or restyle the
// comment. The fuzz in __tests__/domain/escape.test.ts renders these with cmark-gfm, the engine
// GitHub uses, to hold that promise.

const DEFAULT_MAX_LENGTH = 300;
const ELLIPSIS = '…';

// GitHub links @mentions, #123, GH-123 and bare URLs in the *text* of the rendered HTML, after
// markdown is done, so a backslash escape alone does not stop them. A zero-width space splits the
// token without changing what the reader sees.
const ZWSP = '\u200B';
const LINK_BREAKERS: readonly (readonly [RegExp, string])[] = [
  [/@/g, `@${ZWSP}`],
  [/#/g, `#${ZWSP}`],
  [/(gh)-(?=\d)/gi, `$1${ZWSP}-`],
  [/:\/\//g, `:${ZWSP}//`],
  [/(www)\./gi, `$1${ZWSP}.`],
];

// Entities rather than backslashes for these three, so no raw HTML survives whatever the renderer.
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
// The ASCII punctuation that means something to GFM (emphasis, links, images, code, strikethrough,
// tables, headings and lists at a line start, autolinks, GitHub's `$` math); any of them may be
// backslash-escaped in CommonMark, and the escape renders as the bare character.
const MARKDOWN_PUNCTUATION = new Set('\\`*_{}[]()#+-.!|~:$');

// A table row is one line, and so is a sentence we build around a name.
const LINE_BREAKS = /\r\n|[\n\r\t\v\f\u0085\u2028\u2029]/g;
// Control characters, bidirectional overrides (which can make a test name read as something else:
// Trojan Source) and lone surrogates (which UTF-8 cannot carry) become U+FFFD, as cmark does with NUL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// Tabs and newlines are the code's own layout in a block.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BLOCK_UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface InlineOptions {
  /** Characters kept (code points, before escaping); longer text ends with an ellipsis. Default 300. */
  readonly maxLength?: number;
}

export interface CodeSpanOptions extends InlineOptions {
  /**
   * GFM splits table cells on `|` even inside code spans, unless it is written `\|`; in prose that
   * backslash would show. Default 'table'.
   */
  readonly where?: 'table' | 'prose';
}

/** Text for a table cell or a sentence: one line, no HTML, no markdown, no pings or autolinks. */
export function escapeInline(text: string, options: InlineOptions = {}): string {
  let line = oneLine(text, options.maxLength ?? DEFAULT_MAX_LENGTH);
  for (const [pattern, replacement] of LINK_BREAKERS) line = line.replace(pattern, replacement);
  let escaped = '';
  for (const ch of line) escaped += HTML_ENTITIES[ch] ?? (MARKDOWN_PUNCTUATION.has(ch) ? `\\${ch}` : ch);
  return escaped;
}

/** An inline code span that no content can close early, on one line; '' for empty text. */
export function codeSpan(text: string, options: CodeSpanOptions = {}): string {
  let content = oneLine(text, options.maxLength ?? DEFAULT_MAX_LENGTH);
  if (content === '') return '';
  if ((options.where ?? 'table') === 'table') content = content.replaceAll('|', '\\|');
  // Renderers disagree on whether an all-space span loses its end spaces (CommonMark 0.29 keeps
  // them, cmark-gfm 0.29.0.gfm.6 strips them); no-break spaces are never stripped.
  if (/^ +$/.test(content)) content = content.replaceAll(' ', '\u00A0');
  const fence = '`'.repeat(longestRun(content, '`') + 1);
  // One space is stripped from each end when both are spaces, and a backtick next to the fence
  // would lengthen it: a space on each side keeps the content exactly as given.
  const touchesFence = content.startsWith('`') || content.endsWith('`');
  const wouldBeStripped = content.startsWith(' ') && content.endsWith(' ');
  const pad = touchesFence || wouldBeStripped ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick or tilde run inside it. */
export function codeBlock(text: string, lang?: string): string {
  const body = text
    .replace(/\r\n?/g, '\n')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(BLOCK_UNPRINTABLE, '\uFFFD');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1, longestRun(body, '~') + 1));
  // A backtick in the info string would end a backtick fence's opening line early.
  const info = (lang ?? '').replace(/[^\w+#.-]/g, '');
  const newline = body === '' || body.endsWith('\n') ? '' : '\n';
  return `${fence}${info}\n${body}${newline}${fence}`;
}

/**
 * The hidden marker that tells this action's comment apart, one per comment key. The key is
 * percent-encoded outside a small safe set (and a `-` after a `-`), so it cannot close the HTML
 * comment and two different keys never give the same marker.
 */
export function commentMarker(key: string): string {
  let safe = '';
  for (const ch of key) {
    const keep = /^[A-Za-z0-9._~:/@+=,-]$/.test(ch) && !(ch === '-' && safe.endsWith('-'));
    safe += keep ? ch : percentEncode(ch);
  }
  return `<!-- cpython-variants:${safe} -->`;
}

function oneLine(text: string, maxLength: number): string {
  const clean = text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(LINE_BREAKS, ' ')
    .replace(UNPRINTABLE, '\uFFFD');
  const points = Array.from(clean);
  if (points.length <= maxLength) return clean;
  return points.slice(0, Math.max(0, maxLength - 1)).join('') + ELLIPSIS;
}

function longestRun(text: string, ch: '`' | '~'): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === ch ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

function percentEncode(ch: string): string {
  return Array.from(
    new TextEncoder().encode(ch),
    (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}
