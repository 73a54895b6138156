// The only reader of inputs. parseInputs owns every default: a run outside the runner (the
// README's local run, the tests) gets none from action.yml. Every refusal names the input, the
// value and what is allowed, and happens before any work starts.
import { isAbsolute, resolve } from 'node:path';
import {
  canonicalName,
  parseVariant,
  splitList,
  VariantSyntaxError,
  type Variant,
} from './domain/variants.js';
import { InputError } from './domain/input-error.js';
import { outputLocation } from './output-location.js';

export { InputError };

export const FAIL_ON = [
  'crash',
  'new-crash',
  'failure',
  'new-failure',
  'regression',
  'variant-regression',
  'install-failure',
  'gil-reenabled',
  'new-gil-reenabled',
  'new-flaky',
  'thread-unsafe',
  'new-thread-unsafe',
  'none',
] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface Inputs {
  readonly variants: readonly Variant[];
  readonly reference: string;
  /** Variant name -> interpreter path, for interpreters already on the machine. */
  readonly interpreters: ReadonlyMap<string, string>;
  /** `interpreters` lines for variants not requested here, left unused. */
  readonly ignoredInterpreters: readonly string[];
  readonly pythonSource: 'auto' | 'prebuilt' | 'build';
  readonly cpythonSource: string;
  readonly prebuiltMirror: string;
  readonly prebuiltCatalog: string | null;
  readonly cache: boolean;
  readonly workingDirectory: string;
  /** null: decided from the project (pyproject / requirements); '' : nothing to install. */
  readonly installCommand: string | null;
  readonly testCommand: string;
  readonly benchmarkCommand: string | null;
  /** null: the project's own top-level packages. */
  readonly startupImports: readonly string[] | null;
  readonly startupCommand: string | null;
  /** 0.10 for 10%. */
  readonly threshold: number;
  readonly compareBase: 'auto' | 'true' | 'false';
  /** A commit or ref given in compare-base (compareBase is then 'true'); null otherwise. */
  readonly baseRevision: string | null;
  readonly failOn: ReadonlySet<FailOn>;
  readonly mode: 'run' | 'measure' | 'report';
  readonly reports: readonly string[];
  readonly measureMinutes: number;
  readonly comment: 'update' | 'new' | 'off';
  readonly commentKey: string;
  readonly githubToken: string;
  readonly commandTimeoutMinutes: number;
  /** Threads per test under pytest-run-parallel on free-threaded variants; null: `thread-stress: off`. */
  readonly threadStress: number | null;
  /** Times each thread runs each test under stress (pytest-run-parallel's --iterations). */
  readonly threadStressIterations: number;
  /** Where report.json and the markdown are written. */
  readonly outputDirectory: string;
  /** What chose outputDirectory ('the environment variable RUNNER_TEMP'), for an error writing there. */
  readonly outputChosenBy: string;
}

export const DEFAULTS = {
  variants: '3.13 3.13t 3.13+jit',
  'python-source': 'auto',
  'cpython-source': 'https://www.python.org/ftp/python/{version}/Python-{version}.tar.xz',
  'prebuilt-mirror': 'https://github.com/astral-sh/python-build-standalone/releases/download',
  cache: 'true',
  'working-directory': '.',
  'test-command': 'python -m pytest',
  threshold: '10%',
  'compare-base': 'auto',
  // A run that tested nothing never passes: a variant without `?` that fails to install fails the step.
  'fail-on': 'new-crash,new-failure,regression,install-failure,new-thread-unsafe',
  mode: 'run',
  'measure-minutes': '10',
  comment: 'update',
  'command-timeout-minutes': '30',
  'thread-stress': 'auto',
  'thread-stress-iterations': '3',
} as const;

// `thread-stress: auto` means this many threads: enough for a race to show on a 2-core runner
// without making every test wait on a large barrier.
export const AUTO_STRESS_THREADS = 4;

/** Reads one input as the runner passes it ('' when not given). */
export type InputReader = (name: string) => string;

