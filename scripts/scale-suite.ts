// The synthetic project of the scale bench: SUITE_SIZE pytest-benchmark benchmarks of tens of µs
// each (pure-Python loops, dict work, string work, small allocations), in a git repository whose
// head commit differs from its base commit only in a comment: a same-code pull request.
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUITE_SIZE = 200;

/**
 * pytest-benchmark flags that let one process run all SUITE_SIZE benchmarks in a few seconds:
 * no warm-up (the action's own warm-up run and per-process medians cover it), at most 1 ms of
 * rounds per benchmark but never fewer than 15 rounds (a median of fewer is too coarse), and no
 * cacheprovider (the tree stays as checked out), no table printed.
 */
export const BENCHMARK_FLAGS =
  '-q -p no:cacheprovider --benchmark-warmup=off --benchmark-min-rounds=15 --benchmark-max-time=0.001 --benchmark-quiet';

export const BENCHMARK_COMMAND = `python -m pytest benchmarks ${BENCHMARK_FLAGS} --benchmark-json={json}`;

interface Kind {
  readonly file: string;
  readonly prefix: string;
  /** The module's helpers. */
  readonly helpers: string;
  /** The call a benchmark times, for its index k (0-49): sizes grow with k for a spread of times. */
  readonly call: (k: number) => string;
}

// Sizes picked so that a call takes about 10-50 µs (measured on CPython 3.11, 2 busy cores).
const KINDS: readonly Kind[] = [
  {
    file: 'test_loops.py',
    prefix: 'loop',
    helpers: [
      'def mod_sum(n):',
      '    total = 0',
      '    for i in range(n):',
      '        total += i * i % 7',
      '    return total',
      '',
      '',
      'def nested(n):',
      '    total = 0',
      '    for i in range(n):',
      '        for j in range(8):',
      '            total ^= i + j',
      '    return total',
    ].join('\n'),
    call: (k) => (k % 2 === 0 ? `mod_sum, ${400 + 32 * k}` : `nested, ${52 + 4 * k}`),
  },
  {
    file: 'test_dicts.py',
    prefix: 'dict',
    helpers: [
      'def build_and_read(n):',
      '    d = {i: i * 2 for i in range(n)}',
      '    return sum(d[i] for i in range(0, n, 3))',
      '',
      '',
      'def count_words(n):',
      '    counts = {}',
      '    for i in range(n):',
      '        word = WORDS[i % len(WORDS)]',
      '        counts[word] = counts.get(word, 0) + 1',
      '    return counts',
      '',
      '',
      "WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']",
    ].join('\n'),
    call: (k) => (k % 2 === 0 ? `build_and_read, ${260 + 24 * k}` : `count_words, ${200 + 16 * k}`),
  },
  {
    file: 'test_strings.py',
    prefix: 'str',
    helpers: [
      'def join_split(n):',
      "    text = '-'.join(str(i) for i in range(n))",
      "    return len(text.upper().split('-'))",
      '',
      '',
      'def format_lines(n):',
      "    return '\\n'.join(f'{i:>6}|{i * 3:x}|{i / 7:.3f}' for i in range(n))",
    ].join('\n'),
    call: (k) => (k % 2 === 0 ? `join_split, ${150 + 12 * k}` : `format_lines, ${28 + 2 * k}`),
  },
  {
    file: 'test_allocs.py',
    prefix: 'alloc',
    helpers: [
      'class Point:',
      "    __slots__ = ('x', 'y')",
      '',
      '    def __init__(self, x, y):',
      '        self.x = x',
      '        self.y = y',
      '',
      '',
      'def tuples(n):',
      '    return [(i, i + 1, str(i)) for i in range(n)]',
      '',
      '',
      'def points(n):',
      '    return sum(p.x - p.y for p in [Point(i, i // 2) for i in range(n)])',
    ].join('\n'),
    call: (k) => (k % 2 === 0 ? `tuples, ${200 + 16 * k}` : `points, ${100 + 8 * k}`),
  },
];

const PER_KIND = SUITE_SIZE / KINDS.length;

/** Writes the suite into `dir`/benchmarks; returns the benchmarks' pytest ids. */
export function writeSuite(dir: string): string[] {
  const folder = join(dir, 'benchmarks');
  mkdirSync(folder, { recursive: true });
  const ids: string[] = [];
  for (const kind of KINDS) {
    const tests: string[] = [];
    for (let k = 0; k < PER_KIND; k++) {
      const name = `test_${kind.prefix}_${String(k).padStart(3, '0')}`;
      tests.push(`def ${name}(benchmark):\n    benchmark(${kind.call(k)})\n`);
      ids.push(`benchmarks/${kind.file}::${name}`);
    }
    writeFileSync(join(folder, kind.file), `${kind.helpers}\n\n\n${tests.join('\n\n')}`);
  }
  writeFileSync(
    join(dir, 'README.md'),
    'A synthetic suite of pytest-benchmark benchmarks (npm run bench).\n',
  );
  return ids;
}

/** The comment the head commit adds, at the end of a file so no line number moves. */
export function addHeadComment(dir: string): void {
  appendFileSync(join(dir, 'benchmarks', KINDS[0]!.file), '\n# A comment: the only change on head.\n');
}
