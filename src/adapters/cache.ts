// Two CacheStores: the Actions cache (through @actions/cache), and a local folder that plays its
// part where there is no cache service (a local run, the tests).
import * as actionsCache from '@actions/cache';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheStore, ProcessRunner } from '../ports.js';

type Env = Readonly<Record<string, string | undefined>>;

// @actions/cache reads its service URLs and token from process.env at call time. They are put
// there only for the duration of a call and taken away again, so nothing started in between
// (tested code included) inherits them from us by accident.
const SERVICE_VARIABLES = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_CACHE_MODE',
  'GITHUB_SERVER_URL',
  'RUNNER_TEMP',
] as const;

/** Whether `env` names a cache service @actions/cache can talk to. */
export function hasCacheService(env: Env): boolean {
  if (!env['ACTIONS_RUNTIME_TOKEN']) return false;
  return env['ACTIONS_CACHE_SERVICE_V2']
    ? Boolean(env['ACTIONS_RESULTS_URL'])
    : Boolean(env['ACTIONS_CACHE_URL'] || env['ACTIONS_RESULTS_URL']);
}

export class ActionsCacheStore implements CacheStore {
  readonly kind: string;
  private queue: Promise<unknown> = Promise.resolve();

  /** `env` holds the service's variables (process.env on a runner); `tempDirectory` stands in for RUNNER_TEMP when unset. */
  constructor(private readonly options: { env: Env; tempDirectory: string }) {
    this.kind = options.env['ACTIONS_CACHE_SERVICE_V2'] ? 'actions-cache-v2' : 'actions-cache-v1';
  }

  restore(paths: readonly string[], key: string): Promise<string | undefined> {
    return this.withService(() => actionsCache.restoreCache([...paths], key));
  }

  async save(paths: readonly string[], key: string): Promise<void> {
    // saveCache logs its own failures (a warning, or a notice when another job saved the key
    // first) and returns -1: the store adds nothing to that.
    await this.withService(() => actionsCache.saveCache([...paths], key));
  }

  // One call at a time: the variables are process-wide, and each call's tar already uses the cores.
  private withService<T>(fn: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const saved = new Map(SERVICE_VARIABLES.map((name) => [name, process.env[name]]));
      for (const name of SERVICE_VARIABLES) {
        const value =
          name === 'RUNNER_TEMP'
            ? (this.options.env[name] ?? this.options.tempDirectory)
            : this.options.env[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      if (!this.options.env['RUNNER_TEMP']) mkdirSync(this.options.tempDirectory, { recursive: true });
      try {
        return await fn();
      } finally {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A folder of tar archives, one per key; absolute paths, restored where they were saved. */
export class LocalCacheStore implements CacheStore {
  readonly kind = 'local-folder';
  private compression: Promise<string[]> | undefined;

  constructor(
    private readonly options: {
      directory: string;
      runner: ProcessRunner;
      env: Readonly<Record<string, string>>;
    },
  ) {}

  private archive(key: string): string {
    // Keys are long and may hold characters file systems dislike; the hash names the file.
    return join(this.options.directory, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.tar`);
  }

  // zstd when the machine has it (fast both ways), else gzip.
  private compressionArgs(): Promise<string[]> {
    this.compression ??= this.options.runner
      .run({ argv: ['zstd', '--version'], env: this.options.env, timeoutMs: 10_000 })
      .then((r) => (r.exitCode === 0 ? ['--zstd'] : ['-z']));
    return this.compression;
  }

  async restore(paths: readonly string[], key: string): Promise<string | undefined> {
    const archive = this.archive(key);
    if (!existsSync(archive) || paths.length === 0) return undefined;
    const result = await this.options.runner.run({
      argv: ['tar', '-x', ...(await this.compressionArgs()), '-P', '-f', archive],
      env: this.options.env,
      timeoutMs: 30 * 60_000,
    });
    if (result.exitCode !== 0)
      throw new Error(
        `tar could not restore ${archive}: ${(result.spawnError ?? result.stderr).trim().slice(-500)}`,
      );
    return key;
  }

  async save(paths: readonly string[], key: string): Promise<void> {
    mkdirSync(this.options.directory, { recursive: true });
    const archive = this.archive(key);
    const partial = `${archive}.${process.pid}.part`;
    const result = await this.options.runner.run({
      argv: ['tar', '-c', ...(await this.compressionArgs()), '-P', '-f', partial, ...paths],
      env: this.options.env,
      timeoutMs: 30 * 60_000,
    });
    if (result.exitCode !== 0) {
      rmSync(partial, { force: true });
      throw new Error(
        `tar could not save ${key}: ${(result.spawnError ?? result.stderr).trim().slice(-500)}`,
      );
    }
    // Renamed into place whole, so a reader never sees half an archive.
    renameSync(partial, archive);
  }
}

/** The Actions cache where the run has a cache service, else the local folder. */
export function createCacheStore(options: {
  env: Env;
  runner: ProcessRunner;
  localDirectory: string;
  tempDirectory: string;
}): CacheStore {
  if (hasCacheService(options.env))
    return new ActionsCacheStore({ env: options.env, tempDirectory: options.tempDirectory });
  const childEnv: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot']) {
    const value = options.env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  return new LocalCacheStore({ directory: options.localDirectory, runner: options.runner, env: childEnv });
}
