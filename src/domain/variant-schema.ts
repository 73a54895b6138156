// What the comment renders of `variants[].adoption`, `.slowTests` and `.slowTestsVsBase`, checked when mode
// `report` reads a report file, since a fork's workflow may have written it.
import type { Checker } from './merge.js';
import type { AdoptionReading, AdoptionVerdict } from './report.js';

// Records, so a verdict or reading added to report.ts fails to compile here until it is checked.
const VERDICTS: Record<AdoptionVerdict, true> = {
  'worth-it': true,
  'small-gain': true,
  'trade-off': true,
  'no-difference': true,
  'not-worth-it': true,
  'not-ready': true,
  undecided: true,
};
const READINGS: Record<AdoptionReading, true> = {
  faster: true,
  unchanged: true,
  slower: true,
  undecided: true,
};

export function checkAdoption(c: Checker, value: unknown, path: string): void {
  const a = c.object(value, path);
  c.oneOf(a['verdict'], `${path}.verdict`, Object.keys(VERDICTS));
  c.string(a['against'], `${path}.against`);
  c.strings(a['missing'], `${path}.missing`);
  const i = c.object(a['inputs'], `${path}.inputs`);
  const p = `${path}.inputs`;
  for (const k of ['installed', 'tested'] as const) c.boolean(i[k], `${p}.${k}`);
  for (const k of ['crashes', 'hangs', 'failures'] as const) c.count(i[k], `${p}.${k}`);
  c.nullableString(i['benchmarkCrash'], `${p}.benchmarkCrash`);
  if (i['threadUnsafe'] !== null) c.count(i['threadUnsafe'], `${p}.threadUnsafe`);
  if (i['gilReenabledBy'] !== null) c.strings(i['gilReenabledBy'], `${p}.gilReenabledBy`);
  const figure = (
    key: string,
    numbers: readonly string[],
    counts: readonly string[],
  ): Record<string, unknown> | null => {
    if (i[key] === null) return null;
    const f = c.object(i[key], `${p}.${key}`);
    for (const k of numbers) c.number(f[k], `${p}.${key}.${k}`);
    for (const k of counts) c.count(f[k], `${p}.${key}.${k}`);
    c.oneOf(f['reading'], `${p}.${key}.reading`, Object.keys(READINGS));
    return f;
  };
  const throughput = figure('throughput', ['ratio', 'low', 'high'], ['benchmarks', 'undecided']);
  if (throughput) c.boolean(throughput['beyondThreshold'], `${p}.throughput.beyondThreshold`);
  const startup = figure('startup', ['ratio'], []);
  if (startup) {
    c.string(startup['name'], `${p}.startup.name`);
    c.oneOf(startup['kind'], `${p}.startup.kind`, ['interpreter', 'import', 'command']);
  }
  const threads = figure('threads', ['ratio'], ['threads', 'referenceThreads']);
  if (threads) c.string(threads['workload'], `${p}.threads.workload`);
}

function checkSlowTestList(
  c: Checker,
  value: unknown,
  options: { path: string; baselineSeconds: string; sides: readonly [string, string] },
): void {
  const { path } = options;
  c.array(value, path).forEach((x, i) => {
    const p = `${path}[${i}]`;
    const t = c.object(x, p);
    c.string(t['id'], `${p}.id`);
    for (const k of [options.baselineSeconds, 'seconds', 'ratio']) c.number(t[k], `${p}.${k}`);
    c.nullableString(t['agreed'], `${p}.agreed`, /^\d+\/\d+$/);
    if (t['agreed'] === null) c.fail(`${p}.agreed`, 'a string like k/N', null);
    const reruns = c.object(t['reruns'], `${p}.reruns`);
    for (const side of options.sides)
      c.array(reruns[side], `${p}.reruns.${side}`).forEach((v, j) =>
        c.nullableNumber(v, `${p}.reruns.${side}[${j}]`),
      );
  });
}

export function checkSlowTests(c: Checker, value: unknown, path: string): void {
  checkSlowTestList(c, value, { path, baselineSeconds: 'referenceSeconds', sides: ['reference', 'variant'] });
}

export function checkSlowTestsVsBase(c: Checker, value: unknown, path: string): void {
  checkSlowTestList(c, value, { path, baselineSeconds: 'baseSeconds', sides: ['base', 'head'] });
}
