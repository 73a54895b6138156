// One install (a python-build-standalone archive or a source build) and the variants it serves:
// reuse the tree already there, else restore it from the cache, else install it, probe it, and
// save it. A tree is used only when its marker, its interpreter and the probe all agree.
import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheKey, INSTALL_LAYOUT_VERSION } from '../domain/cache-key.js';
import { downloadUrl } from '../domain/catalog.js';
import { sourceBuildNote, type InstallUnit } from '../domain/install-plan.js';
import { describeFacts, mismatches, type ProbeFacts } from '../domain/probe-check.js';
import type { CacheStore, ProcessRunner, Toolkit } from '../ports.js';
import { download, hashFile } from './download.js';
import type { HostPlatform } from './host.js';
import { findInterpreter, readMarker, trimTree, writeMarker } from './install-tree.js';
import { installPrebuilt } from './prebuilt.js';
import { probeInterpreter } from './probe.js';
import { buildFromSource, elapsed } from './source-build.js';

export type UnitOutcome =
  | {
      readonly ok: true;
      readonly executable: string;
      readonly facts: ProbeFacts;
      readonly source: 'prebuilt' | 'build' | 'cache';
    }
  | { readonly ok: false; readonly error: string };

export interface UnitContext {
  readonly runner: ProcessRunner;
  readonly cache: CacheStore | null;
  readonly toolkit: Toolkit;
  readonly env: Readonly<Record<string, string>>;
  readonly platform: HostPlatform;
  readonly installRoot: string;
  readonly mirror: string;
  readonly cpythonSource: string;
  readonly cores?: number;
  /** Source tarballs fetched once per run, whatever number of builds use them. */
  readonly tarballs: Map<string, Promise<{ path: string; sha256: string }>>;
  /** Runs builds one at a time: two compilers on two cores only slow each other down. */
  readonly serialise: <T>(fn: () => Promise<T>) => Promise<T>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function describeUnit(unit: InstallUnit): string {
  if (unit.kind === 'prebuilt') {
    const b = unit.build;
    const origin = b.origin ? ` (catalog: ${b.origin})` : '';
    return `python-build-standalone ${b.release} CPython ${b.version} ${b.flavour}${b.jit ? ' (JIT compiled in)' : ''}${origin}`;
  }
  return `CPython ${unit.version} built from source${unit.configureFlags.length ? ` (${unit.configureFlags.join(' ')})` : ''}`;
}

function sourceTarball(ctx: UnitContext, version: string): Promise<{ path: string; sha256: string }> {
  const where = ctx.cpythonSource.replaceAll('{version}', version);
  let pending = ctx.tarballs.get(where);
  if (pending === undefined) {
    pending = /^https?:\/\//i.test(where)
      ? (async () => {
          const dest = join(
            ctx.installRoot,
            'downloads',
            decodeURIComponent(basename(new URL(where).pathname)),
          );
          // A tarball fetched whole by an earlier run on this machine is kept (renamed into place
          // only when complete): released tarballs never change, and the checksum is still taken.
          if (existsSync(dest)) return { path: dest, sha256: await hashFile(dest) };
          const done = await download({ url: where, dest });
          ctx.toolkit.info(`Downloaded ${where} (${done.bytes} bytes, sha256 ${done.sha256})`);
          return { path: dest, sha256: done.sha256 };
        })()
      : hashFile(where).then((sha256) => ({ path: where, sha256 }));
    ctx.tarballs.set(where, pending);
  }
  return pending;
}

/** Why a tree cannot be used, or its interpreter and what the probe says it is. */
async function inspectTree(
  ctx: UnitContext,
  options: { unit: InstallUnit; prefix: string; key: string },
): Promise<{ executable: string; facts: ProbeFacts } | { problem: string }> {
  const marker = readMarker(options.prefix);
  if (marker === undefined) return { problem: 'it has no marker file, so it is incomplete' };
  if (marker.cacheKey !== options.key) return { problem: `it was installed for ${marker.cacheKey}` };
  const executable = join(options.prefix, marker.executable);
  if (!existsSync(executable)) return { problem: `its interpreter ${marker.executable} is missing` };
  try {
    return { executable, facts: await probeInterpreter(ctx.runner, { executable, env: ctx.env }) };
  } catch (error) {
    return { problem: `its interpreter does not run: ${message(error)}` };
  }
}

async function restore(
  ctx: UnitContext,
  options: { unit: InstallUnit; prefix: string; key: string },
): Promise<{ executable: string; facts: ProbeFacts } | undefined> {
  if (existsSync(options.prefix)) {
    const here = await inspectTree(ctx, options);
    if (!('problem' in here)) {
      ctx.toolkit.info(`${describeUnit(options.unit)}: already installed in ${options.prefix}`);
      return here;
    }
    rmSync(options.prefix, { recursive: true, force: true });
  }
  if (ctx.cache === null) return undefined;
  const started = Date.now();
  let hit: string | undefined;
  try {
    hit = await ctx.cache.restore([options.prefix], options.key);
  } catch (error) {
    ctx.toolkit.warning(
      `Restoring ${options.key} from the cache (${ctx.cache.kind}) failed, so it is installed afresh: ${message(error)}`,
    );
  }
  if (hit === undefined) return undefined;
  const restored = await inspectTree(ctx, options);
  if ('problem' in restored) {
    ctx.toolkit.warning(
      `The cached tree ${options.key} cannot be used (${restored.problem}); installing it afresh.`,
    );
    rmSync(options.prefix, { recursive: true, force: true });
    return undefined;
  }
  ctx.toolkit.info(
    `${describeUnit(options.unit)}: restored from the cache (${ctx.cache.kind}) in ${elapsed(Date.now() - started)}`,
  );
  return restored;
}

async function install(
  ctx: UnitContext,
  options: { unit: InstallUnit; prefix: string; tarball?: string },
): Promise<void> {
  const { unit, prefix } = options;
  if (unit.kind === 'prebuilt') {
    const started = Date.now();
    const done = await installPrebuilt({
      build: unit.build,
      mirror: ctx.mirror,
      prefix,
      downloadDirectory: join(ctx.installRoot, 'downloads'),
      runner: ctx.runner,
      env: ctx.env,
    });
    ctx.toolkit.info(
      `${describeUnit(unit)}: downloaded ${done.url} (${done.bytes} bytes, sha256 checked) and unpacked in ${elapsed(Date.now() - started)}`,
    );
    return;
  }
  const label = describeUnit(unit);
  await ctx.serialise(() =>
    ctx.toolkit.group(`Building ${label}`, () =>
      buildFromSource(ctx, {
        tarball: options.tarball as string,
        configureFlags: unit.configureFlags,
        jit: unit.jit,
        prefix,
        workDirectory: join(ctx.installRoot, 'build', unit.id),
        label,
      }),
    ),
  );
}

function judge(
  unit: InstallUnit,
  found: { executable: string; facts: ProbeFacts },
  source: 'prebuilt' | 'build' | 'cache',
): Map<string, UnitOutcome> {
  const outcomes = new Map<string, UnitOutcome>();
  for (const variant of unit.variants) {
    const problems = mismatches(variant, found.facts);
    outcomes.set(
      variant.name,
      problems.length === 0
        ? { ok: true, executable: found.executable, facts: found.facts, source }
        : {
            ok: false,
            error: `${describeUnit(unit)} is not ${variant.name}: ${problems.join('; ')}. The probe found ${describeFacts(found.facts)}.`,
          },
    );
  }
  return outcomes;
}

/** Installs one unit; never throws: a failure is an outcome of each variant it serves. */
export async function installUnit(ctx: UnitContext, unit: InstallUnit): Promise<Map<string, UnitOutcome>> {
  const prefix = join(ctx.installRoot, unit.id);
  const note = unit.kind === 'build' ? sourceBuildNote(unit, { cpythonSource: ctx.cpythonSource }) : null;
  if (note !== null) ctx.toolkit.info(note);
  try {
    const origin =
      unit.kind === 'prebuilt'
        ? { sha256: unit.build.sha256, path: downloadUrl(unit.build, ctx.mirror) }
        : await sourceTarball(ctx, unit.version);
    const key = cacheKey({
      os: ctx.platform.os,
      osVersion: ctx.platform.osVersion,
      arch: ctx.platform.arch,
      version: unit.version,
      flags:
        unit.kind === 'prebuilt' ? [`pbs-${unit.build.release}-${unit.build.flavour}`] : unit.configureFlags,
      sourceChecksum: origin.sha256,
      layoutVersion: INSTALL_LAYOUT_VERSION,
    });
    const restored = await restore(ctx, { unit, prefix, key });
    if (restored) return judge(unit, restored, 'cache');

    await install(ctx, { unit, prefix, tarball: origin.path });
    trimTree(prefix, { os: ctx.platform.os });
    const first = unit.variants[0];
    const rel = first && findInterpreter(prefix, { os: ctx.platform.os, build: first });
    if (!rel)
      throw new Error(
        `the installed tree ${prefix} has no interpreter where ${unit.kind === 'prebuilt' ? 'python-build-standalone' : 'make install'} puts it`,
      );
    const executable = join(prefix, rel);
    const facts = await probeInterpreter(ctx.runner, { executable, env: ctx.env });
    // Written last: a tree without it (an interrupted install or restore) is never trusted.
    writeMarker(prefix, {
      cacheKey: key,
      layoutVersion: INSTALL_LAYOUT_VERSION,
      executable: rel,
      origin: origin.path,
      sha256: origin.sha256,
    });
    const outcomes = judge(unit, { executable, facts }, unit.kind);
    if (ctx.cache !== null && [...outcomes.values()].some((o) => o.ok)) {
      try {
        await ctx.cache.save([prefix], key);
      } catch (error) {
        ctx.toolkit.warning(
          `Saving ${key} to the cache (${ctx.cache.kind}) failed; the next run installs it again: ${message(error)}`,
        );
      }
    }
    return outcomes;
  } catch (error) {
    // No marker was written, so a later run would not trust what is left; it only takes space.
    rmSync(prefix, { recursive: true, force: true });
    const failed = new Map<string, UnitOutcome>();
    for (const variant of unit.variants)
      failed.set(variant.name, {
        ok: false,
        error: `${note !== null ? `${note}, which failed: ` : ''}${describeUnit(unit)}: ${message(error)}`,
      });
    return failed;
  }
}
