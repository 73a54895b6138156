// Windows' and macOS' facts, run on whatever machine the tests run on: nothing else here runs the
// Windows and macOS paths before a user's runner does (issue 18).
import { describe, expect, it } from 'vitest';
import { jitUnavailable, refusedJit } from '../../src/domain/jit-platforms.js';
import {
  isAbsolutePath,
  joinSearchPath,
  pathKey,
  platformFacts,
  prependPath,
  relativeInside,
  treeKillArgv,
  venvLayout,
} from '../../src/domain/platform.js';
import { variantEnvironment } from '../../src/domain/runtime-env.js';
import { parseTestRecords } from '../../src/domain/test-records.js';
import { parseVariant } from '../../src/domain/variants.js';

const windows = platformFacts({ platform: 'win32', arch: 'x64' });
const macosIntel = platformFacts({ platform: 'darwin', arch: 'x64' });
const macosArm = platformFacts({ platform: 'darwin', arch: 'arm64' });
const linux = platformFacts({ platform: 'linux', arch: 'x64' });

describe('platformFacts', () => {
  it.each([
    ['win32', windows, { os: 'windows', pathDelimiter: ';', processTree: 'taskkill', startupSpawn: 'popen' }],
    [
      'darwin',
      macosIntel,
      { os: 'darwin', pathDelimiter: ':', processTree: 'group', startupSpawn: 'posix_spawn' },
    ],
    ['linux', linux, { os: 'linux', pathDelimiter: ':', processTree: 'group', startupSpawn: 'posix_spawn' }],
  ])('%s', (_, facts, expected) => {
    expect(facts).toMatchObject(expected);
  });

  it('takes another POSIX system for Linux', () => {
    expect(platformFacts({ platform: 'freebsd', arch: 'x64' })).toMatchObject({
      os: 'linux',
      pathDelimiter: ':',
    });
  });
});

describe('venvLayout', () => {
  it.each([
    [
      windows,
      'C:\\a\\work\\venvs\\3.13',
      'C:\\a\\work\\venvs\\3.13\\Scripts',
      'C:\\a\\work\\venvs\\3.13\\Scripts\\python.exe',
    ],
    [
      macosArm,
      '/Users/runner/w/venvs/3.13',
      '/Users/runner/w/venvs/3.13/bin',
      '/Users/runner/w/venvs/3.13/bin/python',
    ],
    [linux, '/tmp/w/venvs/3.13t', '/tmp/w/venvs/3.13t/bin', '/tmp/w/venvs/3.13t/bin/python'],
  ])('%#: %s', (facts, dir, bin, python) => {
    expect(venvLayout(dir, facts)).toEqual({ bin, python });
  });
});

describe('PATH', () => {
  it.each([
    ['Windows spells it Path', windows, { Path: 'C:\\Windows' }, 'Path'],
    ['Windows, as PATH', windows, { PATH: 'C:\\Windows' }, 'PATH'],
    ['Windows, absent', windows, {}, 'Path'],
    ['POSIX', linux, { Path: 'x' }, 'PATH'],
  ])('%s', (_, facts, env, key) => {
    expect(pathKey(env, facts)).toBe(key);
  });

  it('puts the venv first under the name the copy has, with one PATH left on Windows', () => {
    expect(
      prependPath(
        { Path: 'C:\\Windows;C:\\Git\\bin', PATH: 'C:\\x', HOME: 'h' },
        { dir: 'C:\\v\\Scripts', facts: windows },
      ),
    ).toEqual({
      Path: 'C:\\v\\Scripts;C:\\Windows;C:\\Git\\bin;C:\\x',
      HOME: 'h',
    });
    expect(prependPath({ PATH: '/usr/bin', Path: 'other' }, { dir: '/v/bin', facts: linux })).toEqual({
      PATH: '/v/bin:/usr/bin',
      Path: 'other',
    });
  });

  it('variantEnvironment: the venv first on Windows Path, as on Linux PATH', () => {
    const variant = parseVariant('3.13t');
    const venv = { dir: 'C:\\w\\venvs\\3.13t', ...venvLayout('C:\\w\\venvs\\3.13t', windows) };
    const env = variantEnvironment({
      base: { Path: 'C:\\Windows', PYTHONHOME: 'x' },
      variant,
      venv,
      platform: windows,
    });
    expect(env['Path']).toBe('C:\\w\\venvs\\3.13t\\Scripts;C:\\Windows');
    expect(env['PATH']).toBeUndefined();
    expect(env['VIRTUAL_ENV']).toBe('C:\\w\\venvs\\3.13t');
    expect(env['PYTHONHOME']).toBeUndefined();
    // Without facts, POSIX's: what every Linux caller got before.
    expect(
      variantEnvironment({ base: { PATH: '/usr/bin' }, variant, venv: { dir: '/v', bin: '/v/bin' } })['PATH'],
    ).toBe('/v/bin:/usr/bin');
  });

  it('joins PYTHONPATH with the platform delimiter, dropping empty entries', () => {
    expect(joinSearchPath(['C:\\p\\src', undefined, 'C:\\p\\lib'], windows)).toBe('C:\\p\\src;C:\\p\\lib');
    expect(joinSearchPath(['/p/src', '', '/p/lib'], macosArm)).toBe('/p/src:/p/lib');
  });
});

