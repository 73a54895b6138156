import type { Variant } from './variants.js';

/** What probe.py prints about an interpreter. */
export interface ProbeFacts {
  readonly implementation: string;
  readonly version: string;
  readonly versionInfo: readonly [number, number, number];
  readonly executable: string;
  readonly prefix: string;
  readonly freeThreaded: boolean;
  readonly gilEnabled: boolean;
  readonly jitCompiled: boolean;
  readonly jitDefaultOn: boolean | null;
  readonly jitActive: boolean | null;
  /** `sys._jit.is_available()` (3.14+): the JIT is compiled in and usable here; null before 3.14. */
  readonly jitAvailable?: boolean | null;
  readonly debug: boolean;
  readonly platform: string;
  readonly machine: string;
}

export function describeFacts(f: ProbeFacts): string {
  const parts = [`CPython ${f.version}`];
  parts.push(f.freeThreaded ? 'free-threaded' : 'with the GIL');
  parts.push(f.jitCompiled ? `JIT compiled in (${f.jitDefaultOn ? 'on' : 'off'} by default)` : 'no JIT');
  if (f.debug) parts.push('debug build');
  return parts.join(', ');
}

/**
 * The ways an interpreter is not what the variant's label says, as sentences; empty when it fits.
 * Figures for the wrong interpreter are worse than none, so any mismatch stops the variant.
 */
export function mismatches(variant: Variant, f: ProbeFacts): string[] {
  const problems: string[] = [];
  if (f.implementation !== 'cpython') problems.push(`it is ${f.implementation}, not CPython`);
  // A pre-release (3.15.0rc1) is matched whole; 3.N and 3.N.P by their numbers.
  const release = /^[\d.]+$/.test(variant.version);
  const wanted = variant.version.split('.').map(Number);
  const actual = f.versionInfo.slice(0, wanted.length);
  if (release ? wanted.some((n, i) => n !== actual[i]) : f.version !== variant.version)
    problems.push(`it is version ${f.version}, not ${variant.version}`);
  if (variant.freeThreaded && !f.freeThreaded)
    problems.push('it is not a free-threaded build (Py_GIL_DISABLED is not set)');
  if (!variant.freeThreaded && f.freeThreaded) {
    problems.push(`it is a free-threaded build, so it should be labelled ${variant.minor}t`);
  }
  if (variant.jit && !f.jitCompiled)
    problems.push('the JIT is not compiled in (no --enable-experimental-jit)');
  if (variant.debug && !f.debug) problems.push('it is not a debug build (--with-pydebug)');
  if (!variant.debug && f.debug)
    problems.push(`it is a debug build, so it should be labelled ${variant.name}+debug`);
  return problems;
}

/** PYTHON_JIT for a variant's runs: one JIT-capable build serves `3.13` and `3.13+jit`, whatever its default. */
export function jitEnvironment(variant: Variant): { PYTHON_JIT: '0' | '1' } {
  return { PYTHON_JIT: variant.jit ? '1' : '0' };
}
