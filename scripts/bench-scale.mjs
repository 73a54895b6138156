// npm run bench, scale part: bundles scripts/bench-scale.ts (which imports src/ and the test
// helpers) with esbuild into a temp folder, as bench.mjs does, and runs it. Alone:
// `node scripts/bench-scale.mjs`, or `node scripts/bench-scale.mjs --from samples.json` to rerun
// the simulation on saved runs.
import { build } from 'esbuild';
import console from 'node:console';
import process from 'node:process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const scratch = mkdtempSync(join(tmpdir(), 'cpv-bench-scale-lib-'));
const outfile = join(scratch, 'bench-scale.mjs');
try {
  await build({
    entryPoints: [join(repo, 'scripts', 'bench-scale.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main({ repo, argv: process.argv.slice(2) });
} catch (error) {
  console.error(error);
  process.exitCode = 2;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
