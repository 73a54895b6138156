// Bundles scripts/bench-thread-stress.ts (which imports the test helpers) and runs it.
import { build } from 'esbuild';
import { resolve } from 'node:path';

// Inside the project, so the bundle's external packages resolve from node_modules.
const out = resolve('node_modules/.cache/cpv-bench/bench-thread-stress.mjs');
await build({
  entryPoints: ['scripts/bench-thread-stress.ts'],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
await import(out);
