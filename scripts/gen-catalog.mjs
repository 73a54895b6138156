// Regenerates src/python/catalog-data.json, the embedded catalog of python-build-standalone
// builds, from a catalog in uv's download-metadata shape (object of entries with version, build,
// os, arch, libc, variant, url, sha256).
//
//   node scripts/gen-catalog.mjs [source.json] [out.json]
//
// The embedded form keeps only what resolution needs, with URLs relative to the release
// folder, so that `prebuilt-mirror` can point them anywhere. src/domain/catalog.ts reads both
// shapes, so a `prebuilt-catalog` may be either.
import { readFileSync, writeFileSync } from 'node:fs';
import console from 'node:console';
import { basename } from 'node:path';
import process from 'node:process';
import * as prettier from 'prettier';

const GITHUB_RELEASES = 'https://github.com/astral-sh/python-build-standalone/releases/download/';
const source = process.argv[2] ?? '../shared/data/python-build-standalone-catalog.json';
const out = process.argv[3] ?? 'src/python/catalog-data.json';

const entries = Object.values(JSON.parse(readFileSync(source, 'utf8')));
const versionKey = (v) =>
  v
    .split('.')
    .map((n) => n.padStart(4, '0'))
    .join('.');
const builds = entries
  .filter((e) => e.url.startsWith(GITHUB_RELEASES))
  .map((e) => ({
    version: e.version,
    release: e.build,
    os: e.os,
    arch: typeof e.arch === 'string' ? e.arch : e.arch.family,
    libc: e.libc,
    flavour: e.variant ?? 'default',
    url: e.url.slice(GITHUB_RELEASES.length),
    sha256: e.sha256,
  }))
  .sort(
    (a, b) =>
      versionKey(b.version).localeCompare(versionKey(a.version)) ||
      `${a.os}/${a.arch}/${a.libc}/${a.flavour}`.localeCompare(`${b.os}/${b.arch}/${b.libc}/${b.flavour}`),
  );

const skipped = entries.length - builds.length;
if (skipped > 0)
  console.warn(`gen-catalog: skipped ${skipped} entries not on python-build-standalone's releases`);
const catalog = { schema: 1, generatedFrom: basename(source), builds };
// Written as prettier writes it, so `prettier --check .` and the generator agree.
const options = (await prettier.resolveConfig(out)) ?? {};
writeFileSync(out, await prettier.format(JSON.stringify(catalog), { ...options, filepath: out }));
console.log(`gen-catalog: wrote ${builds.length} builds to ${out}`);
