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
  clean['RUNNER_TEMP'] = mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'cpv-tested-'));
  return clean;
}
