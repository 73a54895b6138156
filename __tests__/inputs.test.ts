import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/domain/report.js';
import { InputError, parseInputs } from '../src/inputs.js';
import type { Command, ProcessResult, ProcessRunner, Toolkit } from '../src/ports.js';
import { run } from '../src/run.js';

const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';
const context = { env: {}, cwd: '/project' };

describe('compare-base', () => {
  it.each([
    ['auto', 'auto', null],
    ['TRUE', 'true', null],
    ['false', 'false', null],
    // A commit to compare with, on any event: compare-base is then true.
    ['origin/main', 'true', 'origin/main'],
    ['refs/tags/v1.0', 'true', 'refs/tags/v1.0'],
    ['4f1c2a9e', 'true', '4f1c2a9e'],
    ['HEAD~1', 'true', 'HEAD~1'],
  ] as const)('%s', (raw, compareBase, baseRevision) => {
    const inputs = parseInputs(reader({ 'compare-base': raw }), context);
    expect({ compareBase: inputs.compareBase, baseRevision: inputs.baseRevision }).toEqual({
      compareBase,
      baseRevision,
    });
  });

  it('fail-on takes new-gil-reenabled', () => {
    expect([...parseInputs(reader({ 'fail-on': 'new-gil-reenabled' }), context).failOn]).toEqual([
      'new-gil-reenabled',
    ]);
  });
});

describe('threshold', () => {
  // One meaning: a bare number is a percentage, as with %; `1` is 1%, not 100%.
  it.each([
    ['10%', 0.1],
    ['10', 0.1],
    ['1', 0.01],
    ['1%', 0.01],
    ['1.5', 0.015],
    [' 2.5 % ', 0.025],
    ['0.5', 0.005],
    ['150%', 1.5],
  ])('%s is %s', (raw, fraction) => {
    expect(parseInputs(reader({ threshold: raw }), context).threshold).toBeCloseTo(fraction, 12);
  });
});

describe('thread-stress', () => {
  it.each([
    ['auto', 4],
    ['off', null],
    ['OFF', null],
    ['8', 8],
  ])('%s -> %s threads', (value, threads) => {
    expect(parseInputs(reader({ 'thread-stress': value }), context).threadStress).toBe(threads);
  });

  it('takes thread-unsafe and new-thread-unsafe as fail-on rules', () => {
    const inputs = parseInputs(reader({ 'fail-on': 'thread-unsafe, new-thread-unsafe' }), context);
    expect([...inputs.failOn]).toEqual(['thread-unsafe', 'new-thread-unsafe']);
  });
});

describe('parseInputs defaults', () => {
  it('owns every default, with nothing from action.yml', () => {
    const inputs = parseInputs(reader({}), context);
    expect(inputs.variants.map((v) => v.name)).toEqual(['3.13', '3.13t', '3.13+jit']);
    expect(inputs.reference).toBe('3.13');
    expect(inputs.threshold).toBeCloseTo(0.1);
    expect([...inputs.failOn].sort()).toEqual([
      'install-failure',
      'new-crash',
      'new-failure',
      'new-thread-unsafe',
      'regression',
    ]);
    expect(inputs.threadStress).toBe(4);
    expect(inputs.threadStressIterations).toBe(3);
    expect(inputs.testCommand).toBe('python -m pytest');
    expect(inputs.benchmarkCommand).toBeNull();
    expect(inputs.installCommand).toBeNull();
    expect(inputs.mode).toBe('run');
    expect(inputs.comment).toBe('update');
    expect(inputs.commentKey).toBe('default');
    expect(inputs.measureMinutes).toBe(10);
    expect(inputs.commandTimeoutMinutes).toBe(30);
    expect(inputs.cache).toBe(true);
    expect(inputs.workingDirectory).toBe('/project');
    expect(Object.isFrozen(inputs)).toBe(true);
  });

  it('reads lists written with spaces, commas or lines, and keeps labels as written', () => {
    const inputs = parseInputs(
      reader({ variants: '3.13,\n3.13.5t  3.14t?\n3.13+debug+jit', reference: '3.13.5t', threshold: '2.5%' }),
      context,
    );
    expect(
      inputs.variants.map((v) => [v.name, v.version, v.freeThreaded, v.jit, v.debug, v.optional]),
    ).toEqual([
      ['3.13', '3.13', false, false, false, false],
      ['3.13.5t', '3.13.5', true, false, false, false],
      ['3.14t', '3.14', true, false, false, true],
      ['3.13+debug+jit', '3.13', false, true, true, false],
    ]);
    expect(inputs.reference).toBe('3.13.5t');
    expect(inputs.threshold).toBeCloseTo(0.025);
  });

  it('takes interpreters as VARIANT=PATH lines and the comment key from workflow and job', () => {
    const inputs = parseInputs(
      reader({ interpreters: '3.13=/opt/py/bin/python3\n\n3.13t = /opt/pyt/bin/python3.13t\n' }),
      {
        env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'variants' },
        cwd: '/p',
      },
    );
    expect([...inputs.interpreters]).toEqual([
      ['3.13', '/opt/py/bin/python3'],
      ['3.13t', '/opt/pyt/bin/python3.13t'],
    ]);
    expect(inputs.commentKey).toBe('CI/variants');
  });

  it('sets aside interpreters lines for variants not requested, so one list serves every matrix leg', () => {
    const inputs = parseInputs(
      reader({
        variants: '3.13t',
        interpreters: '3.13=/a/python3\n3.13t=/b/python3.13t\n3.14=/c/python3.14',
      }),
      { env: {}, cwd: '/p' },
    );
    expect([...inputs.interpreters]).toEqual([['3.13t', '/b/python3.13t']]);
    expect(inputs.ignoredInterpreters).toEqual(['3.13', '3.14']);
  });

  it('fails on an install failure of a variant without ? by default', () => {
    const inputs = parseInputs(reader({}), { env: {}, cwd: '/p' });
    expect(inputs.failOn.has('install-failure')).toBe(true);
  });
});

