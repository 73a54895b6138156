// `-X importtime` as CPython 3.14.10 and 3.15.2 (Debian sid's builds) really print it. 3.14's
// `-X importtime=2` also lists every import of a module already loaded, as "cached" rows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heaviestImports, parseImportTime } from '../../src/domain/importtime.js';

const real = (name: string): string =>
  readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8');

describe('-X importtime of 3.14 and 3.15', () => {
  it('3.14.10 -X importtime=2: the timed rows, without the cached ones', () => {
    const text = real('importtime-2-3.14.10.txt');
    const parsed = parseImportTime(text);
    const rows = text.split('\n').filter((l) => /^import time:\s+\d/.test(l)).length;
    expect(text).toMatch(/^import time: cached\s+\| cached\s+\|/m);
    expect(parsed.modules).toHaveLength(rows);
    expect(parsed.modules.every((m) => Number.isFinite(m.selfUs) && Number.isFinite(m.cumulativeUs))).toBe(
      true,
    );
    const json = parsed.modules.find((m) => m.module === 'json');
    expect(json?.depth).toBe(0);
    expect(parsed.modules.find((m) => m.module === 'email.utils')?.depth).toBe(0);
    expect(parsed.totalUs).toBeGreaterThanOrEqual(json?.cumulativeUs ?? Infinity);
  });

  it('3.15.2 -X importtime: rows, depths and the heaviest', () => {
    const parsed = parseImportTime(real('importtime-3.15.2.txt'));
    expect(parsed.modules.at(-1)).toEqual({
      module: 'email.utils',
      selfUs: 1823,
      cumulativeUs: 55373,
      depth: 0,
    });
    expect(parsed.modules.find((m) => m.module === 'urllib.parse')).toMatchObject({
      depth: 1,
      cumulativeUs: 36939,
    });
    const top = Math.max(...parsed.modules.map((m) => m.cumulativeUs));
    expect(heaviestImports(parsed, { count: 1 })[0]?.cumulativeUs).toBe(top);
  });
});
