// The one place that wires the real world in. Untested by design: everything it calls is.
import * as core from '@actions/core';
import { createCacheStore } from './adapters/cache.js';
import { GitHubCommentClient } from './adapters/github.js';
import { SpawnRunner } from './adapters/process.js';
import { ActionsToolkit } from './adapters/toolkit.js';
import { run } from './run.js';

try {
  await run({
    runner: new SpawnRunner(),
    toolkit: new ActionsToolkit(),
    cache: createCacheStore(process.env),
    comments: ({ token, apiUrl }) => new GitHubCommentClient({ token, baseUrl: apiUrl }),
    env: process.env,
    cwd: process.cwd(),
    read: (name) => core.getInput(name),
    print: (text) => process.stdout.write(`${text}\n`),
  });
} catch (error) {
  // Also a thrown non-Error (a string, say) must fail the step.
  core.setFailed(`cpython-variants failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
