import { spawn } from 'node:child_process';
import type { Command, ProcessResult, ProcessRunner } from '../ports.js';

const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 5_000;
// A grandchild that inherited our pipes can hold them open after the child exits; we stop
// waiting for the streams this long after the exit so a daemonised leftover cannot hang us.
const STREAM_DRAIN_MS = 2_000;

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

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    // Negative pid: the whole process group (the child was spawned detached, as a group leader).
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export class SpawnRunner implements ProcessRunner {
  run(command: Command): Promise<ProcessResult> {
    const [file, ...args] = command.argv;
    if (file === undefined) throw new Error('SpawnRunner.run: argv is empty');
    const limit = command.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
    const stdout = new BoundedBuffer(limit);
    const stderr = new BoundedBuffer(limit);
    const started = process.hrtime.bigint();

    return new Promise((resolve) => {
      const child = spawn(file, args, {
        cwd: command.cwd,
        env: command.env ?? process.env,
        detached: true,
        // A piped stdin is a socket, and bash then takes itself for a remote shell and sources
        // ~/.bashrc (which may put pyenv ahead of the venv): no stdin unless there is input.
        stdio: [command.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let timedOut = false;
      let exited: { code: number | null; signal: NodeJS.Signals | null; at: bigint } | undefined;
      let spawnError: string | undefined;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];

      const finish = (): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        const end = exited?.at ?? process.hrtime.bigint();
        resolve({
          exitCode: exited?.code ?? (spawnError ? 127 : null),
          signal: exited?.signal ?? null,
          durationMs: Number(end - started) / 1e6,
          stdout: stdout.toString(),
          stderr: stderr.toString(),
          timedOut,
          truncated: stdout.truncated || stderr.truncated,
          ...(spawnError ? { spawnError } : {}),
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
        timers.push(setTimeout(finish, STREAM_DRAIN_MS));
      });
      child.on('close', finish);

      if (command.timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            if (exited) return;
            timedOut = true;
            killGroup(child.pid, command.timeoutSignal ?? 'SIGTERM');
            timers.push(
              setTimeout(() => killGroup(child.pid, 'SIGKILL'), command.killGraceMs ?? DEFAULT_KILL_GRACE_MS),
            );
          }, command.timeoutMs),
        );
      }
    });
  }
}
