// Gets one interpreter per variant: from the `interpreters` input first, then the runner's tool
// cache, then python-build-standalone archives, then a source build (each restored from the
// cache when it holds them). Every interpreter is probed before use: a mismatch with its label
// is an install error, because figures for the wrong interpreter are worse than none.
import { isAbsolute, join, resolve } from 'node:path';
import { resolveVersion, type Catalog } from '../domain/catalog.js';
import { planInstalls } from '../domain/install-plan.js';
import { describeFacts, mismatches, type ProbeFacts } from '../domain/probe-check.js';
import type { Variant } from '../domain/variants.js';
import { InputError } from '../domain/input-error.js';
import { refusedJit } from '../domain/jit-platforms.js';
import { refusedVersions } from '../domain/version-check.js';
import type { CacheStore, ProcessRunner, Toolkit } from '../ports.js';
import { loadCatalog } from './catalog-source.js';
import { liveCatalog } from './live-catalog.js';
import { detectHost, type HostPlatform } from './host.js';
import { describeUnit, installUnit, type UnitContext } from './install-unit.js';
import { probeInterpreter } from './probe.js';
import { findInToolCache } from './tool-cache.js';

export type InstallSource = 'interpreters' | 'prebuilt' | 'build' | 'cache' | 'tool-cache';

export type InstallOutcome =
  | {
      readonly ok: true;
      readonly executable: string;
      readonly source: InstallSource;
      readonly facts: ProbeFacts;
      readonly durationMs: number;
      /** The catalog that resolved a prebuilt install: 'embedded of 2026-08-14', 'live of 2026-12-01'. */
      readonly catalog?: string;
    }
  | {
      readonly ok: false;
      readonly error: string;
      /** A configuration error (a user-given interpreter that is not what its label says) fails the step. */
      readonly fatal: boolean;
    };

/** What the installs are asked for: the install-related choices, whoever made them. */
export interface InstallSettings {
  /** Variant name -> an interpreter already on the machine, used as is (after the probe). */
  readonly interpreters: ReadonlyMap<string, string>;
  /** Where interpreters may come from: prebuilt archives, a source build, or either. */
  readonly pythonSource: 'auto' | 'prebuilt' | 'build';
  /** The CPython source tarball's URL or path, `{version}` filled in. */
  readonly cpythonSource: string;
  /** Where python-build-standalone archives are downloaded from. */
  readonly prebuiltMirror: string;
  /** A catalog file to use instead of the embedded and live ones; null for those. */
  readonly prebuiltCatalog: string | null;
  /** Save and restore installs with the cache service. */
  readonly cache: boolean;
  /** Relative `interpreters` paths are resolved against it. */
  readonly workingDirectory: string;
}

export interface InstallContext {
  readonly settings: InstallSettings;
  readonly runner: ProcessRunner;
  readonly cache: CacheStore;
  readonly toolkit: Toolkit;
  /** A clean environment for the interpreter's own processes (credentials already scrubbed). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Where installs go (outside the project). Keep it the same from run to run (e.g. under
   * RUNNER_TOOL_CACHE): cached trees are restored to the paths they were saved from.
   */
  readonly installRoot: string;
  /** The machine the interpreters are for; detected when absent. */
  readonly platform?: HostPlatform;
  /** Parallel jobs of a source build (`make -j`); the machine's cores when absent. */
  readonly cores?: number;
  /** setup-python's tool cache; env.RUNNER_TOOL_CACHE when absent, '' to not look. */
  readonly toolCache?: string;
  /** GitHub's API and token, to read python-build-standalone's releases; absent: the embedded catalog only. */
  readonly catalogApi?: { readonly apiUrl: string; readonly token: string };
}