export interface InputContext {
  /** GITHUB_WORKFLOW, GITHUB_JOB, RUNNER_TEMP and friends, for defaults that depend on the run. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

function choice<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const value = raw.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, raw, `allowed values are ${allowed.join(', ')}`);
}

// A sha, a ref with a folder (origin/main, refs/tags/v1) or HEAD~N: a typo of auto/true/false
// stays an error rather than a branch name that git then cannot find.
const REVISION = /^(?:[0-9a-f]{7,64}|[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)+|HEAD(?:[~^]\d*)+)$/i;

function compareBaseInput(raw: string): { compareBase: Inputs['compareBase']; baseRevision: string | null } {
  const value = raw.trim();
  const setting = value.toLowerCase();
  if (setting === 'auto' || setting === 'true' || setting === 'false') {
    return { compareBase: setting, baseRevision: null };
  }
  if (REVISION.test(value) && !value.includes('..')) return { compareBase: 'true', baseRevision: value };
  throw new InputError(
    'compare-base',
    raw,
    'allowed values are auto, true, false, or the commit to compare with: a sha, a ref such as origin/main or refs/tags/v1.0, or HEAD~N',
  );
}

function booleanInput(name: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(value)) return true;
  if (['false', 'no', '0', 'off'].includes(value)) return false;
  throw new InputError(name, raw, 'allowed values are true or false');
}

function positiveNumber(name: string, raw: string, max: number): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new InputError(name, raw, `it must be a number of minutes greater than 0 and at most ${max}`);
  }
  return value;
}

function count(name: string, raw: string, range: { min: number; max: number }): number {
  const value = raw.trim();
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= range.min && n <= range.max)) {
    throw new InputError(name, raw, `it must be a whole number from ${range.min} to ${range.max}`);
  }
  return n;
}

function parseThreadStress(raw: string): number | null {
  const value = raw.trim().toLowerCase();
  if (value === 'auto') return AUTO_STRESS_THREADS;
  if (value === 'off' || value === 'false') return null;
  if (!/^\d+$/.test(value)) {
    throw new InputError(
      'thread-stress',
      raw,
      'allowed values are auto, off, or a thread count from 2 to 256',
    );
  }
  // One thread would run the suite again unchanged: a waste of time that proves nothing.
  return count('thread-stress', raw, { min: 2, max: 256 });
}

// One meaning, `N%` or a bare N alike: `1` once meant 100% (a fraction) while `1.5` and `10` were
// percentages, so a careless `1` silenced every regression.
function parseThreshold(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
  const percent = m ? Number(m[1]) : NaN;
  if (!(percent > 0 && percent < 1000)) {
    throw new InputError(
      'threshold',
      raw,
      'it must be a percentage such as 10% or 2.5%, above 0% and below 1000% (a bare number is a percentage too: 10 means 10%, 1 means 1%)',
    );
  }
  return percent / 100;
}

function parseVariants(raw: string): Variant[] {
  const words = splitList(raw);
  if (words.length === 0)
    throw new InputError('variants', raw, 'name at least one variant, e.g. 3.13 3.13t 3.13+jit');
  const seen = new Map<string, string>();
  return words.map((word) => {
    let variant: Variant;
    try {
      variant = parseVariant(word);
    } catch (error) {
      if (error instanceof VariantSyntaxError) throw new InputError('variants', word, error.message);
      throw error;
    }
    const key = canonicalName(variant);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        'variants',
        raw,
        `${word} names the same variant as ${earlier}; list each variant once`,
      );
    }
    seen.set(key, word);
    return variant;
  });
}

/**
 * `interpreters` lines for the requested variants; lines for other variants are set aside
 * (`ignored`), so one shared list (an organisation variable, a self-hosted runner's builds)
 * serves matrix legs that request different variants.
 */
function parseInterpreters(
  raw: string,
  variants: readonly Variant[],
): { map: Map<string, string>; ignored: string[] } {
  const map = new Map<string, string>();
  const ignored: string[] = [];
  const names = variants.map((v) => v.name);
  for (const line of raw.split(/\r?\n/)) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const eq = text.indexOf('=');
    const name = eq > 0 ? text.slice(0, eq).trim() : '';
    const path = eq > 0 ? text.slice(eq + 1).trim() : '';
    if (!name || !path) {
      throw new InputError(
        'interpreters',
        text,
        'each line must be VARIANT=PATH, e.g. 3.13t=/opt/python3.13t/bin/python3.13t',
      );
    }
    if (!names.includes(name)) {
      try {
        parseVariant(name);
      } catch (error) {
        const why = error instanceof VariantSyntaxError ? error.message : String(error);
        throw new InputError('interpreters', text, `${name} is not a variant (${why})`);
      }
      ignored.push(name);
      continue;
    }
    if (map.has(name)) throw new InputError('interpreters', text, `${name} is given twice`);
    if (!isAbsolute(path) && !path.includes('/')) {
      throw new InputError(
        'interpreters',
        text,
        'the path must be a path to an interpreter, absolute or relative',
      );
    }
    map.set(name, path);
  }
  return { map, ignored };
}

function parseModules(raw: string): string[] | null {
  const words = splitList(raw);
  if (words.length === 0) return null;
  for (const word of words) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(word)) {
      throw new InputError(
        'startup-imports',
        word,
        'each entry must be a dotted module name such as mypkg or mypkg.sub',
      );
    }
  }
  return words;
}

