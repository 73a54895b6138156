// The interpreter that really ran the tests or the benchmarks, checked against the variant's.
// `uv run pytest`, tox, nox or `python3.12 -m pytest` leave the venv the action made, and every
// variant would then be measured on one interpreter while the report labels it 3.13t or +jit.
import type { ProbeFacts } from './probe-check.js';
import type { LoadedInterpreter } from './test-records.js';
import type { Variant } from './variants.js';

/** What a run reports about its interpreter; fields it does not carry are left out. */
export interface RanOn {
  readonly executable?: string;
  readonly version?: string;
  readonly freeThreaded?: boolean;
  readonly gil?: boolean | null;
  readonly jitCompiled?: boolean | null;
  readonly pythonJit?: string | null;
}

export function ranOnFromRecords(loaded: LoadedInterpreter): RanOn {
  return {
    executable: loaded.executable,
    version: loaded.version,
    freeThreaded: loaded.freeThreaded,
    gil: loaded.gil,
    jitCompiled: loaded.jitCompiled,
    pythonJit: loaded.pythonJit,
  };
}

/** The ways `ran` is not the variant's interpreter, as phrases; empty when it is. */
export function interpreterDifferences(options: {
  variant: Variant;
  facts: ProbeFacts;
  ran: RanOn;
}): string[] {
  const { variant, facts, ran } = options;
  const problems: string[] = [];
  if (ran.version !== undefined && ran.version !== facts.version)
    problems.push(`version ${ran.version}, not ${facts.version}`);
  if (ran.freeThreaded !== undefined && ran.freeThreaded !== facts.freeThreaded)
    problems.push(ran.freeThreaded ? 'a free-threaded build' : 'a build with the GIL, not free-threaded');
  if (ran.jitCompiled != null && ran.jitCompiled !== facts.jitCompiled)
    problems.push(ran.jitCompiled ? 'a JIT build' : 'a build without the JIT');
  // The JIT is on exactly where PYTHON_JIT=1 reached the process: a tool that drops the
  // environment runs a `+jit` variant without it.
  const wantedJit = variant.jit ? '1' : '0';
  if (variant.jit && ran.pythonJit !== undefined && ran.pythonJit !== wantedJit)
    problems.push(`PYTHON_JIT=${ran.pythonJit ?? '(unset)'}, so the JIT was off`);
  // Started with the GIL on, a free-threaded build tests nothing of free-threading
  // (PYTHON_GIL=1 from a tool, when the action's own probe found it off).
  if (facts.freeThreaded && ran.freeThreaded === true && ran.gil === true && !facts.gilEnabled)
    problems.push('the GIL switched on from the start');
  return problems;
}

export function describeRanOn(ran: RanOn): string {
  const build = [
    ran.version !== undefined ? `CPython ${ran.version}` : 'an interpreter',
    ran.freeThreaded === undefined ? null : ran.freeThreaded ? 'free-threaded' : 'with the GIL',
  ].filter(Boolean);
  return `${ran.executable ?? 'an unknown executable'} (${build.join(', ')})`;
}

/**
 * The error for a run on another interpreter: both interpreters, and how to run the command
 * inside the variant's venv.
 */
export function wrongInterpreterError(options: {
  what: 'tests' | 'benchmarks';
  variant: Variant;
  facts: ProbeFacts;
  venvPython: string;
  ran: RanOn;
  problems: readonly string[];
}): string {
  const { what, variant, facts, ran } = options;
  const expected = `${options.venvPython} (CPython ${facts.version}, ${facts.freeThreaded ? 'free-threaded' : 'with the GIL'}${variant.jit ? ', JIT on' : ''})`;
  return (
    `the ${what} ran on ${describeRanOn(ran)}, not on ${variant.name}'s ${expected}: ${options.problems.join('; ')}. ` +
    `Its figures are not reported as ${variant.name}'s. Run them inside the venv the action puts first on PATH ` +
    '(`python -m pytest`, not a tool that makes its own environment); with uv, `uv run --active` or ' +
    'UV_PROJECT_ENVIRONMENT=$VIRTUAL_ENV; with tox or nox, run pytest directly.'
  );
}

/** The error for the first recorded interpreter that is not the variant's, or null. */
export function checkRecordedInterpreters(options: {
  variant: Variant;
  facts: ProbeFacts;
  venvPython: string;
  loaded: readonly LoadedInterpreter[];
}): string | null {
  for (const loaded of options.loaded) {
    const ran = ranOnFromRecords(loaded);
    const problems = interpreterDifferences({ variant: options.variant, facts: options.facts, ran });
    if (problems.length > 0) return wrongInterpreterError({ ...options, what: 'tests', ran, problems });
  }
  return null;
}

/** The error for benchmark results that another interpreter wrote: not reported as the variant's. */
export function wrongBenchmarkInterpreter(options: {
  expected: string;
  ran: { version: string; executable?: string };
}): string {
  const ran = `${options.ran.executable ?? 'an interpreter'} (CPython ${options.ran.version})`;
  return (
    `the benchmarks ran on ${ran}, not on the variant's CPython ${options.expected}, so their figures are not reported. ` +
    'Run them inside the venv the action puts first on PATH (`python -m pytest ...`); with uv, ' +
    '`uv run --active` or UV_PROJECT_ENVIRONMENT=$VIRTUAL_ENV.'
  );
}