export class InstallError extends Error {}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function probeAs(
  ctx: InstallContext,
  options: { variant: Variant; executable: string },
): Promise<{ facts: ProbeFacts } | { problem: string }> {
  try {
    const facts = await probeInterpreter(ctx.runner, { executable: options.executable, env: ctx.env });
    const problems = mismatches(options.variant, facts);
    if (problems.length > 0) {
      return {
        problem: `${options.executable} is not ${options.variant.name}: ${problems.join('; ')}. The probe found ${describeFacts(facts)}.`,
      };
    }
    return { facts };
  } catch (error) {
    return { problem: message(error) };
  }
}

async function fromInterpretersInput(
  ctx: InstallContext,
  variant: Variant,
  path: string,
): Promise<InstallOutcome> {
  const started = Date.now();
  const executable = isAbsolute(path) ? path : resolve(ctx.settings.workingDirectory, path);
  const probed = await probeAs(ctx, { variant, executable });
  if ('problem' in probed) return { ok: false, error: `interpreters: ${probed.problem}`, fatal: true };
  return {
    ok: true,
    executable,
    source: 'interpreters',
    facts: probed.facts,
    durationMs: Date.now() - started,
  };
}

async function fromToolCache(
  ctx: InstallContext,
  options: { variant: Variant; catalog: Catalog | null; platform: HostPlatform },
): Promise<InstallOutcome | undefined> {
  const { variant, catalog, platform } = options;
  const toolCache = ctx.toolCache ?? ctx.env['RUNNER_TOOL_CACHE'] ?? '';
  if (toolCache === '' || ctx.settings.pythonSource === 'build') return undefined;
  // `3.13` means the version every other source would install, so all variants of a minor
  // stay on one patch release; a tool cache holding an older one is passed over.
  let version = variant.version;
  if (variant.version === variant.minor) {
    const resolved = catalog ? resolveVersion(catalog, { version: variant.version, platform }) : undefined;
    if (!resolved?.ok) return undefined;
    version = resolved.value;
  }
  const executable = findInToolCache({ toolCache, version, variant, os: platform.os, arch: platform.arch });
  if (executable === undefined) return undefined;
  const started = Date.now();
  const probed = await probeAs(ctx, { variant, executable });
  if ('problem' in probed) {
    ctx.toolkit.info(`The tool cache's ${executable} does not serve ${variant.name}: ${probed.problem}`);
    return undefined;
  }
  ctx.toolkit.info(`${variant.name}: ${describeFacts(probed.facts)} from the tool cache (${executable})`);
  return {
    ok: true,
    executable,
    source: 'tool-cache',
    facts: probed.facts,
    durationMs: Date.now() - started,
  };
}

