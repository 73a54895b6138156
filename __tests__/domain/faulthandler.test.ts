import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dumpExcerpt, parseFaulthandlerDumps, testFrame } from '../../src/domain/faulthandler.js';

const real = (name: string): string =>
  readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8');

describe('parseFaulthandlerDumps on real 3.13t dumps', () => {
  it('a segfault in a worker thread: both stacks, the extension modules, the test in the main thread', () => {
    const [dump, ...rest] = parseFaulthandlerDumps(real('segv-in-thread-3.13t.txt'));
    expect(rest).toEqual([]);
    expect(dump?.error).toBe('Segmentation fault');
    expect(dump?.threads.map((t) => [t.id, t.current, t.frames.length])).toEqual([
      ['0x00007ff3a803a6c0', true, 5],
      ['0x00007ff3a83fa740', false, 36],
    ]);
    expect(dump?.threads[0]?.frames[0]).toEqual({
      file: '/opt/hostedtoolcache/Python/3.13.5/x64-freethreaded/lib/python3.13t/ctypes/__init__.py',
      line: 538,
      function: 'string_at',
    });
    expect(dump?.extensionModules).toEqual(['demoext']);
    expect(dump?.text.startsWith('Fatal Python error: Segmentation fault')).toBe(true);
    expect(dump?.text.endsWith('Extension modules: demoext (total: 1)')).toBe(true);
    expect(dump && testFrame(dump)).toEqual({
      file: '/home/runner/work/demo/demo/tests/test_mix.py',
      line: 14,
      function: 'test_segv_in_thread',
    });
    // The plugin's record names the file: the lambda in the crashing thread is the closer frame.
    expect(dump && testFrame(dump, { testFile: 'tests/test_mix.py' })).toMatchObject({
      line: 13,
      function: '<lambda>',
    });
  });

  it('a hang ended by SIGABRT: where it waited', () => {
    const [dump] = parseFaulthandlerDumps(real('hang-sigabrt-3.13t.txt'));
    expect(dump?.error).toBe('Aborted');
    expect(dump?.threads).toHaveLength(1);
    expect(dump?.extensionModules).toEqual([]);
    expect(dump && testFrame(dump)).toMatchObject({ line: 16, function: 'test_hang' });
  });

  it('an excerpt without the test runner frames, within its bound', () => {
    const [dump] = parseFaulthandlerDumps(real('segv-in-thread-3.13t.txt'));
    if (!dump) throw new Error('no dump');
    const excerpt = dumpExcerpt(dump);
    expect(excerpt).toContain('line 14 in test_segv_in_thread');
    expect(excerpt).toContain('(32 frames of the test runner left out)');
    expect(excerpt).not.toContain('pluggy');
    expect(excerpt).toContain('Extension modules: demoext');
    expect(dumpExcerpt(dump, { maxChars: 200 }).length).toBeLessThanOrEqual(200);
    expect(dumpExcerpt(dump, { relativeTo: '/home/runner/work/demo/demo/' })).toContain(
      'File "tests/test_mix.py", line 14 in test_segv_in_thread',
    );
  });
});

describe('parseFaulthandlerDumps on other shapes', () => {
  it.each([
    ['no dump', 'collected 3 items\n\n3 passed in 0.02s\n', []],
    [
      'a Py_FatalError with the runtime state and an exception before the stack',
      [
        'Fatal Python error: _Py_CheckFunctionResult: a function returned a result with an exception set',
        'Python runtime state: initialized',
        'ValueError: boom',
        '',
        'Current thread 0x00007f0000000001 (most recent call first):',
        '  File "/w/tests/test_a.py", line 3 in test_a',
        '  <no Python frame>',
        '',
        'Extension modules: _cffi_backend, yaml._yaml (total: 2)',
        'tail of the output',
      ].join('\n'),
      [
        {
          error: '_Py_CheckFunctionResult: a function returned a result with an exception set',
          threads: 1,
          extensionModules: ['_cffi_backend', 'yaml._yaml'],
          lastLine: 'Extension modules: _cffi_backend, yaml._yaml (total: 2)',
        },
      ],
    ],
    [
      'dump_traceback_later (pytest faulthandler_timeout) and a bare Stack block',
      [
        'Timeout (0:00:05)!',
        'Thread 0x00007f0000000002 (most recent call first):',
        '  File "/w/tests/test_b.py", line 9 in test_b',
        '',
        'Fatal Python error: Aborted',
        '',
        'Stack (most recent call first):',
        '  File "/w/x.py", line 1 in <module>',
      ].join('\n'),
      [
        {
          error: 'Timeout (0:00:05)!',
          threads: 1,
          extensionModules: [],
          lastLine: '  File "/w/tests/test_b.py", line 9 in test_b',
        },
        {
          error: 'Aborted',
          threads: 1,
          extensionModules: [],
          lastLine: '  File "/w/x.py", line 1 in <module>',
        },
      ],
    ],
    [
      'dump_traceback_later of a fraction of a second: the header has its microseconds',
      [
        'Timeout (0:00:02.500000)!',
        'Thread 0x00007f0000000003 (most recent call first):',
        '  File "/w/tests/test_c.py", line 4 in test_c',
      ].join('\n'),
      [
        {
          error: 'Timeout (0:00:02.500000)!',
          threads: 1,
          extensionModules: [],
          lastLine: '  File "/w/tests/test_c.py", line 4 in test_c',
        },
      ],
    ],
  ])('%s', (_name, output, expected) => {
    const dumps = parseFaulthandlerDumps(output).map((d) => ({
      error: d.error,
      threads: d.threads.length,
      extensionModules: d.extensionModules,
      lastLine: d.text.split('\n').at(-1),
    }));
    expect(dumps).toEqual(expected);
  });

  it('a truncated dump (output cut mid-stack) keeps what it has', () => {
    const text = real('segv-in-thread-3.13t.txt').slice(0, 900);
    const [dump] = parseFaulthandlerDumps(text);
    expect(dump?.error).toBe('Segmentation fault');
    expect(dump?.threads[0]?.frames.length).toBeGreaterThan(0);
  });
});

describe('a Windows dump (an exception, not a signal)', () => {
  // As CPython's faulthandler writes it from its vectored exception handler.
  const output = [
    'Windows fatal exception: access violation',
    '',
    'Current thread 0x000019ac (most recent call first):',
    '  File "C:\\a\\proj\\tests\\test_crash.py", line 5 in test_crash',
    '  File "C:\\a\\proj\\.venv\\Lib\\site-packages\\_pytest\\python.py", line 159 in pytest_pyfunc_call',
    '',
    'Extension modules: _cffi_backend (total: 1)',
  ].join('\r\n');

  it('is parsed, headed by its own line, its frames relative to a Windows working directory', () => {
    const [dump] = parseFaulthandlerDumps(output);
    expect(dump?.error).toBe('Windows fatal exception: access violation');
    expect(dump?.threads[0]?.frames[0]).toMatchObject({ file: 'C:\\a\\proj\\tests\\test_crash.py', line: 5 });
    const excerpt = dumpExcerpt(dump!, { relativeTo: 'C:\\a\\proj' });
    expect(excerpt.split('\n')[0]).toBe('Windows fatal exception: access violation');
    expect(excerpt).toContain('File "tests/test_crash.py", line 5 in test_crash');
    expect(excerpt).not.toContain('Fatal Python error');
  });
});
