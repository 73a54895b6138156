// The environment of every process the tested code may run in (its install, tests, benchmarks).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrubEnvironment } from './domain/environment.js';

/**
 * Credentials and file commands removed, and a RUNNER_TEMP of its own: an empty folder made for
 * it, so the runner's (which holds the action's work folder and, on GitHub's runners,
 * `_runner_file_commands/`) is not named to it. Hygiene, not a sandbox: see SECURITY.md.
 */
export function testedEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const clean = scrubEnvironment(env);
  const parent = env['RUNNER_TEMP'] || tmpdir();
  try {
    clean['RUNNER_TEMP'] = mkdtempSync(join(parent, 'cpv-tested-'));
  } catch (error) {
    const chosenBy = env['RUNNER_TEMP']
      ? 'the environment variable RUNNER_TEMP'
      : "the system's temporary folder";
    throw new Error(`could not make the tested code's own RUNNER_TEMP in ${parent} (${chosenBy})`, {
      cause: error,
    });
  }
  return clean;
}