function parseFailOn(raw: string): Set<FailOn> {
  const words = splitList(raw.toLowerCase());
  const set = new Set<FailOn>();
  for (const word of words) {
    // 'test-failure' is the older spelling of 'failure'.
    const normal = word === 'test-failure' ? 'failure' : word;
    if (!(FAIL_ON as readonly string[]).includes(normal)) {
      throw new InputError(
        'fail-on',
        word,
        `allowed values are ${FAIL_ON.join(', ')} (several, comma-separated)`,
      );
    }
    set.add(normal as FailOn);
  }
  if (set.has('none') && set.size > 1) {
    throw new InputError('fail-on', raw, "'none' cannot be combined with other values");
  }
  set.delete('none');
  return set;
}

function url(name: string, raw: string, opts: { allowPath: boolean }): string {
  const value = raw.trim();
  if (/^https?:\/\//i.test(value)) return value.replace(/\/+$/, '');
  if (opts.allowPath && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  throw new InputError(
    name,
    raw,
    opts.allowPath ? 'it must be an http(s) URL or a local path' : 'it must be an http(s) URL',
  );
}

function nonEmptyCommand(name: string, raw: string): string {
  if (raw.includes('\0')) throw new InputError(name, raw, 'a command cannot contain a NUL byte');
  return raw.trim();
}

export function parseInputs(read: InputReader, context: InputContext): Inputs {
  const get = (name: keyof typeof DEFAULTS | string): string => {
    const value = read(name).trim();
    return value !== '' ? value : ((DEFAULTS as Record<string, string>)[name] ?? '');
  };

  const variants = parseVariants(get('variants'));
  const names = variants.map((v) => v.name);
  const reference = get('reference') || (names[0] as string);
  if (!names.includes(reference)) {
    throw new InputError('reference', reference, `it must be one of the variants: ${names.join(', ')}`);
  }
  const mode = choice('mode', get('mode'), ['run', 'measure', 'report'] as const);
  const reports = splitList(read('reports'));
  if (mode === 'report' && reports.length === 0) {
    throw new InputError(
      'reports',
      '',
      "mode 'report' needs the paths or globs of the report.json files to merge",
    );
  }
  const benchmark = nonEmptyCommand('benchmark-command', read('benchmark-command'));
  const testCommand = nonEmptyCommand('test-command', get('test-command'));
  const installRaw = read('install-command');
  const cpythonSource = url('cpython-source', get('cpython-source'), { allowPath: true });
  if (/^https?:/i.test(cpythonSource) && !cpythonSource.includes('{version}')) {
    throw new InputError(
      'cpython-source',
      cpythonSource,
      'a URL must contain {version}, where the exact version is put',
    );
  }
  const catalog = read('prebuilt-catalog').trim();
  const workingDirectory = resolve(context.cwd, get('working-directory'));
  const env = context.env;
  const commentKey =
    read('comment-key').trim() ||
    [env['GITHUB_WORKFLOW'], env['GITHUB_JOB']].filter(Boolean).join('/') ||
    'default';
  if (commentKey.includes('-->')) {
    throw new InputError(
      'comment-key',
      commentKey,
      "it cannot contain '-->' (it goes into a hidden HTML comment)",
    );
  }

  const interpreters = parseInterpreters(read('interpreters'), variants);
  const output = outputLocation({ env, workingDirectory });
  return Object.freeze({
    variants: Object.freeze(variants),
    reference,
    interpreters: interpreters.map,
    ignoredInterpreters: Object.freeze(interpreters.ignored),
    pythonSource: choice('python-source', get('python-source'), ['auto', 'prebuilt', 'build'] as const),
    cpythonSource,
    prebuiltMirror: url('prebuilt-mirror', get('prebuilt-mirror'), { allowPath: false }),
    prebuiltCatalog: catalog === '' ? null : url('prebuilt-catalog', catalog, { allowPath: true }),
    cache: booleanInput('cache', get('cache')),
    workingDirectory,
    installCommand: installRaw.trim() === '' ? null : nonEmptyCommand('install-command', installRaw),
    testCommand,
    benchmarkCommand: benchmark === '' ? null : benchmark,
    startupImports: parseModules(read('startup-imports')),
    startupCommand: read('startup-command').trim() || null,
    threshold: parseThreshold(get('threshold')),
    ...compareBaseInput(get('compare-base')),
    failOn: parseFailOn(get('fail-on')),
    mode,
    reports: Object.freeze(reports),
    measureMinutes: positiveNumber('measure-minutes', get('measure-minutes'), 360),
    comment: choice('comment', get('comment'), ['update', 'new', 'off'] as const),
    commentKey,
    githubToken: read('github-token').trim() || env['GITHUB_TOKEN'] || '',
    commandTimeoutMinutes: positiveNumber('command-timeout-minutes', get('command-timeout-minutes'), 360),
    threadStress: parseThreadStress(get('thread-stress')),
    threadStressIterations: count('thread-stress-iterations', get('thread-stress-iterations'), {
      min: 1,
      max: 1000,
    }),
    outputDirectory: output.directory,
    outputChosenBy: output.chosenBy,
  });
}
