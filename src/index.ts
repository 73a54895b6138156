// The one place that wires the real world in. Untested by design: everything it calls is.
import * as core from '@actions/core';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCacheStore } from './adapters/cache.js';
import { GitHubCommentClient } from './adapters/github.js';
import { SpawnRunner } from './adapters/process.js';
import { cancelOnSignals, exitCodeFor } from './adapters/signals.js';
import { ActionsToolkit } from './adapters/toolkit.js';
import { CancelledError } from './cancellation.js';
import { hostFacts } from './host-facts.js';
import { run } from './run.js';

const cancel = cancelOnSignals({
  // Within the runner's 7.5 s between SIGINT and SIGTERM.
  forceAfterMs: 7_000,
  force: (signal) => {
    runner.killAll();
    process.exit(exitCodeFor(signal));
  },
});
// The machine's facts (PATH, venv layout, how a process tree ends), read once, handed down.
const platform = hostFacts();
const runner = new SpawnRunner({ cancel, platform });
// After a cancel the abandoned work unwinds with the runner's rejections while the report is
// written; one that nothing awaits any more must not end the process before that is done.
process.on('unhandledRejection', (reason) => {
  if (!cancel.aborted) throw reason;
});
try {
  const env = process.env;
  await run({
    runner,
    cancel,
    toolkit: new ActionsToolkit(env),
    cache: createCacheStore({
      env,
      runner,
      // Where there is no cache service (a local run), this folder plays the cache's part.
      localDirectory: join(
        env['CPV_CACHE'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'cpython-variants'),
        'actions-cache',
      ),
      tempDirectory: env['RUNNER_TEMP'] ?? tmpdir(),
    }),
    comments: ({ token, apiUrl }) => new GitHubCommentClient({ token, baseUrl: apiUrl }),
    env,
    platform,
    cwd: process.cwd(),
    read: (name) => core.getInput(name),
    print: (text) => process.stdout.write(`${text}\n`),
  });
} catch (error) {
  // Also a thrown non-Error (a string, say) must fail the step.
  core.setFailed(
    `cpython-variants failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
}
if (cancel.aborted) {
  // Nothing the tests started may outlive the step; then exit as a process killed by the signal would.
  await runner.stopped();
  process.exit(exitCodeFor(cancel.reason instanceof CancelledError ? cancel.reason.signal : 'SIGTERM'));
}
