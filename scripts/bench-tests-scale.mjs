// Bundles scripts/bench-tests-scale.ts (which imports src/) and runs it: the 20,000-test scale figure.
import { build } from 'esbuild';
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';

// Inside the project, so the bundle's external packages resolve from node_modules.
const out = resolve('node_modules/.cache/cpv-bench/bench-tests-scale.mjs');
await build({
  entryPoints: ['scripts/bench-tests-scale.ts'],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
// The action finds probe.py and its plugin next to the bundle, as dist/index.js does.
cpSync('src/python/assets', resolve('node_modules/.cache/cpv-bench/assets'), { recursive: true });
await import(out);
