// Thread stress across a run's variants: each free-threaded variant whose tests ran, with a GIL
// build (the reference, else the first one) to ask "does it fail with the GIL too?", then the
// base commit's venvs for the tests that broke. run.ts hands over places and gets reports back.
import { join } from 'node:path';
import type { Inputs } from '../inputs.js';
import type { ThreadStress } from '../domain/report.js';
import type { ProcessRunner, Toolkit } from '../ports.js';
import type { TestRunResult } from './tests.js';
import { stressOnBase, stressVariant, type StressPlace, type StressSettings } from './thread-stress.js';

export interface StressCandidate {
  readonly name: string;
  readonly freeThreaded: boolean;
  /** Null when the variant has no venv (it failed to install). */
  readonly place: StressPlace | null;
  readonly normal: TestRunResult | undefined;
}

/** The settings from the inputs, or null under `thread-stress: off`. */
export function stressSettings(options: {
  runner: ProcessRunner;
  toolkit: Toolkit;
  inputs: Inputs;
  timeoutMs: number;
}): StressSettings | null {
  const threads = options.inputs.threadStress;
  if (threads === null) return null;
  return {
    runner: options.runner,
    command: options.inputs.testCommand,
    threads,
    iterations: options.inputs.threadStressIterations,
    timeoutMs: options.timeoutMs,
    log: (line) => options.toolkit.info(line),
  };
}

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '_');
}

/** Stress of each free-threaded candidate whose tests ran, by variant name. */
export async function stressVariants(options: {
  settings: StressSettings;
  toolkit: Toolkit;
  candidates: readonly StressCandidate[];
  reference: string;
  workRoot: string;
}): Promise<Map<string, ThreadStress>> {
  const { toolkit } = options;
  const gilBuilds = options.candidates.filter((c) => c.place !== null && !c.freeThreaded);
  const gilBuild = gilBuilds.find((c) => c.name === options.reference) ?? gilBuilds[0];
  const gil = gilBuild?.place ? { ...gilBuild.place, name: gilBuild.name } : null;
  const results = new Map<string, ThreadStress>();
  for (const candidate of options.candidates) {
    const { name, place, normal } = candidate;
    if (!candidate.freeThreaded || place === null || !normal || normal.summary.status === 'not-run') continue;
    const stress = await toolkit.group(`${name}: thread stress`, () =>
      stressVariant({
        settings: options.settings,
        place,
        normal,
        gil,
        workDir: join(options.workRoot, 'stress', fileName(name)),
        notice: (m) => toolkit.notice(`${name}: ${m}`),
      }),
    );
    toolkit.info(
      stress.status === 'ran'
        ? `${name}: thread stress: ${stress.passed} passed, ${stress.threadUnsafe} thread-unsafe, ${stress.singleThreaded} single-threaded`
        : `${name}: thread stress not run: ${stress.reason}`,
    );
    results.set(name, stress);
  }
  return results;
}

/** Each stress with thread-unsafe tests, checked on the base commit's venv of the same variant. */
export async function stressVariantsOnBase(options: {
  settings: StressSettings;
  toolkit: Toolkit;
  stresses: ReadonlyMap<string, ThreadStress>;
  /** The base commit's venv per variant name. */
  places: ReadonlyMap<string, StressPlace>;
  workRoot: string;
}): Promise<Map<string, ThreadStress>> {
  const results = new Map<string, ThreadStress>();
  for (const [name, stress] of options.stresses) {
    const place = options.places.get(name);
    if (!place || !stress.tests.some((t) => t.kind === 'thread-unsafe')) continue;
    const checked = await options.toolkit.group(`${name}: thread-unsafe tests on the base commit`, () =>
      stressOnBase({
        settings: options.settings,
        stress,
        place,
        workDir: join(options.workRoot, 'stress-base', fileName(name)),
        notice: (m) => options.toolkit.notice(`${name}: ${m}`),
      }),
    );
    results.set(name, checked);
  }
  return results;
}