describe('treeKillArgv', () => {
  it.each([
    [windows, ['taskkill', '/T', '/F', '/PID', '4242']],
    [macosIntel, null],
    [linux, null],
  ])('%#', (facts, argv) => {
    expect(treeKillArgv(4242, facts)).toEqual(argv);
  });
});

describe('paths of either syntax', () => {
  it.each([
    ['C:\\a\\proj\\tests\\test_x.py', 'C:\\a\\proj', 'tests/test_x.py'],
    ['c:/a/proj/tests/test_x.py', 'C:\\a\\proj\\', 'tests/test_x.py'],
    ['C:\\a\\other\\x.py', 'C:\\a\\proj', null],
    ['\\\\srv\\share\\p\\t.py', '\\\\srv\\share\\p', 't.py'],
    ['/w/proj/tests/t.py', '/w/proj/', 'tests/t.py'],
    ['/w/project/t.py', '/w/proj', null],
  ])('%s inside %s', (file, base, expected) => {
    expect(relativeInside(file, base)).toBe(expected);
  });

  it.each([
    ['C:\\x', true],
    ['C:/x', true],
    ['\\\\srv\\x', true],
    ['/x', true],
    ['tests/x.py', false],
  ])('%s is absolute: %s', (path, expected) => {
    expect(isAbsolutePath(path)).toBe(expected);
  });

  it('test records from a Windows run: files relative to the working directory', () => {
    const text = [
      { event: 'load', pid: 7, gil: true, rootdir: 'C:\\a\\proj' },
      { event: 'start', pid: 7, nodeid: 'tests/test_a.py::test_x', line: 3 },
      {
        event: 'fixture-teardown',
        pid: 7,
        nodeid: 'tests/test_a.py::test_x',
        fixture: 'db',
        scope: 'session',
        file: 'C:/a/proj/tests/conftest.py',
        line: 4,
      },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    expect(parseTestRecords(text, { relativeTo: 'C:\\a\\proj' }).lost).toEqual([
      {
        id: 'tests/test_a.py::test_x',
        pid: 7,
        file: 'tests/test_a.py',
        line: 3,
        phase: 'teardown',
        fixture: { name: 'db', scope: 'session', file: 'tests/conftest.py', line: 4 },
      },
    ]);
  });
});

describe('+jit where python-build-standalone has no JIT build', () => {
  const variants = ['3.13', '3.13t', '3.13+jit', '3.14+jit?'].map(parseVariant);
  const plat = (os: 'linux' | 'darwin' | 'windows', arch: 'x86_64' | 'aarch64') => ({
    os,
    arch,
    libc: os === 'linux' ? ('gnu' as const) : ('none' as const),
  });

  it.each([
    ['windows', 'x86_64', 'auto', ['3.13+jit', '3.14+jit']],
    ['windows', 'aarch64', 'build', ['3.13+jit', '3.14+jit']],
    ['darwin', 'x86_64', 'auto', ['3.13+jit', '3.14+jit']],
    ['darwin', 'x86_64', 'prebuilt', ['3.13+jit', '3.14+jit']],
    // A source build of the JIT on macOS x86_64 is CPython's own, with LLVM: asked for, allowed.
    ['darwin', 'x86_64', 'build', []],
    ['darwin', 'aarch64', 'auto', []],
    ['linux', 'x86_64', 'auto', []],
    ['linux', 'aarch64', 'prebuilt', []],
  ] as const)('%s %s, python-source %s: refuses %j', (os, arch, pythonSource, refused) => {
    const result = refusedJit({ variants, platform: plat(os, arch), pythonSource });
    expect(result.map((r) => r.variant.name)).toEqual(refused);
  });

  it('says why and what is allowed', () => {
    const [windowsRefusal] = refusedJit({
      variants,
      platform: plat('windows', 'x86_64'),
      pythonSource: 'auto',
    });
    expect(windowsRefusal?.reason).toBe(
      'python-build-standalone builds the JIT only for Linux and macOS arm64, and CPython is not built from source on Windows, so windows-x86_64 has no JIT build. Allowed here: the variants without +jit, such as 3.13; run +jit on a Linux or macOS arm64 runner',
    );
    expect(jitUnavailable({ platform: plat('darwin', 'x86_64'), pythonSource: 'auto' })).toBe(
      'python-build-standalone builds the JIT only for Linux and macOS arm64 (macos-14 and later runners), not for darwin-x86_64; python-source: build would build it from source, with LLVM',
    );
  });
});
