// The runner's tool cache in setup-python's layout (Python/3.13.5/x64, x64-freethreaded, each
// with its .complete) serves a variant when the probe agrees, and is passed over when it does not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { parseVariant } from '../../src/domain/variants.js';
import { installVariants } from '../../src/python/install.js';
import { realInterpreters } from '../helpers/interpreters.js';
import { cleanEnv, installInputs, makeToolCache, RecordingToolkit } from './pbs-fixture.js';

const real = realInterpreters() ?? {};
const ready = real['3.13'] !== undefined && real['3.13t'] !== undefined && process.arch === 'x64';
const tmp = ready ? mkdtempSync(join(tmpdir(), 'cpv-tool-cache-')) : '';
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!ready)('the tool cache', () => {
  it('serves 3.13 and 3.13t after the probe, and not 3.13+jit, whose build has no JIT', async () => {
    const prefix = (label: string): string => dirname(dirname(real[label] as string));
    const toolCache = makeToolCache({
      dir: join(tmp, 'hostedtoolcache'),
      trees: { 'Python/3.13.5/x64': prefix('3.13'), 'Python/3.13.5/x64-freethreaded': prefix('3.13t') },
    });
    const catalog = join(tmp, 'catalog.json');
    const build = (flavour: string) => ({
      version: '3.13.5',
      release: '20250723',
      os: 'linux',
      arch: 'x86_64',
      libc: 'gnu',
      flavour,
      url: `20250723/cpython-3.13.5-${flavour}.tar.gz`,
      sha256: 'e'.repeat(64),
    });
    writeFileSync(catalog, JSON.stringify({ schema: 1, builds: [build('default'), build('freethreaded')] }));
    const toolkit = new RecordingToolkit();
    const outcomes = await installVariants(
      {
        settings: installInputs({
          // Nothing listens there: whatever the tool cache does not serve fails to download.
          mirror: 'http://127.0.0.1:9',
          catalog,
          workingDirectory: tmp,
          pythonSource: 'prebuilt',
          cache: false,
        }),
        runner: new SpawnRunner(),
        cache: { kind: 'none', restore: () => Promise.resolve(undefined), save: () => Promise.resolve() },
        toolkit,
        env: cleanEnv(),
        installRoot: join(tmp, 'root'),
        toolCache,
      },
      ['3.13', '3.13t', '3.13+jit'].map(parseVariant),
    );
    expect(outcomes.get('3.13')).toMatchObject({
      ok: true,
      source: 'tool-cache',
      executable: join(toolCache, 'Python/3.13.5/x64/bin/python3.13'),
    });
    expect(outcomes.get('3.13t')).toMatchObject({
      ok: true,
      source: 'tool-cache',
      executable: join(toolCache, 'Python/3.13.5/x64-freethreaded/bin/python3.13t'),
      facts: { freeThreaded: true },
    });
    const jit = outcomes.get('3.13+jit');
    expect(jit).toMatchObject({ ok: false });
    expect(toolkit.lines.join('\n')).toContain('does not serve 3.13+jit: ');
    expect(!jit?.ok && jit?.error).toContain('127.0.0.1:9');
  });
});
