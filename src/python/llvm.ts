// The JIT's stencils are compiled at build time by one exact LLVM major (18 for 3.13, 19 for
// 3.14, 21 for 3.15), found the way CPython's Tools/jit/_llvm.py looks: `clang-18` on PATH, or a `clang`
// on PATH that is version 18.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ProcessRunner, Toolkit } from '../ports.js';
import type { HostPlatform } from './host.js';

export class LlvmError extends Error {}

/** The LLVM major a CPython source tree's JIT asks for, from Tools/jit/_llvm.py. */
export function llvmVersionFromSource(llvmPy: string): number | undefined {
  const m = /^_LLVM_VERSION\s*=\s*["']?(\d+)/m.exec(llvmPy);
  return m ? Number(m[1]) : undefined;
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

interface LlvmContext {
  readonly runner: ProcessRunner;
  readonly env: Readonly<Record<string, string>>;
  readonly toolkit: Toolkit;
  readonly platform: HostPlatform;
}

/** Folders, besides PATH, where package managers put a versioned LLVM. */
function wellKnownDirectories(version: number): string[] {
  return [
    `/usr/lib/llvm-${version}/bin`,
    `/opt/homebrew/opt/llvm@${version}/bin`,
    `/usr/local/opt/llvm@${version}/bin`,
  ];
}

async function clangVersionIs(ctx: LlvmContext, clang: string, version: number): Promise<boolean> {
  const result = await ctx.runner.run({ argv: [clang, '--version'], env: ctx.env, timeoutMs: 30_000 });
  return result.exitCode === 0 && new RegExp(`version ${version}\\.`).test(result.stdout);
}

/** A folder to put first on PATH so the build finds LLVM `version` ('' when PATH already has it), or undefined. */
async function findLlvm(ctx: LlvmContext, version: number): Promise<string | undefined> {
  const path = (ctx.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const dir of path) {
    if (executable(join(dir, `clang-${version}`)) && executable(join(dir, `llvm-readobj-${version}`)))
      return '';
  }
  for (const dir of [...path, ...wellKnownDirectories(version)]) {
    const clang = join(dir, 'clang');
    if (
      executable(clang) &&
      executable(join(dir, 'llvm-readobj')) &&
      (await clangVersionIs(ctx, clang, version))
    ) {
      return path.includes(dir) ? '' : dir;
    }
  }
  return undefined;
}

// Distributions whose own archive carries each LLVM major CPython's JIT needs: 18 and 19 from
// Ubuntu 24.04 and Debian 13, 21 (3.15) from Ubuntu 25.10 and Debian 14.
const APT_WITH_LLVM: Readonly<Record<number, { pattern: RegExp; names: string }>> = {
  18: { pattern: /^(ubuntu-(2[4-9]|[3-9]\d)\.\d+|debian-(1[3-9]))$/, names: 'Ubuntu 24.04 / Debian 13' },
  19: { pattern: /^(ubuntu-(2[4-9]|[3-9]\d)\.\d+|debian-(1[3-9]))$/, names: 'Ubuntu 24.04 / Debian 13' },
  21: {
    pattern: /^(ubuntu-(25\.10|2[6-9]\.\d+|[3-9]\d\.\d+)|debian-(1[4-9]))$/,
    names: 'Ubuntu 25.10 / Debian 14',
  },
};

async function aptInstall(ctx: LlvmContext, version: number): Promise<string | undefined> {
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  if (!root) {
    const probe = await ctx.runner.run({ argv: ['sudo', '-n', 'true'], env: ctx.env, timeoutMs: 30_000 });
    if (probe.exitCode !== 0) return 'sudo needs a password here';
  }
  const env = { ...ctx.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): Promise<{ exitCode: number | null; stderr: string }> =>
    ctx.runner.run({
      argv: [
        ...sudo,
        'apt-get',
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        `clang-${version}`,
        `llvm-${version}`,
      ],
      env,
      timeoutMs: 20 * 60_000,
    });
  ctx.toolkit.info(
    `Installing LLVM ${version} with apt-get (clang-${version}, llvm-${version}) for the JIT build`,
  );
  let result = await install();
  if (result.exitCode !== 0) {
    // The runner image's package lists may be older than the archive.
    await ctx.runner.run({ argv: [...sudo, 'apt-get', 'update', '-q'], env, timeoutMs: 10 * 60_000 });
    result = await install();
  }
  return result.exitCode === 0 ? undefined : `apt-get install failed: ${result.stderr.trim().slice(-300)}`;
}

function howToGet(version: number, minor: string): string {
  return [
    `The JIT of CPython ${minor} is built with LLVM ${version}: clang-${version} and llvm-readobj-${version} (or clang and llvm-readobj of version ${version}) must be on PATH, and they are not.`,
    `Install them: ${APT_WITH_LLVM[version]?.names ?? 'Debian/Ubuntu'}: sudo apt-get install clang-${version} llvm-${version};`,
    `macOS: brew install llvm@${version};`,
    `elsewhere: https://apt.llvm.org or a release from https://github.com/llvm/llvm-project/releases, put first on PATH.`,
    'Or use a prebuilt build (python-source: prebuilt), where one exists for this platform.',
  ].join(' ');
}

/**
 * Makes LLVM `version` available to a JIT build: returns a folder to put first on PATH ('' for
 * none). On a GitHub runner with an apt archive that has it, installs it; otherwise throws an
 * LlvmError that says what to install.
 */
export async function ensureLlvm(
  ctx: LlvmContext,
  options: { version: number; minor: string },
): Promise<string> {
  const found = await findLlvm(ctx, options.version);
  if (found !== undefined) return found;
  const onRunner = ctx.env['GITHUB_ACTIONS'] === 'true';
  const apt = APT_WITH_LLVM[options.version]?.pattern;
  if (onRunner && ctx.platform.os === 'linux' && apt?.test(ctx.platform.osVersion)) {
    const failed = await aptInstall(ctx, options.version);
    const after = failed === undefined ? await findLlvm(ctx, options.version) : undefined;
    if (after !== undefined) return after;
    throw new LlvmError(
      `${howToGet(options.version, options.minor)} (Installing it failed: ${failed ?? 'installed, yet not found'}.)`,
    );
  }
  throw new LlvmError(howToGet(options.version, options.minor));
}
