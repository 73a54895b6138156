// What run() is given and what it gives back, in a module of their own: run.ts, publish.ts and
// report-mode.ts all speak of them, and run.ts imports the other two.
import type { PlatformFacts } from './domain/platform.js';
import type { Report } from './domain/report.js';
import type { InputReader } from './inputs.js';
import type { CacheStore, CommentClient, ProcessRunner, Toolkit } from './ports.js';

export interface World {
  readonly runner: ProcessRunner;
  readonly toolkit: Toolkit;
  readonly cache: CacheStore;
  /** Builds the GitHub client once the token and API URL are known. */
  readonly comments: (options: { token: string; apiUrl: string }) => CommentClient;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly read: InputReader;
  /** Where the comment is printed for a reader of the log (a local run's main output). */
  readonly print: (text: string) => void;
  /** Fires on SIGTERM or SIGINT: the report is written from what had finished (cancellation.ts). */
  readonly cancel?: AbortSignal;
  /** PATH, venv and process facts of the machine (index.ts passes the host's; the host's when absent). */
  readonly platform?: PlatformFacts;
}

export interface RunResult {
  readonly report: Report | null;
  readonly reportPath: string | null;
  readonly failed: boolean;
}
