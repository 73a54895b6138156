// `+jit` on a runner python-build-standalone builds no JIT for: refused by installVariants with
// the input's words before anything is fetched (the mirror is an address nothing listens on).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import type { CacheStore } from '../../src/ports.js';
import type { HostPlatform } from '../../src/python/host.js';
import { installVariants } from '../../src/python/install.js';
import { cleanEnv, installInputs, RecordingToolkit } from './pbs-fixture.js';

const catalog = fileURLToPath(new URL('../../src/python/catalog-data.json', import.meta.url));
const noCache: CacheStore = {
  kind: 'none',
  restore: () => Promise.reject(new Error('no cache here')),
  save: () => Promise.reject(new Error('no cache here')),
};
const macosIntel: HostPlatform = { os: 'darwin', arch: 'x86_64', libc: 'none', osVersion: 'darwin-22' };
const windows: HostPlatform = {
  os: 'windows',
  arch: 'x86_64',
  libc: 'none',
  osVersion: 'windows-10.0.20348',
};

async function install(platform: HostPlatform, variants: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-jit-refusal-'));
  const toolkit = new RecordingToolkit();
  return installVariants(
    {
      settings: installInputs({
        mirror: 'http://127.0.0.1:9',
        catalog,
        workingDirectory: dir,
        pythonSource: 'auto',
        cache: false,
      }),
      runner: new SpawnRunner(),
      cache: noCache,
      toolkit,
      env: cleanEnv(),
      installRoot: join(dir, 'python'),
      platform,
      toolCache: '',
    },
    variants.split(' ').map(parseVariant),
  );
}

describe('installVariants refuses +jit where no JIT build exists', () => {
  it.each([
    ['macOS x86_64', macosIntel, /not for darwin-x86_64/],
    ['Windows', windows, /CPython is not built from source on Windows, so windows-x86_64 has no JIT build/],
  ])('%s: the variants input, its value, why and what is allowed', async (_, platform, why) => {
    const outcomes = await install(platform, '3.13 3.13+jit');
    const jit = outcomes.get('3.13+jit');
    expect(jit).toMatchObject({ ok: false, fatal: true });
    const error = jit && !jit.ok ? jit.error : '';
    expect(error).toMatch(
      /^Input 'variants' has the value "3\.13\+jit": python-build-standalone builds the JIT only for Linux and macOS arm64/,
    );
    expect(error).toMatch(why);
    expect(error).toContain('Allowed here: the variants without +jit, such as 3.13');
    // The others wait for a fixed list rather than install for minutes first.
    expect(outcomes.get('3.13')).toMatchObject({ ok: false, fatal: false });
  });

  it('a `?` variant is let go, not fatal', async () => {
    const outcomes = await install(windows, '3.13+jit?');
    expect(outcomes.get('3.13+jit')).toMatchObject({ ok: false, fatal: false });
  });
});
