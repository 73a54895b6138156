// Which installs serve which variants. One install serves every variant it can: a
// python-build-standalone default build with the JIT compiled in serves `3.13` and `3.13+jit`,
// and so does one source build configured with `--enable-experimental-jit=yes-off`.
import {
  findBuild,
  flavourOf,
  resolveVersion,
  type Catalog,
  type CatalogBuild,
  type Platform,
} from './catalog.js';
import type { Variant } from './variants.js';

export type PythonSource = 'auto' | 'prebuilt' | 'build';

export interface PrebuiltUnit {
  readonly kind: 'prebuilt';
  /** Folder name under the install root; stable across runs so cached trees restore in place. */
  readonly id: string;
  readonly version: string;
  readonly build: CatalogBuild;
  readonly variants: readonly Variant[];
}

export interface BuildUnit {
  readonly kind: 'build';
  readonly id: string;
  /** Exact, or the variant's own `3.N` when a fixed tarball's name does not say. */
  readonly version: string;
  readonly minor: string;
  readonly configureFlags: readonly string[];
  readonly jit: boolean;
  readonly variants: readonly Variant[];
  /** Why no prebuilt serves these variants (python-source: auto), for logs and errors. */
  readonly whyNotPrebuilt: readonly string[];
}

export type InstallUnit = PrebuiltUnit | BuildUnit;

export interface InstallPlan {
  readonly units: readonly InstallUnit[];
  /** Variant name -> why it cannot be installed. */
  readonly failures: ReadonlyMap<string, string>;
}

/** The version a CPython source tarball's name states: Python-3.13.5.tar.xz, Python-3.15.0rc1.tar.xz, python3.13_3.13.5.orig.tar.xz. */
export function sourceVersionFromName(name: string): string | undefined {
  return /(?:^|[/\\_-])(?:Python-|python3\.\d+_)?(3\.\d+\.\d+(?:(?:a|b|rc)\d+)?)(?:\.orig)?\.(?:tar|tgz)/i.exec(
    name,
  )?.[1];
}

export function configureFlags(options: { freeThreaded: boolean; debug: boolean; jit: boolean }): string[] {
  return [
    ...(options.freeThreaded ? ['--disable-gil'] : []),
    ...(options.debug ? ['--with-pydebug'] : []),
    // yes-off: compiled in but off until PYTHON_JIT=1, so the same build also serves the plain label.
    ...(options.jit ? ['--enable-experimental-jit=yes-off'] : []),
  ];
}

interface PlanOptions {
  readonly variants: readonly Variant[];
  readonly pythonSource: PythonSource;
  /** null when it could not be loaded; `catalogError` says why. */
  readonly catalog: Catalog | null;
  readonly catalogError?: string;
  readonly platform: Platform;
  /** The `cpython-source` input: a URL or path, with `{version}` or fixed. */
  readonly cpythonSource: string;
}

type Choice =
  | { kind: 'prebuilt'; version: string; build: CatalogBuild }
  | { kind: 'build'; version: string; whyNotPrebuilt?: string }
  | { kind: 'failed'; error: string };

function buildVersion(options: PlanOptions, variant: Variant): { version: string } | { error: string } {
  if (!options.cpythonSource.includes('{version}')) {
    const named = sourceVersionFromName(options.cpythonSource);
    if (named !== undefined && !`${named}.`.startsWith(`${variant.version}.`)) {
      return { error: `cpython-source ${options.cpythonSource} is CPython ${named}, not ${variant.version}` };
    }
    return { version: named ?? variant.version };
  }
  if (variant.version !== variant.minor) return { version: variant.version };
  if (options.catalog === null)
    return { error: `cannot tell which ${variant.minor}.x to build: ${options.catalogError}` };
  const resolved = resolveVersion(options.catalog, { version: variant.version, platform: options.platform });
  return resolved.ok ? { version: resolved.value } : { error: resolved.error };
}

