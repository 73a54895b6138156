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
  const stderr = result.stderr.trim();
  if (result.exitCode !== 0) {
    const why = result.signal ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
    // A Python that fails says so in Python's words; anything else (/bin/sh: "Illegal option -I")
    // is not a Python interpreter, and saying only "exited with 2" leaves the reader guessing.
    const python = /Traceback \(most recent call last\)|^\w*(Error|Exception): /m.test(stderr);
    throw new ProbeError(
      python
        ? `${options.executable} ${why} when probed: ${stderr.slice(-500)}`
        : `${options.executable} is not a Python interpreter: run as \`${options.executable} -I -c <probe>\` it ${why}${stderr ? `: ${stderr.slice(-300)}` : ' and printed nothing'}`,
    );
  }
  try {
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as ProbeFacts;
  } catch (cause) {
    // /bin/true exits 0 and prints nothing.
    const printed = result.stdout.trim();
    throw new ProbeError(
      `${options.executable} is not a Python interpreter: run as \`${options.executable} -I -c <probe>\` it printed ${printed ? `no probe result but: ${printed.slice(0, 300)}` : 'nothing'}`,
      { cause },
    );
  }
}
