// Bundles scripts/bench-thread-stress.ts (which imports the test helpers) and runs it.
import { build } from 'esbuild';
import { resolve } from 'node:path';

// Two levels below the project's root (.cpv is ignored by git): the test helpers find the
// fixtures from their own location, and the bundle's external packages resolve from node_modules.
const out = resolve('.cpv/bench/bench-thread-stress.mjs');
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
