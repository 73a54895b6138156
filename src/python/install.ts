// Gets one interpreter per variant: from the `interpreters` input first, then the other sources
// in order. Every interpreter is probed before use: a mismatch with its label is an install
// error, because figures for the wrong interpreter are worse than none.
import { isAbsolute, resolve } from 'node:path';
import { describeFacts, mismatches, type ProbeFacts } from '../domain/probe-check.js';
import type { Variant } from '../domain/variants.js';
import type { Inputs } from '../inputs.js';
import type { CacheStore, ProcessRunner, Toolkit } from '../ports.js';
import { probeInterpreter } from './probe.js';

export type InstallSource = 'interpreters' | 'prebuilt' | 'build' | 'cache' | 'tool-cache';

export type InstallOutcome =
  | {
      readonly ok: true;
      readonly executable: string;
      readonly source: InstallSource;
      readonly facts: ProbeFacts;
      readonly durationMs: number;
    }
  | {
      readonly ok: false;
      readonly error: string;
      /** A configuration error (a user-given interpreter that is not what its label says) fails the step. */
      readonly fatal: boolean;
    };

export interface InstallContext {
  readonly inputs: Pick<
    Inputs,
    'interpreters' | 'pythonSource' | 'cpythonSource' | 'prebuiltMirror' | 'prebuiltCatalog' | 'cache' | 'workingDirectory'
  >;
  readonly runner: ProcessRunner;
  readonly cache: CacheStore;
  readonly toolkit: Toolkit;
  /** A clean environment for the interpreter's own processes (credentials already scrubbed). */
  readonly env: Readonly<Record<string, string>>;
  /** Where installs go (outside the project). */
  readonly installRoot: string;
}

export class InstallError extends Error {}

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
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

async function fromInterpretersInput(ctx: InstallContext, variant: Variant, path: string): Promise<InstallOutcome> {
  const started = Date.now();
  const executable = isAbsolute(path) ? path : resolve(ctx.inputs.workingDirectory, path);
  const probed = await probeAs(ctx, { variant, executable });
  if ('problem' in probed) return { ok: false, error: `interpreters: ${probed.problem}`, fatal: true };
  return { ok: true, executable, source: 'interpreters', facts: probed.facts, durationMs: Date.now() - started };
}

export async function installVariants(
  ctx: InstallContext,
  variants: readonly Variant[],
): Promise<Map<string, InstallOutcome>> {
  const outcomes = new Map<string, InstallOutcome>();
  for (const variant of variants) {
    const given = ctx.inputs.interpreters.get(variant.name);
    if (given !== undefined) {
      outcomes.set(variant.name, await fromInterpretersInput(ctx, variant, given));
      continue;
    }
    outcomes.set(variant.name, {
      ok: false,
      fatal: false,
      error: `no interpreter for ${variant.name}: installing is not available yet; name one in the interpreters input`,
    });
  }
  return outcomes;
}
