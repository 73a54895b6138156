// CPython built from a source tarball: configure out of tree with the variant's flags, make,
// make install into the prefix. A build takes minutes, so every phase is logged with its time.
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ProcessRunner, Toolkit } from '../ports.js';
import type { HostPlatform } from './host.js';
import { ensureLlvm, llvmVersionFromSource } from './llvm.js';

export class BuildError extends Error {}

export interface BuildContext {
  readonly runner: ProcessRunner;
  readonly toolkit: Toolkit;
  readonly env: Readonly<Record<string, string>>;
  readonly platform: HostPlatform;
  readonly cores?: number;
}

export interface BuildOptions {
  readonly tarball: string;
  readonly configureFlags: readonly string[];
  readonly jit: boolean;
  readonly prefix: string;
  /** Scratch space for the source and object trees; removed afterwards. */
  readonly workDirectory: string;
  /** 'CPython 3.13.5 (--enable-experimental-jit=yes-off)', for logs. */
  readonly label: string;
}

const FALLBACK_LLVM: Record<string, number> = { '3.13': 18, '3.14': 19, '3.15': 21 };
const HEARTBEAT_MS = 60_000;

export function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The version a source tree says it is (Include/patchlevel.h), e.g. '3.13.5'. */
export function sourceTreeVersion(patchlevel: string): string | undefined {
  return /#define\s+PY_VERSION\s+"(\d+\.\d+\.\d+)/.exec(patchlevel)?.[1];
}

/**
 * A python >= 3.11 for PYTHON_FOR_REGEN: the JIT's stencil generator runs on the host's Python.
 * /usr/bin/python3 comes first, because configure can otherwise pick a pyenv shim that breaks it.
 */
async function regenPython(ctx: BuildContext): Promise<string | undefined> {
  const path = (ctx.env['PATH'] ?? '').split(delimiter).filter((d) => d && !d.includes('/shims'));
  const candidates = [
    '/usr/bin/python3',
    ...['python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3'].flatMap((n) =>
      path.map((d) => join(d, n)),
    ),
  ];
  for (const candidate of candidates.filter((c) => existsSync(c))) {
    const r = await ctx.runner.run({
      argv: [candidate, '-c', 'import sys; print(sys.version_info >= (3, 11))'],
      env: ctx.env,
      timeoutMs: 30_000,
    });
    if (r.exitCode === 0 && r.stdout.trim() === 'True') return candidate;
  }
  return undefined;
}

async function step(
  ctx: BuildContext,
  options: { name: string; argv: string[]; cwd: string; env: Record<string, string>; log: string },
): Promise<void> {
  const started = Date.now();
  const log: WriteStream = createWriteStream(options.log);
  let lastLine = '';
  const heartbeat = setInterval(() => {
    ctx.toolkit.info(
      `  ${options.name}: ${elapsed(Date.now() - started)} so far; last output: ${lastLine.slice(0, 160)}`,
    );
  }, HEARTBEAT_MS);
  try {
    const result = await ctx.runner.run({
      argv: options.argv,
      cwd: options.cwd,
      env: options.env,
      timeoutMs: 90 * 60_000,
      outputLimitBytes: 64 * 1024,
      onOutput: (chunk) => {
        log.write(chunk);
        const lines = chunk.trimEnd().split('\n');
        lastLine = lines[lines.length - 1] ?? lastLine;
      },
    });
    if (result.exitCode !== 0) {
      const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-30).join('\n');
      const why =
        result.spawnError ?? (result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`);
      throw new BuildError(`${options.name} failed (${why}); the last lines of its output:\n${tail}`);
    }
    ctx.toolkit.info(`  ${options.name}: done in ${elapsed(Date.now() - started)}`);
  } finally {
    clearInterval(heartbeat);
    await new Promise((r) => log.end(r));
  }
}

/** Builds and installs; returns the exact version built. Throws BuildError or LlvmError. */
export async function buildFromSource(ctx: BuildContext, options: BuildOptions): Promise<string> {
  if (ctx.platform.os === 'windows') {
    throw new BuildError(
      'building CPython from source is supported on Linux and macOS; Windows needs a prebuilt build',
    );
  }
  const started = Date.now();
  const work = options.workDirectory;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'obj'), { recursive: true });
  try {
    const unpack = await ctx.runner.run({
      argv: ['tar', '-x', '-f', options.tarball, '-C', work],
      env: ctx.env,
      timeoutMs: 10 * 60_000,
    });
    if (unpack.exitCode !== 0)
      throw new BuildError(
        `tar could not unpack ${options.tarball}: ${(unpack.spawnError ?? unpack.stderr).slice(-500)}`,
      );
    const top = readdirSync(work).find((d) => d !== 'obj' && existsSync(join(work, d, 'configure')));
    if (top === undefined)
      throw new BuildError(`${options.tarball} holds no CPython source tree (no configure script)`);
    const source = join(work, top);
    const version = sourceTreeVersion(readFileSync(join(source, 'Include', 'patchlevel.h'), 'utf8'));
    if (version === undefined)
      throw new BuildError(`${options.tarball}: Include/patchlevel.h states no version`);
    const minor = version.split('.').slice(0, 2).join('.');

    const env: Record<string, string> = { ...ctx.env };
    const regen = await regenPython(ctx);
    if (regen) env['PYTHON_FOR_REGEN'] = regen;
    if (options.jit) {
      if (!regen)
        throw new BuildError(
          'the JIT build needs a Python >= 3.11 on PATH (or /usr/bin/python3) to generate its stencils',
        );
      const llvmPy = join(source, 'Tools', 'jit', '_llvm.py');
      const llvm =
        (existsSync(llvmPy) ? llvmVersionFromSource(readFileSync(llvmPy, 'utf8')) : undefined) ??
        FALLBACK_LLVM[minor];
      if (llvm === undefined)
        throw new BuildError(
          `cannot tell which LLVM the JIT of CPython ${version} needs (no Tools/jit/_llvm.py)`,
        );
      const dir = await ensureLlvm(ctx, { version: llvm, minor });
      if (dir) env['PATH'] = `${dir}${delimiter}${env['PATH'] ?? ''}`;
    }

    const cores = ctx.cores ?? availableParallelism();
    const obj = join(work, 'obj');
    ctx.toolkit.info(
      `Building ${options.label} with ${cores} cores${regen ? `, PYTHON_FOR_REGEN=${regen}` : ''}`,
    );
    const run = (name: string, argv: string[]): Promise<void> =>
      step(ctx, { name, argv, cwd: obj, env, log: join(work, `${name.replace(' ', '-')}.log`) });
    await run('configure', [
      join(source, 'configure'),
      `--prefix=${options.prefix}`,
      ...options.configureFlags,
    ]);
    await run('make', ['make', `-j${cores}`]);
    rmSync(options.prefix, { recursive: true, force: true });
    await run('make install', ['make', 'install']);
    ctx.toolkit.info(`Built ${options.label} in ${elapsed(Date.now() - started)}`);
    return version;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
