// python-build-standalone's release assets as catalog builds. Pure: the release listing and its
// SHA256SUMS come in as data. An asset name says everything resolution needs:
//
//   cpython-3.14.10+20261125-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz
//   cpython-3.15.0rc1+20260910-aarch64-apple-darwin-freethreaded-install_only.tar.gz
//   cpython-3.14.10+20261125-x86_64_v3-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst
//
// VERSION+RELEASE-TRIPLE-[OPTIONS-]KIND, where KIND is install_only[_stripped] (OPTIONS then only
// `freethreaded`) or full (OPTIONS `+`-joined: pgo, lto, noopt, debug, freethreaded).
import { jitCompiledIn, type CatalogBuild, type Flavour } from './catalog.js';

export interface AssetFacts {
  readonly version: string;
  readonly release: string;
  readonly os: string;
  /** 'x86_64', 'aarch64', or a microarchitecture level such as 'x86_64_v3'. */
  readonly arch: string;
  readonly libc: string;
  readonly flavour: Flavour;
  /** The build options in the name ('pgo+lto', 'freethreaded+debug'); install_only is pgo+lto. */
  readonly options: readonly string[];
  readonly kind: 'install_only' | 'install_only_stripped' | 'full';
  /** Optimised (pgo or lto, as install_only archives are), the only builds that carry the JIT. */
  readonly optimized: boolean;
}

// LLVM target triples python-build-standalone uses, to the catalog's os/libc names.
const TRIPLES: Readonly<Record<string, { os: string; libc: string }>> = {
  'unknown-linux-gnu': { os: 'linux', libc: 'gnu' },
  'unknown-linux-musl': { os: 'linux', libc: 'musl' },
  'apple-darwin': { os: 'darwin', libc: 'none' },
  'pc-windows-msvc': { os: 'windows', libc: 'none' },
};
const ARCHES: Readonly<Record<string, string>> = { arm64: 'aarch64' };
const KNOWN_OPTIONS = new Set(['pgo', 'lto', 'noopt', 'debug', 'freethreaded', 'static']);

const NAME =
  /^cpython-(3\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\+(\d{8})-([a-z0-9_]+)-(unknown-linux-gnu|unknown-linux-musl|apple-darwin|pc-windows-msvc)(?:-(.+?))?-(install_only_stripped|install_only|full)\.(tar\.gz|tar\.zst)$/;

/** What an asset's name says, or null when it is not a CPython archive this action can use. */
export function parseAssetName(name: string): AssetFacts | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, version = '', release = '', rawArch = '', triple = '', optionText = '', kind = ''] = m;
  const options = optionText === '' ? [] : optionText.split('+');
  if (options.some((o) => !KNOWN_OPTIONS.has(o)) || options.includes('static')) return null;
  const where = TRIPLES[triple] as { os: string; libc: string };
  const freeThreaded = options.includes('freethreaded');
  const debug = options.includes('debug');
  const flavour: Flavour = freeThreaded
    ? debug
      ? 'freethreaded+debug'
      : 'freethreaded'
    : debug
      ? 'debug'
      : 'default';
  const fullOptions = kind === 'full' ? options : [...options, 'pgo', 'lto'];
  return {
    version,
    release,
    os: where.os,
    arch: ARCHES[rawArch] ?? rawArch,
    libc: where.libc,
    flavour,
    options,
    kind: kind as AssetFacts['kind'],
    optimized: !debug && !options.includes('noopt') && fullOptions.some((o) => o === 'pgo' || o === 'lto'),
  };
}

export class ChecksumsError extends Error {}

/** SHA256SUMS: lines `<sha256>  <file>` (or `<sha256> *<file>`); file name -> lower-case sha256. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-fA-F]{64}) [ *](\S.*?)\s*$/.exec(line);
    if (!m) throw new ChecksumsError(`not a SHA256SUMS line: ${JSON.stringify(line.slice(0, 120))}`);
    sums.set(m[2] as string, (m[1] as string).toLowerCase());
  }
  if (sums.size === 0) throw new ChecksumsError('SHA256SUMS lists no files');
  return sums;
}

// Several archives serve one (version, platform, flavour): the smallest that carries the most.
// Stripped install_only first (what uv installs), then the optimised full builds.
function preference(a: AssetFacts): number {
  if (a.kind === 'install_only_stripped') return 0;
  if (a.kind === 'install_only') return 1;
  if (a.options.includes('pgo') && a.options.includes('lto')) return 2;
  if (a.options.includes('pgo') || a.options.includes('lto')) return 3;
  if (a.options.includes('debug')) return 4;
  return 5;
}

/**
 * One release's builds: every asset SHA256SUMS names (and, when given, the listing names too),
 * one archive per version, platform and flavour, with the checksum from SHA256SUMS. URLs are
 * relative to the release folder (`RELEASE/FILE`), so `prebuilt-mirror` applies to them.
 */
export function releaseBuilds(options: {
  tag: string;
  sums: ReadonlyMap<string, string>;
  /** Asset names of the release listing; empty when the listing gave none. */
  assets: readonly string[];
}): CatalogBuild[] {
  const listed = new Set(options.assets);
  const best = new Map<string, { facts: AssetFacts; name: string; sha256: string }>();
  for (const [name, sha256] of options.sums) {
    if (listed.size > 0 && !listed.has(name)) continue;
    const facts = parseAssetName(name);
    if (facts === null || facts.release !== options.tag) continue;
    const key = `${facts.version}/${facts.os}/${facts.arch}/${facts.libc}/${facts.flavour}`;
    const held = best.get(key);
    if (held === undefined || preference(facts) < preference(held.facts))
      best.set(key, { facts, name, sha256 });
  }
  return [...best.values()].map(({ facts, name, sha256 }) => {
    const build = {
      version: facts.version,
      release: facts.release,
      os: facts.os,
      arch: facts.arch,
      libc: facts.libc,
      flavour: facts.flavour,
      url: `${facts.release}/${encodeURIComponent(name)}`,
      sha256,
    };
    return { ...build, jit: facts.optimized && jitCompiledIn(build) };
  });
}

export interface ReleaseListing {
  /** python-build-standalone's tags are release dates, '20261125'. */
  readonly tag: string;
  readonly assets: readonly string[];
}

/**
 * GitHub's `GET /repos/{owner}/{repo}/releases`: the published releases, newest first. Throws a
 * ChecksumsError on anything else (an error object, an HTML page, a truncated body).
 */
export function parseReleaseListing(data: unknown): ReleaseListing[] {
  if (!Array.isArray(data)) throw new ChecksumsError('the release listing is not a JSON array');
  const releases: ReleaseListing[] = [];
  for (const raw of data as unknown[]) {
    if (typeof raw !== 'object' || raw === null) throw new ChecksumsError('a release is not an object');
    const r = raw as Record<string, unknown>;
    if (typeof r['tag_name'] !== 'string') throw new ChecksumsError('a release has no tag_name');
    if (r['draft'] === true || r['prerelease'] === true || !/^\d{8}$/.test(r['tag_name'])) continue;
    const assets = Array.isArray(r['assets'])
      ? (r['assets'] as unknown[]).flatMap((a) =>
          typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string'
            ? [(a as { name: string }).name]
            : [],
        )
      : [];
    releases.push({ tag: r['tag_name'], assets });
  }
  return releases.sort((a, b) => b.tag.localeCompare(a.tag));
}

/** '20261125' -> '2026-11-25'. */
export const releaseDate = (tag: string): string =>
  `${tag.slice(0, 4)}-${tag.slice(4, 6)}-${tag.slice(6, 8)}`;
