// Which python-build-standalone build serves a variant on a platform. Pure: the catalog comes in
// as data (embedded, or the `prebuilt-catalog` input), and every refusal lists what exists.
import type { Variant } from './variants.js';

export type OsName = 'linux' | 'darwin' | 'windows';
export type ArchName = 'x86_64' | 'aarch64';
export type Libc = 'gnu' | 'musl' | 'none';
export type Flavour = 'default' | 'freethreaded' | 'debug' | 'freethreaded+debug';

export interface Platform {
  readonly os: OsName;
  readonly arch: ArchName;
  readonly libc: Libc;
}

export interface CatalogBuild {
  /** Exact CPython version, '3.13.5'. */
  readonly version: string;
  /** python-build-standalone's release tag, '20250723'. */
  readonly release: string;
  readonly os: string;
  readonly arch: string;
  readonly libc: string;
  readonly flavour: Flavour;
  /** Absolute, or relative to the release mirror (`RELEASE/FILE`). */
  readonly url: string;
  readonly sha256: string;
  /** The JIT is compiled in (off until PYTHON_JIT=1), so this build also serves `+jit`. */
  readonly jit: boolean;
  /** Which catalog listed it, for the log and report.json: 'embedded of 2026-08-14', 'live of 2026-12-01'. */
  readonly origin?: string;
}

export interface Catalog {
  /** Where it came from, for messages: 'the embedded catalog' or the input's value. */
  readonly source: string;
  readonly builds: readonly CatalogBuild[];
}

export class CatalogError extends Error {}

export const GITHUB_RELEASES = 'https://github.com/astral-sh/python-build-standalone/releases/download';
// python-build-standalone turned the JIT on (compiled in, off by default) in this release.
const FIRST_JIT_RELEASE = '20250311';
const FLAVOURS: readonly Flavour[] = ['default', 'freethreaded', 'debug', 'freethreaded+debug'];

/** Whether a python-build-standalone build has the JIT compiled in, from its release and target. */
export function jitCompiledIn(build: Omit<CatalogBuild, 'jit'>): boolean {
  const minor = Number(build.version.split('.')[1]);
  // Linux gnu x86_64 (and its v2-v4 levels) and aarch64, macOS arm64: never musl or Windows.
  const target =
    (build.os === 'linux' && build.libc === 'gnu' && /^(x86_64(_v[234])?|aarch64)$/.test(build.arch)) ||
    (build.os === 'darwin' && build.arch === 'aarch64');
  return build.flavour === 'default' && minor >= 13 && build.release >= FIRST_JIT_RELEASE && target;
}

export function flavourOf(variant: Pick<Variant, 'freeThreaded' | 'debug'>): Flavour {
  if (variant.freeThreaded) return variant.debug ? 'freethreaded+debug' : 'freethreaded';
  return variant.debug ? 'debug' : 'default';
}

/** A pre-release such as '3.15.0rc1' (a, b, rc), as opposed to a final release. */
export const isPreRelease = (version: string): boolean => /\d(a|b|rc)\d+$/.test(version);

