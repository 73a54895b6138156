// npm run bench (issue 3 part): a warm restore of 3 variants (3.13, 3.13t, 3.13+jit) through the
// action's installer (cache hit, unpack, marker and probe) against plain `tar -x` of the same
// trees, measured in one run, as a ratio. Goal: <= 1.2. Bundled and run by scripts/bench.mjs's
// sibling bench-restore.mjs; the archives are made from the provisioned interpreters.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCacheStore } from '../src/adapters/cache.js';
import { SpawnRunner } from '../src/adapters/process.js';
import { median } from '../src/domain/stats.js';
import { parseVariant } from '../src/domain/variants.js';
import { installVariants, type InstallContext } from '../src/python/install.js';
import { startMirror } from '../__tests__/fakes/mirror-server.js';
import {
  archivesSkipReason,
  buildArchives,
  cleanEnv,
  DEFAULT_ASSET,
  FREETHREADED_ASSET,
  RecordingToolkit,
  RELEASE,
  writeCatalog,
  installInputs,
} from '../__tests__/python/pbs-fixture.js';

const ROUNDS = 5;
const skip = archivesSkipReason();
if (skip !== null) {
  console.log(`restore bench skipped: ${skip}`);
  process.exit(0);
}
const runner = new SpawnRunner();
const tmp = mkdtempSync(join(tmpdir(), 'cpv-bench-restore-'));
const installRoot = join(tmp, 'tool-cache', 'cpython-variants');
const variants = ['3.13', '3.13t', '3.13+jit'].map(parseVariant);
const archives = buildArchives();
const catalog = writeCatalog({ file: join(tmp, 'catalog.json'), archives });
const mirror = await startMirror();
mirror.serve(`/${RELEASE}/${DEFAULT_ASSET}`, archives.default.file);
mirror.serve(`/${RELEASE}/${FREETHREADED_ASSET}`, archives.freethreaded.file);
const env = cleanEnv();
const cache = new LocalCacheStore({ directory: join(tmp, 'cache'), runner, env });

const context = (): InstallContext => ({
  settings: installInputs({
    mirror: mirror.url,
    catalog,
    workingDirectory: tmp,
    pythonSource: 'auto',
    cache: true,
  }),
  runner,
  cache,
  toolkit: new RecordingToolkit(),
  env,
  installRoot,
  toolCache: '',
});

const cold = await installVariants(context(), variants);
const failed = [...cold].filter(([, o]) => !o.ok);
if (failed.length > 0) throw new Error(`cold install failed: ${JSON.stringify(failed)}`);
// The baseline: the very archives the cache holds (the same trimmed trees), unpacked by plain tar.
const archivesInCache = readdirSync(join(tmp, 'cache')).filter((f) => f.endsWith('.tar'));
if (archivesInCache.length === 0) throw new Error('the cold install saved nothing to the cache');

const warm: number[] = [];
const tarX: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so neither side always runs on a warmer page cache.
  const order = round % 2 === 0 ? ['warm', 'tar'] : ['tar', 'warm'];
  for (const side of order) {
    if (side === 'warm') {
      rmSync(installRoot, { recursive: true, force: true });
      const started = performance.now();
      const outcomes = await installVariants(context(), variants);
      warm.push(performance.now() - started);
      const sources = [...outcomes.values()].map((o) => (o.ok ? o.source : 'failed'));
      if (sources.some((s) => s !== 'cache'))
        throw new Error(`warm run did not restore: ${sources.join(', ')}`);
    } else {
      rmSync(installRoot, { recursive: true, force: true });
      const started = performance.now();
      for (const archive of archivesInCache) {
        execFileSync('tar', ['-x', '--zstd', '-P', '-f', join(tmp, 'cache', archive)]);
      }
      tarX.push(performance.now() - started);
    }
  }
}
await mirror.close();
rmSync(tmp, { recursive: true, force: true });
const ratio = median(warm) / median(tarX);
console.log(
  `restore: warm restore of 3 variants ${median(warm).toFixed(0)} ms (median of ${ROUNDS}), tar -x of the cache's own archives ${median(tarX).toFixed(0)} ms: ratio ${ratio.toFixed(2)} (goal <= 1.2) ${ratio <= 1.2 ? 'OK' : 'MISSED'}`,
);
