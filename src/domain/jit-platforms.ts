// Where a `+jit` variant can come from. python-build-standalone compiles the JIT into its Linux
// (gnu x86_64, aarch64) and macOS arm64 builds only (catalog.ts, jitCompiledIn), and nothing here
// builds CPython on Windows. So on Windows, and on macOS x86_64 unless python-source is `build`,
// a `+jit` variant is refused before anything is downloaded: before issue 18 macOS x86_64 went on
// to a source build that needs LLVM, and Windows to a source build it cannot do, each failing
// minutes later with a reason that did not say the JIT was the cause.
import { platformLabel, type Platform } from './catalog.js';
import type { PythonSource } from './install-plan.js';
import type { RefusedVersion } from './version-check.js';
import type { Variant } from './variants.js';

const JIT_BUILDS = 'python-build-standalone builds the JIT only for Linux and macOS arm64';

/** Why this platform can give no `+jit` variant from this python-source, or null when it can. */
export function jitUnavailable(options: { platform: Platform; pythonSource: PythonSource }): string | null {
  const where = platformLabel(options.platform);
  if (options.platform.os === 'windows')
    return `${JIT_BUILDS}, and CPython is not built from source on Windows, so ${where} has no JIT build`;
  if (
    options.platform.os === 'darwin' &&
    options.platform.arch === 'x86_64' &&
    options.pythonSource !== 'build'
  )
    return `${JIT_BUILDS} (macos-14 and later runners), not for ${where}; python-source: build would build it from source, with LLVM`;
  return null;
}

/** The `+jit` variants (not given by `interpreters`) this platform refuses, and why. */
export function refusedJit(options: {
  variants: readonly Variant[];
  platform: Platform;
  pythonSource: PythonSource;
}): RefusedVersion[] {
  const why = jitUnavailable(options);
  if (why === null) return [];
  return options.variants
    .filter((v) => v.jit)
    .map((variant) => ({
      variant,
      reason: `${why}. Allowed here: the variants without +jit, such as ${variant.name.replace('+jit', '')}; run +jit on a Linux or macOS arm64 runner`,
    }));
}
