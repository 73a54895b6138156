import { readFileSync } from 'node:fs';
import { assetPath } from '../assets.js';
import type { ProbeFacts } from '../domain/probe-check.js';
import type { ProcessRunner } from '../ports.js';

export class ProbeError extends Error {}

/** Runs probe.py under `executable` and returns what the interpreter says it is. */
export async function probeInterpreter(
  runner: ProcessRunner,
  options: { executable: string; env: Readonly<Record<string, string>> },
): Promise<ProbeFacts> {
  const script = readFileSync(assetPath('probe.py'), 'utf8');
  const result = await runner.run({
    argv: [options.executable, '-I', '-c', script],
    env: options.env,
    timeoutMs: 60_000,
  });
  if (result.spawnError) throw new ProbeError(`cannot run ${options.executable}: ${result.spawnError}`);
  if (result.exitCode !== 0) {
    const why = result.signal ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
    throw new ProbeError(`${options.executable} ${why} when probed: ${result.stderr.trim().slice(-500)}`);
  }
  try {
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as ProbeFacts;
  } catch (cause) {
    throw new ProbeError(`${options.executable} printed no probe result: ${result.stdout.slice(0, 300)}`, {
      cause,
    });
  }
}
