import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { treeKillArgv, type PlatformFacts } from '../domain/platform.js';
import { hostFacts } from '../host-facts.js';
import type { Command, ProcessResult, ProcessRunner } from '../ports.js';
import {
  commandEnding,
  groupEnding,
  ProcessGroups,
  TAG_VARIABLE,
  type TreeEnding,
} from './process-groups.js';

const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 5_000;
// A grandchild that inherited our pipes can hold them open after the child exits; we stop
// waiting for the streams this long after the exit so a daemonised leftover cannot hang us.
const STREAM_DRAIN_MS = 2_000;
// What a test left running in its group gets between SIGTERM and SIGKILL once the command is done.
const LEFTOVER_GRACE_MS = 1_000;
// On cancel the runner gives us seconds before SIGKILL: the children get a part of them.
const CANCEL_GRACE_MS = 2_000;

/** Keeps the first and the last `limit / 2` bytes of a stream, so a test printing 1 GB costs 1 MiB. */
export class BoundedBuffer {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const half = Math.floor(this.limit / 2);
    if (this.headBytes < half) {
      const take = Math.min(half - this.headBytes, chunk.length);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailLimit = this.limit - half;
    if (this.tailBytes > tailLimit * 2) this.compact(tailLimit);
  }

  private compact(tailLimit: number): void {
    const all = Buffer.concat(this.tail);
    const keep = all.subarray(Math.max(0, all.length - tailLimit));
    this.dropped += all.length - keep.length;
    this.tail = [Buffer.from(keep)];
    this.tailBytes = keep.length;
  }

  get truncated(): boolean {
    return this.dropped > 0 || this.tailBytes > this.limit - Math.floor(this.limit / 2);
  }

  toString(): string {
    this.compact(this.limit - Math.floor(this.limit / 2));
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped > 0 ? `${head}\n[... ${this.dropped} bytes cut ...]\n${tail}` : head + tail;
  }
}

function cancelError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('cancelled', { cause: signal.reason });
}

/** How the platform ends a command's processes. */
export function treeEnding(platform: PlatformFacts): TreeEnding {
  return platform.processTree === 'taskkill'
    ? commandEnding((pid) => treeKillArgv(pid, platform) ?? [])
    : groupEnding;
}

export class SpawnRunner implements ProcessRunner {
  private readonly groups: ProcessGroups;
  private readonly ending: TreeEnding;
  private readonly detached: boolean;
  private stopping: Promise<void> = Promise.resolve();
  private readonly cancel: AbortSignal | undefined;

  /**
   * `cancel`: the action's SIGTERM/SIGINT. Once it fires, every running group is ended, the runs
   * in flight reject with its reason, and nothing new is started (run() rejects at once).
   * `platform`: how process trees end there (the host's by default).
   */
  constructor(options: { cancel?: AbortSignal; platform?: PlatformFacts } = {}) {
    const platform = options.platform ?? hostFacts();
    this.ending = treeEnding(platform);
    this.groups = new ProcessGroups(this.ending);
    // A detached child leads a process group on POSIX; on Windows it would get a console of its own.
    this.detached = platform.processTree === 'group';
    this.cancel = options.cancel;
    this.cancel?.addEventListener('abort', () => {
      this.stopping = this.groups.endAll({ graceMs: CANCEL_GRACE_MS });
    });
  }

  /** Resolves once every group ended by a cancel is gone. */
  stopped(): Promise<void> {
    return this.stopping;
  }

  /** SIGKILL to every running group, without waiting: the last thing before a forced exit. */
  killAll(): void {
    this.groups.killAll();
  }

  run(command: Command): Promise<ProcessResult> {
    const [file, ...args] = command.argv;
    if (file === undefined) throw new Error('SpawnRunner.run: argv is empty');
    if (this.cancel?.aborted) return Promise.reject(cancelError(this.cancel));
    const cancel = this.cancel;
    const groups = this.groups;
    const ending = this.ending;
    const limit = command.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
    const stdout = new BoundedBuffer(limit);
    const stderr = new BoundedBuffer(limit);
    const started = process.hrtime.bigint();

    // Where trees end by group, a tag finds what left the group (process-groups.ts).
    const tag = this.detached ? randomBytes(8).toString('hex') : undefined;
    const env = command.env ?? process.env;

    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: command.cwd,
        env: tag === undefined ? env : { ...env, [TAG_VARIABLE]: tag },
        detached: this.detached,
        windowsHide: true,
        // A piped stdin is a socket, and bash then takes itself for a remote shell and sources
        // ~/.bashrc (which may put pyenv ahead of the venv): no stdin unless there is input.
        stdio: [command.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let timedOut = false;
      let exited: { code: number | null; signal: NodeJS.Signals | null; at: bigint } | undefined;
      let spawnError: string | undefined;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const pid = child.pid;
      if (pid !== undefined) groups.add(pid, tag);
      // Whatever the command left in its group is ended before the next command starts.
      let groupEnded: Promise<void> = Promise.resolve();

      const finish = (): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        const end = exited?.at ?? process.hrtime.bigint();
        const result: ProcessResult = {
          exitCode: exited?.code ?? (spawnError ? 127 : null),
          signal: exited?.signal ?? null,
          durationMs: Number(end - started) / 1e6,
          stdout: stdout.toString(),
          stderr: stderr.toString(),
          timedOut,
          truncated: stdout.truncated || stderr.truncated,
          ...(spawnError ? { spawnError } : {}),
        };
        void groupEnded.then(() => {
          if (pid !== undefined) groups.delete(pid);
          // A command cut short by a cancel has no result worth deciding on.
          if (cancel?.aborted) reject(cancelError(cancel));
          else resolve(result);
        });
      };

      child.stdout!.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        command.onOutput?.(chunk.toString('utf8'), 'stdout');
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        command.onOutput?.(chunk.toString('utf8'), 'stderr');
      });
      if (command.stdin !== undefined && child.stdin) {
        child.stdin.on('error', () => {
          // The child may exit without reading its input (EPIPE): not our failure.
        });
        child.stdin.end(command.stdin);
      }

      child.on('error', (error) => {
        spawnError = `${file}: ${error.message}`;
        finish();
      });
      child.on('exit', (code, signal) => {
        exited = { code, signal, at: process.hrtime.bigint() };
        if (pid !== undefined) {
          groupEnded = ending.leftovers(pid, {
            graceMs: LEFTOVER_GRACE_MS,
            ...(tag !== undefined ? { tag } : {}),
          });
        }
        timers.push(setTimeout(finish, STREAM_DRAIN_MS));
      });
      child.on('close', finish);

      if (command.timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            if (exited) return;
            timedOut = true;
            if (pid !== undefined) ending.signal(pid, command.timeoutSignal ?? 'SIGTERM');
            timers.push(
              setTimeout(
                () => pid !== undefined && ending.signal(pid, 'SIGKILL'),
                command.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
              ),
            );
          }, command.timeoutMs),
        );
      }
    });
  }
}
