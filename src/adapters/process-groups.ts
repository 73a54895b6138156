// The process groups the runner starts (each child is spawned detached, so it leads a group of
// its own) and their ending. A test that starts a child without waiting for it leaves that child
// in its group: it would run on into the next measurement, so a group is ended when its command
// exits, and every group is ended when the action is cancelled.
//
// A process that leaves its group (setsid, a daemon's double fork) is out of the group's reach,
// so each command's processes also carry a tag in their environment (TAG_VARIABLE, as Jenkins'
// process tree killer does): on Linux, whatever still holds a finished command's tag in
// /proc/PID/environ is ended with its group. Only a process that empties its own environment
// before exec escapes that.
//
// Windows has neither groups nor signals (process.kill(-pid) does nothing there): a tree is ended
// with `taskkill /T /F`, which follows the parent links from a process that is still running.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const POLL_MS = 25;

/** The environment variable that tags every process a command starts (see above). */
export const TAG_VARIABLE = 'CPV_PROCESS_TAG';

/**
 * The processes (Linux) whose environment holds `TAG_VARIABLE=tag`, this one left out; none where
 * /proc cannot tell (macOS) or a process is not ours to read.
 */
export function taggedProcesses(tag: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const entry = `${TAG_VARIABLE}=${tag}`;
  return livePids((pid) => {
    if (Number(pid) === process.pid) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
    } catch {
      return false;
    }
  });
}

function signalTagged(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

/** A process's state and process group from /proc/PID/stat (Linux), or null where it cannot be read. */
function procStat(pid: string): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces and parentheses: the fields after its last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state && pgrp ? { state, pgrp: Number(pgrp) } : null;
  } catch {
    return null;
  }
}

/**
 * The processes in /proc that still run and that `wanted` picks (by pid and process group): a
 * zombie runs nothing, and where PID 1 does not reap orphans (many containers) it would never leave.
 */
function livePids(wanted: (pid: string, pgrp: number) => boolean): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid);
    if (stat !== null && stat.state !== 'Z' && stat.state !== 'X' && wanted(pid, stat.pgrp)) {
      found.push(Number(pid));
    }
  }
  return found;
}

/** True while a process of the group is left, zombies not counted (livePids). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: the group exists but is not ours to signal; ESRCH: it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!existsSync('/proc/self/stat')) return true;
  return livePids((_, pgrp) => pgrp === pgid).length > 0;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group.
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * SIGTERM to what is left of the group, SIGKILL after `graceMs` to whatever ignored it.
 * Resolves once the group is gone, or at the latest shortly after the SIGKILL.
 */
export async function endGroup(pgid: number, options: { graceMs: number; tag?: string }): Promise<void> {
  const { tag } = options;
  // What is left: the group, and the tagged processes outside it (one scan of /proc each time).
  let tagged: number[] = [];
  const alive = (): boolean => {
    tagged = tag === undefined ? [] : taggedProcesses(tag);
    return tagged.length > 0 || groupAlive(pgid);
  };
  if (!alive()) return;
  signalGroup(pgid, 'SIGTERM');
  signalTagged(tagged, 'SIGTERM');
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    if (!alive()) return;
  }
  signalGroup(pgid, 'SIGKILL');
  signalTagged(tagged, 'SIGKILL');
  // SIGKILL cannot be caught; what remains is the kernel tearing down and the parent reaping.
  for (let i = 0; i < 40 && alive(); i++) await sleep(POLL_MS);
}

/** How the processes a command started are ended: by process group, or by taskkill's tree. */
export interface TreeEnding {
  /** What a finished command left running is ended, where it can be found (`tag`: see above). */
  leftovers(pid: number, options: { graceMs: number; tag?: string }): Promise<void>;
  /** A timeout's signal (Windows: the tree ends at once, whatever the signal). */
  signal(pid: number, signal: NodeJS.Signals): void;
  /** Ends the tree and resolves once it is gone or `graceMs` has passed (a cancel). */
  end(pid: number, options: { graceMs: number; tag?: string }): Promise<void>;
  /** The last resort before exiting: no waiting on anything that could hang. */
  kill(pid: number, tag?: string): void;
}

export const groupEnding: TreeEnding = {
  leftovers: endGroup,
  signal: signalGroup,
  end: endGroup,
  kill: (pgid, tag) => {
    signalGroup(pgid, 'SIGKILL');
    if (tag !== undefined) signalTagged(taggedProcesses(tag), 'SIGKILL');
  },
};

/** Ending by a command such as `taskkill /T /F /PID N` (argvOf gives it for a pid). */
export function commandEnding(argvOf: (pid: number) => readonly string[]): TreeEnding {
  const run = (pid: number, graceMs: number): Promise<void> =>
    new Promise((done) => {
      const [file, ...args] = argvOf(pid);
      const child = spawn(file as string, args, { stdio: 'ignore', windowsHide: true });
      const timer = setTimeout(done, graceMs);
      const finish = (): void => {
        clearTimeout(timer);
        done();
      };
      // taskkill exits 128 when the process is already gone: nothing to do either way.
      child.on('error', finish);
      child.on('exit', finish);
    });
  return {
    // Once the command's own process has exited, taskkill /T cannot find its tree any more:
    // what it left running on Windows is only reached while the command runs (timeout, cancel).
    leftovers: () => Promise.resolve(),
    signal: (pid) => void run(pid, 10_000),
    end: (pid, options) => run(pid, options.graceMs),
    kill: (pid) => {
      const [file, ...args] = argvOf(pid);
      spawnSync(file as string, args, { stdio: 'ignore', windowsHide: true, timeout: 2_000 });
    },
  };
}

/** The groups of the commands that are running now. */
export class ProcessGroups {
  /** Each running group and its command's tag, if it has one. */
  private readonly live = new Map<number, string | undefined>();

  constructor(private readonly ending: TreeEnding = groupEnding) {}

  add(pgid: number, tag?: string): void {
    this.live.set(pgid, tag);
  }

  delete(pgid: number): void {
    this.live.delete(pgid);
  }

  /** Ends every running group at once (a cancel has seconds, not a grace per group). */
  async endAll(options: { graceMs: number }): Promise<void> {
    await Promise.all(
      [...this.live].map(([pgid, tag]) =>
        this.ending.end(pgid, { ...options, ...(tag !== undefined ? { tag } : {}) }),
      ),
    );
  }

  /** The last resort before exiting: SIGKILL, no waiting. */
  killAll(): void {
    for (const [pgid, tag] of this.live) this.ending.kill(pgid, tag);
  }
}
