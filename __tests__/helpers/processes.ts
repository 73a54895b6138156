// Whether a process the action started is still there.
import { readFileSync } from 'node:fs';

/** Alive and not a zombie (PID 1 of a container may never reap an orphan, which then stays a zombie). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}