// Each bad input: the message names the input, the value, and what is allowed.
const BAD: Array<[string, Record<string, string>, RegExp]> = [
  [
    'JIT on free-threaded',
    { variants: '3.13t+jit' },
    /'variants'.*3\.13t\+jit.*JIT is inert on free-threaded/,
  ],
  [
    'JIT before 3.13',
    { variants: '3.12+jit' },
    /'variants'.*3\.12\+jit.*JIT \(\+jit\) exists from CPython 3\.13/,
  ],
  [
    'free-threading before 3.13',
    { variants: '3.12t' },
    /'variants'.*3\.12t.*free-threaded builds \(t\) exist from CPython 3\.13/,
  ],
  [
    'unknown version',
    { variants: '3.7' },
    /'variants'.*"3\.7".*not a version this action knows \(3\.9, 3\.10/,
  ],
  ['not a variant', { variants: '3.13 python3' }, /'variants'.*python3.*VERSION\[t\]\[\+jit\]\[\+debug\]/],
  ['unknown modifier', { variants: '3.13+pgo' }, /'variants'.*3\.13\+pgo.*the form is/],
  [
    'duplicate',
    { variants: '3.13 3.13t 3.13' },
    /'variants'.*names the same variant as 3\.13; list each variant once/,
  ],
  ['duplicate in another order', { variants: '3.13+jit+debug 3.13+debug+jit' }, /names the same variant/],
  ['repeated modifier', { variants: '3.13+jit+jit' }, /'variants'.*repeats a modifier/],
  [
    'reference not a variant',
    { reference: '3.12' },
    /'reference'.*"3\.12".*one of the variants: 3\.13, 3\.13t, 3\.13\+jit/,
  ],
  ['interpreters without =', { interpreters: '/usr/bin/python3' }, /'interpreters'.*VARIANT=PATH/],
  [
    'interpreters for no variant at all',
    { interpreters: 'pypy=/x/python' },
    /'interpreters'.*pypy is not a variant/,
  ],
  ['interpreters twice', { interpreters: '3.13=/a/python\n3.13=/b/python' }, /'interpreters'.*given twice/],
  ['threshold word', { threshold: 'ten' }, /'threshold'.*"ten".*percentage such as 10%/],
  ['threshold zero', { threshold: '0%' }, /'threshold'.*"0%"/],
  ['threshold bare zero', { threshold: '0' }, /'threshold'.*"0".*a bare number is a percentage too/],
  ['threshold negative', { threshold: '-5%' }, /'threshold'.*"-5%"/],
  ['threshold too large', { threshold: '1000%' }, /'threshold'.*"1000%".*below 1000%/],
  ['threshold with a unit', { threshold: '10 ms' }, /'threshold'.*"10 ms"/],
  [
    'fail-on unknown',
    { 'fail-on': 'crash,segfaults' },
    /'fail-on'.*segfaults.*allowed values are crash, new-crash/,
  ],
  [
    'thread-stress word',
    { 'thread-stress': 'lots' },
    /'thread-stress'.*"lots".*auto, off, or a thread count/,
  ],
  ['thread-stress one thread', { 'thread-stress': '1' }, /'thread-stress'.*"1".*from 2 to 256/],
  [
    'thread-stress-iterations zero',
    { 'thread-stress-iterations': '0' },
    /'thread-stress-iterations'.*"0".*whole number from 1/,
  ],
  ['fail-on none with others', { 'fail-on': 'none,crash' }, /'fail-on'.*'none' cannot be combined/],
  ['mode', { mode: 'bench' }, /'mode'.*"bench".*run, measure, report/],
  ['report without reports', { mode: 'report' }, /'reports'.*mode 'report' needs/],
  ['comment', { comment: 'sticky' }, /'comment'.*update, new, off/],
  ['python-source', { 'python-source': 'conda' }, /'python-source'.*auto, prebuilt, build/],
  ['compare-base', { 'compare-base': 'maybe' }, /'compare-base'.*auto, true, false/],
  [
    'compare-base range',
    { 'compare-base': 'origin/main..HEAD' },
    /'compare-base'.*a sha, a ref such as origin\/main/,
  ],
  ['cache', { cache: 'sometimes' }, /'cache'.*true or false/],
  ['measure-minutes', { 'measure-minutes': '-1' }, /'measure-minutes'.*greater than 0/],
  [
    'command-timeout-minutes',
    { 'command-timeout-minutes': 'forever' },
    /'command-timeout-minutes'.*"forever"/,
  ],
  [
    'cpython-source without {version}',
    { 'cpython-source': 'https://example.test/Python.tar.xz' },
    /'cpython-source'.*\{version\}/,
  ],
  [
    'prebuilt-mirror not a URL',
    { 'prebuilt-mirror': 'ftp://mirror/pbs' },
    /'prebuilt-mirror'.*http\(s\) URL/,
  ],
  [
    'startup-imports not modules',
    { 'startup-imports': 'pkg os.path; rm -rf' },
    /'startup-imports'.*dotted module name/,
  ],
  ['comment-key closing the marker', { 'comment-key': 'x --> <b>' }, /'comment-key'.*'-->'/],
];

describe('bad inputs', () => {
  it.each(BAD)('%s', (_label, values, message) => {
    let caught: unknown;
    try {
      parseInputs(reader(values), context);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(message);
  });

  it.each(BAD)('%s: refused by run() before any process starts', async (_label, values, message) => {
    const started: Command[] = [];
    const runner: ProcessRunner = {
      run: (command): Promise<ProcessResult> => {
        started.push(command);
        throw new Error('no process may start');
      },
    };
    const failures: string[] = [];
    const outputs: string[] = [];
    const toolkit: Toolkit = {
      info: () => {},
      warning: () => {},
      error: () => {},
      notice: () => {},
      group: (_name, fn) => fn(),
      setOutput: (name) => void outputs.push(name),
      appendSummary: async () => {},
      setFailed: (m) => void failures.push(m),
    };
    const cwd = mkdtempSync(join(tmpdir(), 'cpv-inputs-'));
    const result = await run({
      runner,
      toolkit,
      cache: { kind: 'none', restore: async () => undefined, save: async () => {} },
      comments: () => {
        throw new Error('no client may be built');
      },
      env: { CPV_OUTPUT_DIR: join(cwd, 'out') },
      cwd,
      read: reader(values),
      print: () => {},
    });
    expect(result.failed).toBe(true);
    expect(started).toEqual([]);
    // A matrix leg keeps its shape: report.json says what was refused, and the outputs point at it.
    expect(outputs).toEqual(['report', 'markdown', 'verdict']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(message);
    const written = JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as Report;
    expect(written).toMatchObject({ variants: [], verdict: 'fail', errors: [failures[0]] });
    expect(result.reportPath).toBe(join(cwd, 'out', 'report.json'));
  });
});
