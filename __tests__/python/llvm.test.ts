// Finding LLVM for a JIT build, with stand-in clang executables on a real PATH.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { linuxRelease, type HostPlatform } from '../../src/python/host.js';
import { ensureLlvm, LlvmError, llvmVersionFromSource } from '../../src/python/llvm.js';
import { sourceTreeVersion } from '../../src/python/source-build.js';
import { RecordingToolkit } from './pbs-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'cpv-llvm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DEBIAN: HostPlatform = { os: 'linux', arch: 'x86_64', libc: 'gnu', osVersion: 'debian-12' };

function bin(name: string, tools: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [tool, output] of Object.entries(tools)) {
    writeFileSync(join(dir, tool), `#!/bin/sh\necho '${output}'\n`, { mode: 0o755 });
  }
  return dir;
}

const ctx = (path: string, extra: Partial<{ platform: HostPlatform; env: Record<string, string> }> = {}) => ({
  runner: new SpawnRunner(),
  toolkit: new RecordingToolkit(),
  platform: extra.platform ?? DEBIAN,
  env: { PATH: path, ...extra.env },
});

describe('ensureLlvm', () => {
  it('takes clang-18 and llvm-readobj-18 from PATH', async () => {
    const dir = bin('versioned', { 'clang-18': 'x', 'llvm-readobj-18': 'x' });
    await expect(ensureLlvm(ctx(`${dir}:/usr/bin:/bin`), { version: 18, minor: '3.13' })).resolves.toBe('');
  });

  it('takes a plain clang on PATH only when it is version 18', async () => {
    const right = bin('plain18', { clang: 'Debian clang version 18.1.8 (11)', 'llvm-readobj': 'x' });
    const wrong = bin('plain19', { clang: 'Debian clang version 19.1.4', 'llvm-readobj': 'x' });
    await expect(ensureLlvm(ctx(`${right}:/usr/bin:/bin`), { version: 18, minor: '3.13' })).resolves.toBe('');
    await expect(ensureLlvm(ctx(`${wrong}:/usr/bin:/bin`), { version: 18, minor: '3.13' })).rejects.toThrow(
      LlvmError,
    );
  });

  it('says exactly what to install, and installs nothing off a runner or where apt has no LLVM 19', async () => {
    const empty = bin('empty', {});
    const off = ensureLlvm(ctx(empty), { version: 19, minor: '3.14' });
    await expect(off).rejects.toThrow(
      'The JIT of CPython 3.14 is built with LLVM 19: clang-19 and llvm-readobj-19 (or clang and llvm-readobj of version 19) must be on PATH, and they are not. ' +
        'Install them: Ubuntu 24.04 / Debian 13: sudo apt-get install clang-19 llvm-19;',
    );
    const jammy = { os: 'linux', arch: 'x86_64', libc: 'gnu', osVersion: 'ubuntu-22.04' } as const;
    const runner = ctx(empty, { platform: jammy, env: { GITHUB_ACTIONS: 'true' } });
    await expect(ensureLlvm(runner, { version: 18, minor: '3.13' })).rejects.toThrow(/brew install llvm@18/);
    expect(runner.toolkit.lines).toEqual([]);
  });
});

describe('LLVM 21 for CPython 3.15', () => {
  it('names LLVM 21 and where distributions carry it, and installs nothing where apt has none', async () => {
    const empty = bin('empty21', {});
    const noble = { os: 'linux', arch: 'x86_64', libc: 'gnu', osVersion: 'ubuntu-24.04' } as const;
    const runner = ctx(empty, { platform: noble, env: { GITHUB_ACTIONS: 'true' } });
    await expect(ensureLlvm(runner, { version: 21, minor: '3.15' })).rejects.toThrow(
      'The JIT of CPython 3.15 is built with LLVM 21: clang-21 and llvm-readobj-21 (or clang and llvm-readobj of version 21) must be on PATH, and they are not. ' +
        'Install them: Ubuntu 25.10 / Debian 14: sudo apt-get install clang-21 llvm-21;',
    );
    expect(runner.toolkit.lines).toEqual([]);
  });

  it('takes clang-21 from PATH', async () => {
    const dir = bin('versioned21', { 'clang-21': 'x', 'llvm-readobj-21': 'x' });
    await expect(ensureLlvm(ctx(`${dir}:/usr/bin:/bin`), { version: 21, minor: '3.15' })).resolves.toBe('');
  });
});

describe('versions read from files', () => {
  it.each([
    ['_LLVM_VERSION = 18\n', 18],
    ['import re\n_LLVM_VERSION = "19"\n', 19],
    ['nothing', undefined],
  ])('Tools/jit/_llvm.py %j -> %s', (text, expected) => {
    expect(llvmVersionFromSource(text)).toBe(expected);
  });

  it('reads PY_VERSION from patchlevel.h', () => {
    expect(sourceTreeVersion('#define PY_VERSION              "3.13.5"\n')).toBe('3.13.5');
    expect(sourceTreeVersion('#define PY_VERSION "3.14.0rc1"')).toBe('3.14.0');
  });

  it.each([
    ['ID=ubuntu\nVERSION_ID="24.04"\n', 'ubuntu-24.04'],
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n', 'debian-12'],
    ['ID=debian\nVERSION_CODENAME=trixie\n', 'debian-trixie'],
  ])('os-release %j is %s', (text, expected) => {
    expect(linuxRelease(text)).toBe(expected);
  });
});
