// The interfaces through which the world comes in. Real implementations live in src/adapters and
// are wired in src/index.ts; tests pass the same real adapters pointed at local servers and temp dirs.

/** A process to start: argv (never a shell string; the user's own commands go as ['bash', '-c', cmd]). */
export interface Command {
  readonly argv: readonly string[];
  readonly cwd?: string;
  /**
   * The complete environment of the child (not merged with ours: the caller scrubs and builds it),
   * plus, where process trees end by group, the runner's tag (CPV_PROCESS_TAG, process-groups.ts).
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Past this the process group gets `timeoutSignal`, then SIGKILL after `killGraceMs`. */
  readonly timeoutMs?: number;
  /** SIGABRT lets faulthandler dump every thread's stack before the group is killed. Default SIGTERM. */
  readonly timeoutSignal?: NodeJS.Signals;
  readonly killGraceMs?: number;
  /** Bytes kept of each stream: the head and the tail, half each. Default 1 MiB. */
  readonly outputLimitBytes?: number;
  readonly stdin?: string;
  /** Called with each chunk as it arrives (live logs of long builds). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface ProcessResult {
  /** null when the process died by a signal. */
  readonly exitCode: number | null;
  /** The signal's name, such as 'SIGSEGV', or null. */
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** True when output beyond outputLimitBytes was dropped from the middle. */
  readonly truncated: boolean;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: string;
}

/**
 * The one process runner. Never throws for a non-zero exit: the caller decides what it means. A
 * command's process group is ended when it exits (nothing it left behind runs into the next one);
 * once the action is cancelled, runs reject with the cancel's reason.
 */
export interface ProcessRunner {
  run(command: Command): Promise<ProcessResult>;
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';
export interface Annotation {
  readonly title?: string;
  readonly file?: string;
  readonly startLine?: number;
}

/** What the Actions toolkit gives us: logs, outputs, the job summary, the step's outcome. */
export interface Toolkit {
  info(message: string): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  notice(message: string, annotation?: Annotation): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string): void;
  /** Appends markdown to the job summary (a no-op where there is none, e.g. a local run). */
  appendSummary(markdown: string): Promise<void>;
  setFailed(message: string): void;
}

/** Saves and restores directory trees by key (the Actions cache, or a local folder standing in). */
export interface CacheStore {
  readonly kind: string;
  /** Returns the key that was restored, or undefined on a miss. Throws on a service error. */
  restore(paths: readonly string[], key: string): Promise<string | undefined>;
  save(paths: readonly string[], key: string): Promise<void>;
}

export interface PullRequestRef {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

export interface CommentResult {
  readonly url: string;
  readonly action: 'created' | 'updated';
}

/** The PR comment and the commit status, through GitHub's REST API. */
export interface CommentClient {
  /** One comment per marker: update it in place if it exists (mode 'update'), else create it. */
  upsert(options: {
    pr: PullRequestRef;
    marker: string;
    body: string;
    mode: 'update' | 'new';
  }): Promise<CommentResult>;
  /**
   * The open PR whose head is `headLabel` ('owner:branch') at `headSha`: for a `workflow_run` from a
   * fork, whose event names no PR. Null when there is none.
   */
  findPullRequest(options: {
    owner: string;
    repo: string;
    headLabel: string;
    headSha: string;
  }): Promise<(PullRequestRef & { readonly baseSha: string; readonly headSha: string }) | null>;
  setStatus(options: {
    owner: string;
    repo: string;
    sha: string;
    state: 'success' | 'failure' | 'error' | 'pending';
    context: string;
    description: string;
    targetUrl?: string;
  }): Promise<void>;
}
