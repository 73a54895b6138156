// The one place that wires the real world in. Untested by design: everything it calls is.
import * as core from '@actions/core';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCacheStore } from './adapters/cache.js';
import { GitHubCommentClient } from './adapters/github.js';
import { SpawnRunner } from './adapters/process.js';
import { ActionsToolkit } from './adapters/toolkit.js';
import { run } from './run.js';

try {
  const env = process.env;
  const runner = new SpawnRunner();
  await run({
    runner,
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
