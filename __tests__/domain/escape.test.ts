import { spawnSync } from 'node:child_process';
import { markdownTable } from 'markdown-table';
import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan, commentMarker, escapeInline } from '../../src/domain/escape.js';

const Z = '\u200B';

describe('escapeInline', () => {
  it.each([
    ['plain words', 'test_addition', 'test\\_addition'],
    ['raw HTML', '<script>alert(1)</script>', '&lt;script&gt;alert\\(1\\)&lt;/script&gt;'],
    ['an entity stays literal', '&lt;b&gt;', '&amp;lt;b&amp;gt;'],
    ['table pipes', 'a|b', 'a\\|b'],
    ['newlines of every kind', 'l1\nl2\r\nl3\rl4\u2028l5\tl6', 'l1 l2 l3 l4 l5 l6'],
    ['NUL and other controls', 'a\u0000b\u001Bc\u007F', 'a\uFFFDb\uFFFDc\uFFFD'],
    ['a bidi override', 'safe\u202Eevil', 'safe\uFFFDevil'],
    ['a lone surrogate', 'a\uD800b', 'a\uFFFDb'],
    ['a mention', 'ping @octocat', `ping @${Z}octocat`],
    ['a team mention', '@org/team', `@${Z}org/team`],
    ['an email autolink', 'me@example.com', `me@${Z}example\\.com`],
    ['an issue reference', 'fixes #123', `fixes \\#${Z}123`],
    ['a GH- reference', 'GH-12 and gh-3', `GH${Z}\\-12 and gh${Z}\\-3`],
    ['a cross-repository reference', 'owner/repo#5', `owner/repo\\#${Z}5`],
    ['a URL', 'see http://e.com/x', `see http\\:${Z}//e\\.com/x`],
    ['a www. link', 'www.e.com', `www${Z}\\.e\\.com`],
    ['a markdown link', '[x](http://e)', `\\[x\\]\\(http\\:${Z}//e\\)`],
    ['an image', '![i](u)', '\\!\\[i\\]\\(u\\)'],
    ['emphasis and strikethrough', '**b** _i_ ~~s~~', '\\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~'],
    ['code and math', '`x` $y$', '\\`x\\` \\$y\\$'],
    ['a backslash', 'a\\b', 'a\\\\b'],
    ['a list or heading start', '- 1. # x', '\\- 1\\. \\#\u200B x'],
    ['unicode', 'naïve 日本 🐍', 'naïve 日本 🐍'],
  ])('%s', (_, input, expected) => {
    expect(escapeInline(input)).toBe(expected);
  });

  it('bounds the length in code points, with an ellipsis', () => {
    expect(escapeInline('a'.repeat(400))).toBe(`${'a'.repeat(299)}…`);
    expect(escapeInline('🐍'.repeat(10), { maxLength: 4 })).toBe('🐍🐍🐍…');
    expect(escapeInline('abc', { maxLength: 3 })).toBe('abc');
  });
});

describe('codeSpan', () => {
  it.each([
    ['plain', 'x.y', {}, '`x.y`'],
    ['empty', '', {}, ''],
    ['HTML stays literal', '<b>&amp;', {}, '`<b>&amp;`'],
    ['a backtick inside', 'a`b', {}, '``a`b``'],
    ['a run of backticks', 'a```b`', {}, '```` a```b` ````'],
    ['a backtick at the start', '`a', {}, '`` `a ``'],
    ['spaces on both ends', ' a ', {}, '`  a  `'],
    ['only spaces', '   ', {}, '`\u00A0\u00A0\u00A0`'],
    ['a pipe, in a table', 'a|b', {}, '`a\\|b`'],
    ['a pipe, in prose', 'a|b', { where: 'prose' as const }, '`a|b`'],
    ['newlines', 'a\nb', {}, '`a b`'],
    ['bounded', 'x'.repeat(10), { maxLength: 5 }, '`xxxx…`'],
  ])('%s', (_, input, options, expected) => {
    expect(codeSpan(input, options)).toBe(expected);
  });
});

describe('codeBlock', () => {
  it.each([
    ['plain', 'x = 1', undefined, '```\nx = 1\n```'],
    ['with a language', 'x\n', 'python', '```python\nx\n```'],
    ['a fence inside', 'a\n```\nb', undefined, '````\na\n```\nb\n````'],
    ['a tilde fence inside', '~~~~~\n', undefined, '``````\n~~~~~\n``````'],
    ['CRLF and NUL', 'a\r\nb\u0000', undefined, '```\na\nb\uFFFD\n```'],
    ['a language that tries to break out', 'x', 'py`\n<b>', '```pyb\nx\n```'],
    ['empty', '', undefined, '```\n```'],
  ])('%s', (_, input, lang, expected) => {
    expect(codeBlock(input, lang)).toBe(expected);
  });
});