function serialiser(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function installVariants(
  ctx: InstallContext,
  variants: readonly Variant[],
): Promise<Map<string, InstallOutcome>> {
  const outcomes = new Map<string, InstallOutcome>();
  const rest: Variant[] = [];
  for (const variant of variants) {
    const given = ctx.settings.interpreters.get(variant.name);
    if (given !== undefined) outcomes.set(variant.name, await fromInterpretersInput(ctx, variant, given));
    else rest.push(variant);
  }
  if (rest.length === 0) return outcomes;

  const failAll = (error: string, fatal: boolean): Map<string, InstallOutcome> => {
    for (const v of rest) outcomes.set(v.name, { ok: false, error, fatal });
    return outcomes;
  };
  let platform: HostPlatform;
  try {
    platform = ctx.platform ?? detectHost();
  } catch (error) {
    return failAll(message(error), false);
  }
  let catalog: Catalog | null = null;
  let catalogError: string | undefined;
  try {
    catalog =
      ctx.settings.prebuiltCatalog === null
        ? await liveCatalog({
            apiUrl: ctx.catalogApi?.apiUrl ?? '',
            token: ctx.catalogApi?.token ?? '',
            mirror: ctx.settings.prebuiltMirror,
            cache: ctx.settings.cache ? ctx.cache : null,
            directory: join(ctx.installRoot, 'catalog'),
            toolkit: ctx.toolkit,
          })
        : await loadCatalog(ctx.settings.prebuiltCatalog);
  } catch (error) {
    // A prebuilt-catalog the user named and that cannot be read is a configuration error.
    if (ctx.settings.prebuiltCatalog !== null) return failAll(message(error), true);
    catalogError = message(error);
  }

  let installable = rest;
  const jitRefused = refusedJit({ variants: rest, platform, pythonSource: ctx.settings.pythonSource });
  if (catalog !== null || jitRefused.length > 0) {
    const versionRefused =
      catalog === null
        ? []
        : refusedVersions({
            variants: rest,
            catalog,
            pythonSource: ctx.settings.pythonSource,
            cpythonSource: ctx.settings.cpythonSource,
          });
    // One reason per variant: the platform's comes first, as it holds whatever the version.
    const refused = [
      ...jitRefused,
      ...versionRefused.filter((r) => !jitRefused.some((j) => j.variant === r.variant)),
    ];
    const required = refused.filter((r) => !r.variant.optional);
    // Bad input, refused before any download or build; the other variants wait for a fixed list.
    if (required.length > 0) {
      const names = required.map((r) => r.variant.name).join(', ');
      failAll(`not installed: the variants input names ${names}, which cannot be installed`, false);
      for (const { variant, reason } of required) {
        const error = new InputError('variants', variant.name, reason).message;
        outcomes.set(variant.name, { ok: false, error, fatal: true });
      }
      return new Map(variants.map((v) => [v.name, outcomes.get(v.name) as InstallOutcome]));
    }
    // A variant written with `?` may fail to install: it does, at once, and the others go on.
    for (const { variant, reason } of refused)
      outcomes.set(variant.name, { ok: false, error: reason, fatal: false });
    installable = rest.filter((v) => !refused.some((r) => r.variant === v));
  }

  const remaining: Variant[] = [];
  for (const variant of installable) {
    const found = await fromToolCache(ctx, { variant, catalog, platform });
    if (found) outcomes.set(variant.name, found);
    else remaining.push(variant);
  }

  const plan = planInstalls({
    variants: remaining,
    pythonSource: ctx.settings.pythonSource,
    catalog,
    ...(catalogError !== undefined ? { catalogError } : {}),
    platform,
    cpythonSource: ctx.settings.cpythonSource,
  });
  for (const [name, error] of plan.failures) outcomes.set(name, { ok: false, error, fatal: false });

  const unitContext: UnitContext = {
    runner: ctx.runner,
    cache: ctx.settings.cache ? ctx.cache : null,
    toolkit: ctx.toolkit,
    env: ctx.env,
    platform,
    installRoot: ctx.installRoot,
    mirror: ctx.settings.prebuiltMirror,
    cpythonSource: ctx.settings.cpythonSource,
    ...(ctx.cores !== undefined ? { cores: ctx.cores } : {}),
    tarballs: new Map(),
    serialise: serialiser(),
  };
  // Downloads and restores run side by side; source builds queue on `serialise`.
  await Promise.all(
    plan.units.map(async (unit) => {
      const started = Date.now();
      ctx.toolkit.info(
        `${unit.variants.map((v) => v.name).join(', ')}: ${describeUnit(unit)} in ${join(ctx.installRoot, unit.id)}`,
      );
      const results = await installUnit(unitContext, unit);
      for (const [name, r] of results) {
        outcomes.set(
          name,
          r.ok
            ? {
                ok: true,
                executable: r.executable,
                source: r.source,
                facts: r.facts,
                durationMs: Date.now() - started,
                ...(unit.kind === 'prebuilt' && unit.build.origin ? { catalog: unit.build.origin } : {}),
              }
            : { ok: false, error: r.error, fatal: false },
        );
      }
    }),
  );
  // The caller reads outcomes in the order the variants were given.
  return new Map(variants.map((v) => [v.name, outcomes.get(v.name) as InstallOutcome]));
}