function choose(options: PlanOptions, variant: Variant): Choice {
  let whyNotPrebuilt: string | undefined;
  if (options.pythonSource !== 'build') {
    if (options.catalog === null) {
      whyNotPrebuilt = options.catalogError ?? 'no catalog';
    } else {
      const version = resolveVersion(options.catalog, {
        version: variant.version,
        platform: options.platform,
      });
      const build = version.ok
        ? findBuild(options.catalog, { version: version.value, variant, platform: options.platform })
        : version;
      if (build.ok && version.ok) return { kind: 'prebuilt', version: version.value, build: build.value };
      whyNotPrebuilt = build.ok ? undefined : build.error;
    }
    if (options.pythonSource === 'prebuilt')
      return { kind: 'failed', error: `python-source is prebuilt: ${whyNotPrebuilt}` };
  }
  const version = buildVersion(options, variant);
  if ('error' in version) {
    return {
      kind: 'failed',
      error: whyNotPrebuilt ? `${whyNotPrebuilt}; and no source build: ${version.error}` : version.error,
    };
  }
  return { kind: 'build', version: version.version, ...(whyNotPrebuilt ? { whyNotPrebuilt } : {}) };
}

export function planInstalls(options: PlanOptions): InstallPlan {
  const failures = new Map<string, string>();
  const prebuilt = new Map<string, { version: string; build: CatalogBuild; variants: Variant[] }>();
  const builds = new Map<string, { version: string; variants: Variant[]; why: string[] }>();
  for (const variant of options.variants) {
    const choice = choose(options, variant);
    switch (choice.kind) {
      case 'failed':
        failures.set(variant.name, choice.error);
        break;
      case 'prebuilt': {
        const unit = prebuilt.get(choice.build.url) ?? {
          version: choice.version,
          build: choice.build,
          variants: [],
        };
        unit.variants.push(variant);
        prebuilt.set(choice.build.url, unit);
        break;
      }
      case 'build': {
        // The JIT is not a separate build: a yes-off build serves the variants with and without it.
        const key = `${choice.version}/${variant.freeThreaded}/${variant.debug}`;
        const unit = builds.get(key) ?? { version: choice.version, variants: [], why: [] };
        unit.variants.push(variant);
        if (choice.whyNotPrebuilt) unit.why.push(choice.whyNotPrebuilt);
        builds.set(key, unit);
        break;
      }
      default: {
        const never: never = choice;
        throw new Error(`unexpected choice ${JSON.stringify(never)}`);
      }
    }
  }
  const units: InstallUnit[] = [];
  for (const u of prebuilt.values()) {
    const id = `pbs-${u.version}-${u.build.flavour.replace('+', '-')}-${u.build.release}`;
    units.push({ kind: 'prebuilt', id, version: u.version, build: u.build, variants: u.variants });
  }
  for (const u of builds.values()) {
    const first = u.variants[0] as Variant;
    const jit = u.variants.some((v) => v.jit);
    const flags = configureFlags({ freeThreaded: first.freeThreaded, debug: first.debug, jit });
    const slug = [flavourOf(first), ...(jit ? ['jit'] : [])].join('-').replace('+', '-');
    units.push({
      kind: 'build',
      id: `src-${u.version}-${slug}`,
      version: u.version,
      minor: first.minor,
      configureFlags: flags,
      jit,
      variants: u.variants,
      whyNotPrebuilt: [...new Set(u.why)],
    });
  }
  return { units, failures };
}

/**
 * Why a variant is being built from source and from where, said before the (long or failing)
 * download and build, and kept in the install error: "not in the catalog" alone would leave a
 * reader guessing what was tried.
 */
export function sourceBuildNote(unit: BuildUnit, options: { cpythonSource: string }): string | null {
  if (unit.whyNotPrebuilt.length === 0) return null;
  const where = options.cpythonSource.replaceAll('{version}', unit.version);
  return `${unit.whyNotPrebuilt.join('; ')}; so CPython ${unit.version} is built from source, from cpython-source (${where})`;
}