describe('commentMarker', () => {
  it.each([
    ['ci/variants', '<!-- cpython-variants:ci/variants -->'],
    ['CI / variants (3.13)', '<!-- cpython-variants:CI%20/%20variants%20%283.13%29 -->'],
    ['a-->b', '<!-- cpython-variants:a-%2D%3Eb -->'],
    ['x--!>', '<!-- cpython-variants:x-%2D%21%3E -->'],
    ['100%', '<!-- cpython-variants:100%25 -->'],
    ['é', '<!-- cpython-variants:%C3%A9 -->'],
  ])('%j', (key, expected) => {
    expect(commentMarker(key)).toBe(expected);
    expect(expected.indexOf('-->')).toBe(expected.length - 3);
  });

  it('gives different keys different markers', () => {
    const keys = ['a b', 'a%20b', 'a-b', 'a--b', 'a-%2Db', 'A b'];
    expect(new Set(keys.map(commentMarker)).size).toBe(keys.length);
  });
});

// The real GFM renderer, as GitHub runs it; the promises above are only worth what it renders.
const CMARK = ['cmark-gfm', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '--unsafe'] as const;
const HAVE_CMARK = spawnSync(CMARK[0], ['--version']).status === 0;
const SKIP_NOTE = HAVE_CMARK ? '' : ' [SKIPPED: cmark-gfm is not installed; apt-get install cmark-gfm]';
if (!HAVE_CMARK) console.warn(`escape fuzz skipped: cmark-gfm is not on PATH`);

