// The one bundling script: dist/index.js is what users run, and CI checks it is fresh.
import { build } from 'esbuild';
import { rmSync, mkdirSync, cpSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  // The action declares node24; the machines that test it run node20. Both run this.
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  // Some transitive dependencies are CommonJS and call require() for node builtins.
  banner: {
    js: "import { createRequire as __cpvCreateRequire } from 'node:module'; const require = __cpvCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// Files the action reads at run time, found next to dist/index.js through import.meta.url.
cpSync('src/python/assets', 'dist/assets', { recursive: true });
