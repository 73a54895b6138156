// A real source build of CPython 3.13.5 from the Debian orig tarball (byte-identical to
// python.org's) through `cpython-source`: one --enable-experimental-jit=yes-off build serves
// 3.13 and 3.13+jit, LLVM 18 found on PATH. About 6 minutes on 2 cores, so it runs only with
// CPV_SOURCE_BUILD_TEST=1 (CI sets it when its cache is cold). Then the tree is restored from
// the local-folder cache on a "fresh machine" without building again.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCacheStore } from '../../src/adapters/cache.js';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import { installVariants, type InstallContext } from '../../src/python/install.js';
import { cleanEnv, RecordingToolkit } from './pbs-fixture.js';

const CACHE = process.env['CPV_CACHE'] ?? join(homedir(), '.cache', 'cpython-variants');
const TARBALL = process.env['CPV_CPYTHON_TARBALL'] ?? join(CACHE, 'src', 'Python-3.13.5.tar.xz');
const LLVM = join(CACHE, 'llvm18', 'bin');
const enabled = process.env['CPV_SOURCE_BUILD_TEST'] === '1' && existsSync(TARBALL);
const tmp = enabled ? mkdtempSync(join(tmpdir(), 'cpv-source-build-')) : '';
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!enabled)('a real source build', () => {
  it(
    'builds 3.13.5 once with the JIT compiled in but off, serving 3.13 and 3.13+jit, then restores it',
    async () => {
      const runner = new SpawnRunner();
      const installRoot = join(tmp, 'root');
      // LLVM 18 as ENVIRONMENT.md describes: on PATH (provision.sh's wrappers on Debian 12).
      const env = cleanEnv({
        PATH: [...(existsSync(LLVM) ? [LLVM] : []), process.env['PATH'] ?? '/usr/bin:/bin'].join(delimiter),
      });
      const ctx = (toolkit: RecordingToolkit): InstallContext => ({
        settings: {
          interpreters: new Map(),
          pythonSource: 'build',
          cpythonSource: TARBALL,
          prebuiltMirror: 'http://127.0.0.1:9',
          prebuiltCatalog: null,
          cache: true,
          workingDirectory: tmp,
        },
        runner,
        cache: new LocalCacheStore({ directory: join(tmp, 'local-cache'), runner, env }),
        toolkit,
        env,
        installRoot,
        toolCache: '',
      });
      const variants = ['3.13', '3.13+jit'].map(parseVariant);

      const toolkit = new RecordingToolkit();
      const started = Date.now();
      const built = await installVariants(ctx(toolkit), variants);
      const buildMs = Date.now() - started;
      console.log(`source build: ${Math.round(buildMs / 1000)} s\n${toolkit.lines.join('\n')}`);
      const plain = built.get('3.13');
      const jit = built.get('3.13+jit');
      expect(plain, JSON.stringify(plain)).toMatchObject({ ok: true, source: 'build' });
      expect(jit).toMatchObject({
        ok: true,
        source: 'build',
        facts: { version: '3.13.5', jitCompiled: true, jitDefaultOn: false },
      });
      expect(plain?.ok && jit?.ok && plain.executable === jit.executable).toBe(true);
      expect(toolkit.lines.filter((l) => l.startsWith('group: Building'))).toEqual([
        'group: Building CPython 3.13.5 built from source (--enable-experimental-jit=yes-off)',
      ]);
      expect(toolkit.lines.some((l) => /make: done in \d+m\d\ds/.test(l))).toBe(true);
      // With PYTHON_JIT=1 the JIT is really on in that build.
      const check = await runner.run({
        argv: [
          plain?.ok ? plain.executable : '',
          '-c',
          'import _testinternalcapi as t; print(t.get_optimizer() is not None)',
        ],
        env: { ...env, PYTHON_JIT: '1' },
      });
      expect(check.stdout.trim()).toBe('True');

      rmSync(installRoot, { recursive: true });
      const again = new RecordingToolkit();
      const restoredAt = Date.now();
      const restored = await installVariants(ctx(again), variants);
      console.log(`restored from the local cache in ${Date.now() - restoredAt} ms`);
      expect(restored.get('3.13')).toMatchObject({ ok: true, source: 'cache' });
      expect(restored.get('3.13+jit')).toMatchObject({ ok: true, source: 'cache' });
      expect(again.lines.some((l) => l.startsWith('group: Building'))).toBe(false);
    },
    45 * 60_000,
  );
});