function render(markdown: string): string {
  const result = spawnSync(CMARK[0], CMARK.slice(1), {
    input: markdown,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(`cmark-gfm failed: ${result.stderr}`);
  return result.stdout;
}

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

/** What a reader should see: the spec of escapeInline/codeSpan, written out independently. */
function visible(text: string, maxLength = 300): string {
  const clean = text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/\r\n|[\r\n\t\v\f\u0085\u2028\u2029]/g, ' ')
    .replace(/\p{Cc}|[\u202A-\u202E\u2066-\u2069]/gu, '\uFFFD');
  const points = [...clean];
  return points.length > maxLength ? `${points.slice(0, maxLength - 1).join('')}…` : clean;
}

/** mulberry32: a small seeded PRNG, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</td></tr><tr><td>',
  '<!--',
  '-->',
  '<details open>',
  '<a href="http://e">x</a>',
  '<http://e.com>',
  '<b',
  '>',
  '<',
  '|',
  '||',
  '\\|',
  '\\\\|',
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  '\t',
  '\u0000',
  '\u0007',
  '`',
  '``',
  '```',
  '````',
  '~~~',
  '~~del~~',
  '@user',
  '@org/team',
  '@a-b',
  ' @x',
  'a@b.com',
  '#123',
  '#1',
  'GH-1',
  'gh-42',
  'owner/repo#5',
  'owner/repo@abc1234',
  'http://e.com',
  'https://evil.example/x?y=1',
  'www.example.com',
  'WWW.X.ORG',
  'ftp://x',
  'javascript:alert(1)',
  'mailto:a@b',
  '[x](http://e)',
  '![i](http://e)',
  '[ref]: http://e',
  '[x][ref]',
  '[^1]',
  '**',
  '__',
  '*',
  '_',
  '$x$',
  '$$',
  ':tada:',
  '&amp;',
  '&lt;b&gt;',
  '&#60;',
  '&#x3C;script',
  '&',
  '&&',
  '\\',
  '\\\\',
  '- ',
  '1. ',
  '# ',
  '> ',
  '---',
  '===',
  '    code',
  '|---|',
  ':-:',
  'é',
  '日本',
  '🐍',
  '👩‍💻',
  '\u202E',
  '\u2066',
  '\u200B',
  '\u2028',
  '\uFEFF',
  '\u00A0',
  '\uD800',
  '\uDFFF',
  ' ',
  '  ',
  'test_x',
  '[param-1]',
  '::',
  'tests/test_a.py::test_b[x|y]',
  'test_gil[3.13t]',
  'C#',
  'a'.repeat(80),
];

function hostileName(next: () => number): string {
  const pick = (): string => HOSTILE[Math.floor(next() * HOSTILE.length)] ?? '';
  let name = '';
  const parts = 1 + Math.floor(next() * 8);
  for (let i = 0; i < parts; i += 1) name += (next() < 0.3 ? ' ' : '') + pick();
  // Now and then long enough to be cut, so the ellipsis lands next to every kind of escape.
  return next() < 0.05 ? name.repeat(1 + Math.floor(next() * 40)) : name;
}

interface Row {
  readonly name: string;
  readonly excerpt: string;
}

const ALLOWED = new Set(['table', 'thead', 'tbody', 'tr', 'th', 'td', 'code']);

function checkBatch(rows: readonly Row[]): void {
  const table = markdownTable([
    ['test', 'node id', 'output'],
    ...rows.map((row) => [
      escapeInline(row.name),
      codeSpan(row.name),
      escapeInline(row.excerpt, { maxLength: 120 }),
    ]),
  ]);
  const html = render(table);

  expect(html).not.toMatch(/<[!?]/);
  expect(html).not.toMatch(/<a[\s>]/);
  expect(html).not.toMatch(/<img/);
  for (const [tag, name, attributes] of html.matchAll(/<\/?([A-Za-z][\w-]*)([^>]*)>/g)) {
    if (!ALLOWED.has(name ?? '') || attributes !== '') throw new Error(`unexpected tag ${tag} in\n${html}`);
  }

  const trs = [...html.matchAll(/<tr>\n([\s\S]*?)<\/tr>/g)];
  expect(trs).toHaveLength(rows.length + 1);
  trs.slice(1).forEach((tr, i) => {
    const row = rows[i];
    if (row === undefined) throw new Error('more rows than written');
    const cells = [...(tr[1] ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1] ?? '');
    const context = `row ${i}: ${JSON.stringify(row)}`;
    expect(cells, context).toHaveLength(3);
    const [nameCell = '', codeCell = '', excerptCell = ''] = cells;

    for (const [cell, source, maxLength] of [
      [nameCell, row.name, 300],
      [excerptCell, row.excerpt, 120],
    ] as const) {
      expect(cell, context).not.toMatch(/</);
      const text = decode(cell);
      // What GitHub would turn into pings and links after rendering.
      expect(text, context).not.toMatch(/@[A-Za-z0-9_-]/);
      expect(text, context).not.toMatch(/#\d|gh-\d|:\/\/|www\./i);
      expect(text.replaceAll(Z, ''), context).toBe(
        visible(source, maxLength)
          .replace(/^ +| +$/g, '')
          .replaceAll(Z, ''),
      );
    }

    const expectedCode = visible(row.name);
    if (expectedCode === '') {
      expect(codeCell, context).toBe('');
    } else {
      const code = /^<code>([^<]*)<\/code>$/.exec(codeCell);
      expect(code, `${context}\n${codeCell}`).not.toBeNull();
      expect(decode(code?.[1] ?? ''), context).toBe(
        /^ +$/.test(expectedCode) ? expectedCode.replaceAll(' ', '\u00A0') : expectedCode,
      );
    }
  });
}

describe(`escaping fuzz, rendered by cmark-gfm${SKIP_NOTE}`, () => {
  it.skipIf(!HAVE_CMARK)('10,000 hostile test names stay text in a 3-column table', () => {
    const next = prng(0x5eed);
    for (let batch = 0; batch < 20; batch += 1) {
      const rows = Array.from({ length: 500 }, () => ({
        name: hostileName(next),
        excerpt: hostileName(next),
      }));
      checkBatch(rows);
    }
  });

  it.skipIf(!HAVE_CMARK)('code blocks keep any content inside one block', () => {
    const next = prng(42);
    const texts = Array.from({ length: 500 }, () => hostileName(next).replace(/\r\n?/g, '\n'));
    const html = render(texts.map((text) => codeBlock(text, 'text')).join('\n\n'));
    const blocks = [...html.matchAll(/<pre><code[^>]*>([^<]*)<\/code><\/pre>/g)].map((m) =>
      decode(m[1] ?? ''),
    );
    expect(blocks).toHaveLength(texts.length);
    blocks.forEach((block, i) => {
      const text = (texts[i] ?? '').replace(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '\uFFFD',
      );
      const expected = text.replace(/\p{Cc}/gu, (c) =>
        c === '\n' || c === '\t' || c > '\u007F' ? c : '\uFFFD',
      );
      expect(block, JSON.stringify(texts[i])).toBe(
        expected === '' || expected.endsWith('\n') ? expected : `${expected}\n`,
      );
    });
  });

  it.skipIf(!HAVE_CMARK)('a marker with a hostile key stays one hidden comment', () => {
    for (const key of ['-->', 'a--!>b', '<script>', 'x\n\n<b>y</b>', '--', '->']) {
      const marker = commentMarker(key);
      const html = render(`${marker}\n## Report\n`);
      expect(html).toBe(`${marker}\n<h2>Report</h2>\n`);
    }
  });
});