// '3.15.0rc1' -> [3, 15, 0, 2, 1]: the stage (a 0, b 1, rc 2, final 3) sorts pre-releases first.
function versionKey(version: string): number[] {
  const m = /^(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?$/.exec(version);
  const numbers = (m?.[1] ?? version).split('.').map(Number);
  while (numbers.length < 3) numbers.push(0);
  const stage = m?.[2] === undefined ? 3 : ['a', 'b', 'rc'].indexOf(m[2]);
  return [...numbers, stage, Number(m?.[3] ?? 0)];
}

/** Negative when a is older: '3.13.10' is newer than '3.13.9', '3.15.0' than '3.15.0rc1'. */
export function compareVersions(a: string, b: string): number {
  const pa = versionKey(a);
  const pb = versionKey(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

function entry(raw: unknown, where: string): CatalogBuild {
  if (!isRecord(raw)) throw new CatalogError(`${where} is not an object`);
  // uv's download-metadata writes arch as {family, variant} and the version as major/minor/patch.
  const arch = isRecord(raw['arch']) ? text(raw['arch']['family']) : text(raw['arch']);
  const version =
    text(raw['version']) ??
    (raw['major'] !== undefined
      ? `${String(raw['major'])}.${String(raw['minor'])}.${String(raw['patch'])}`
      : undefined);
  const flavour = (raw['flavour'] ?? raw['variant'] ?? 'default') as Flavour;
  const fields = {
    version,
    release: text(raw['release']) ?? text(raw['build']),
    os: text(raw['os']),
    arch,
    libc: text(raw['libc']) ?? 'none',
    url: text(raw['url']),
    sha256: text(raw['sha256'])?.toLowerCase(),
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) throw new CatalogError(`${where} has no ${name}`);
  }
  if (!/^3\.\d+\.\d+((a|b|rc)\d+)?$/.test(fields.version ?? ''))
    throw new CatalogError(
      `${where}: version ${fields.version} is not 3.N.P or a pre-release such as 3.N.0rc1`,
    );
  if (!/^[0-9a-f]{64}$/.test(fields.sha256 ?? ''))
    throw new CatalogError(`${where}: sha256 is not 64 hex digits`);
  if (!FLAVOURS.includes(flavour))
    throw new CatalogError(`${where}: variant ${String(flavour)} is not one of ${FLAVOURS.join(', ')}`);
  const build = { ...(fields as Omit<CatalogBuild, 'jit' | 'flavour'>), flavour };
  const origin = text(raw['origin']);
  return {
    ...build,
    jit: typeof raw['jit'] === 'boolean' ? raw['jit'] : jitCompiledIn(build),
    ...(origin !== undefined ? { origin } : {}),
  };
}

/**
 * Reads a catalog: the embedded shape `{schema: 1, builds: [...]}`, or uv's download-metadata
 * shape (an object of named entries), so a mirror can publish either.
 */
export function parseCatalog(data: unknown, source: string): Catalog {
  let raws: [string, unknown][];
  if (isRecord(data) && Array.isArray(data['builds'])) {
    raws = data['builds'].map((b, i) => [`builds[${i}]`, b]);
  } else if (isRecord(data)) {
    raws = Object.entries(data);
  } else {
    throw new CatalogError(`${source} is not a catalog: expected a JSON object`);
  }
  const builds: CatalogBuild[] = [];
  for (const [where, raw] of raws) {
    // Entries for other implementations (PyPy, GraalPy in uv's file) are not ours to judge.
    if (isRecord(raw) && raw['name'] !== undefined && raw['name'] !== 'cpython') continue;
    try {
      builds.push(entry(raw, `entry ${where}`));
    } catch (error) {
      throw new CatalogError(`${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (builds.length === 0) throw new CatalogError(`${source} lists no CPython builds`);
  return { source, builds };
}

export function platformLabel(p: { os: string; arch: string; libc: string }): string {
  return p.libc === 'none' ? `${p.os}-${p.arch}` : `${p.os}-${p.arch}-${p.libc}`;
}

const onPlatform = (b: CatalogBuild, p: Platform): boolean =>
  b.os === p.os && b.arch === p.arch && b.libc === p.libc;
const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
const newestFirst = (xs: readonly string[]): string[] => unique(xs).sort((a, b) => compareVersions(b, a));

function summarise(versions: readonly string[]): string {
  const sorted = newestFirst(versions).reverse();
  return sorted.length <= 12
    ? sorted.join(', ')
    : `${sorted.slice(0, 3).join(', ')}, ..., ${sorted.slice(-6).join(', ')}`;
}

export type Resolution<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * The exact version a variant means. `3.13` is the newest 3.13.x the catalog has for this
 * platform (the newest anywhere when the platform has none, so the refusal names it); `3.13.5`
 * must be known.
 */
export function resolveVersion(
  catalog: Catalog,
  options: { version: string; platform: Platform },
): Resolution<string> {
  const { version, platform } = options;
  const minor = version.split('.').slice(0, 2).join('.');
  const ofMinor = catalog.builds.filter((b) => b.version.startsWith(`${minor}.`));
  if (ofMinor.length === 0) {
    const minors = newestFirst(
      catalog.builds.map((b) => b.version.split('.').slice(0, 2).join('.')),
    ).reverse();
    return {
      ok: false,
      error: `CPython ${minor} is not in ${catalog.source}; it knows ${minors.join(', ')}`,
    };
  }
  if (version !== minor) {
    if (ofMinor.some((b) => b.version === version)) return { ok: true, value: version };
    return {
      ok: false,
      error: `CPython ${version} is not in ${catalog.source} (the newest ${minor} it knows is ${newestFirst(ofMinor.map((b) => b.version))[0]}; it knows ${summarise(ofMinor.map((b) => b.version))})`,
    };
  }
  const here = ofMinor.filter((b) => onPlatform(b, platform));
  const candidates = newestFirst((here.length > 0 ? here : ofMinor).map((b) => b.version));
  // `3.15` is a release: a pre-release only while the minor has no final one yet.
  const newest = candidates.find((v) => !isPreRelease(v)) ?? candidates[0];
  return { ok: true, value: newest as string };
}

/** The build of an exact version for a variant on a platform, or why there is none and what exists. */
export function findBuild(
  catalog: Catalog,
  options: {
    version: string;
    variant: Pick<Variant, 'freeThreaded' | 'debug' | 'jit' | 'name'>;
    platform: Platform;
  },
): Resolution<CatalogBuild> {
  const { version, variant, platform } = options;
  const flavour = flavourOf(variant);
  const ofVersion = catalog.builds.filter((b) => b.version === version);
  const here = ofVersion.filter((b) => onPlatform(b, platform));
  const match = here.find((b) => b.flavour === flavour && (!variant.jit || b.jit));
  if (match) return { ok: true, value: match };

  const where = platformLabel(platform);
  const fitting = (b: CatalogBuild): boolean => b.flavour === flavour && (!variant.jit || b.jit);
  const elsewhere = unique(ofVersion.filter(fitting).map(platformLabel)).sort();
  const otherVersions = catalog.builds
    .filter((b) => onPlatform(b, platform) && fitting(b))
    .map((b) => b.version);
  const kind = `${flavour}${variant.jit ? ' JIT' : ''} build`;
  const parts = [`${catalog.source} has no ${kind} of CPython ${version} for ${where} (for ${variant.name})`];
  if (here.length > 0) {
    const has = here.map((b) => (b.jit ? `${b.flavour} (with JIT)` : b.flavour)).sort();
    parts.push(`for ${where} it has ${has.join(', ')}`);
  }
  if (variant.jit && flavour !== 'default')
    parts.push('its JIT builds are default (non-debug, non-free-threaded) builds only');
  if (elsewhere.length > 0) parts.push(`${version} ${kind}s exist for ${elsewhere.join(', ')}`);
  if (otherVersions.length > 0) parts.push(`for ${where} ${kind}s exist for ${summarise(otherVersions)}`);
  return { ok: false, error: `${parts.join('; ')}.` };
}

/** Where to fetch a build: relative URLs and python-build-standalone's own URLs go through the mirror. */
export function downloadUrl(build: Pick<CatalogBuild, 'url'>, mirror: string): string {
  const base = mirror.replace(/\/+$/, '');
  if (build.url.startsWith(`${GITHUB_RELEASES}/`))
    return `${base}/${build.url.slice(GITHUB_RELEASES.length + 1)}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(build.url)) return build.url;
  return `${base}/${build.url.replace(/^\/+/, '')}`;
}

/** python-build-standalone's archive layouts: `-full.tar.zst` puts the prefix under python/install. */
export function archiveLayout(url: string): {
  readonly compression: 'gzip' | 'zstd';
  readonly prefix: string;
} {
  const name = decodeURIComponent(url.split('/').pop() ?? url);
  const compression = name.endsWith('.zst') ? 'zstd' : 'gzip';
  return { compression, prefix: name.includes('-full.') ? 'python/install' : 'python' };
}
