// What the runner leaves behind: nothing after a command, nothing after a cancel.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupAlive } from '../../src/adapters/process-groups.js';
import { SpawnRunner } from '../../src/adapters/process.js';
import { running } from '../helpers/processes.js';

const waitFor = async (check: () => boolean, ms: number): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

describe('SpawnRunner and the process groups it starts', () => {
  it('ends a background child the command left in its group before the result comes back', async () => {
    const r = await new SpawnRunner().run({
      // Its output goes elsewhere, so no open pipe makes the runner wait for it.
      argv: ['bash', '-c', 'sleep 60 >/dev/null 2>&1 & echo $!'],
    });
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(running(pid)).toBe(false);
  });

  it('ends a child that left the group (setsid) too, by the tag in its environment', async () => {
    const r = await new SpawnRunner().run({
      // Once it leads a session of its own (its session id is its pid), the group cannot reach it.
      argv: [
        'bash',
        '-c',
        'setsid sleep 60 >/dev/null 2>&1 < /dev/null & p=$!; until [ "$(ps -o sid= -p $p | tr -d " ")" = "$p" ]; do sleep 0.01; done; echo $p',
      ],
    });
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !running(pid), 3_000);
    expect(running(pid)).toBe(false);
  });

  it('ends a daemon (double fork, new session) the command started, and spares one started without the tag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpv-daemon-'));
    const daemon = (pidFile: string) =>
      `import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        open('${pidFile}', 'w').write(str(os.getpid()))\n        time.sleep(60)\n    os._exit(0)\nos.wait()`;
    const tagged = join(dir, 'tagged');
    const untagged = join(dir, 'untagged');
    await new SpawnRunner().run({
      argv: [
        'bash',
        '-c',
        `python3 -c "${daemon(tagged)}" && env -u CPV_PROCESS_TAG python3 -c "${daemon(untagged)}"; until [ -s ${tagged} ] && [ -s ${untagged} ]; do sleep 0.02; done`,
      ],
    });
    const spared = Number(readFileSync(untagged, 'utf8'));
    try {
      expect(running(Number(readFileSync(tagged, 'utf8')))).toBe(false);
      expect(running(spared)).toBe(true);
    } finally {
      process.kill(spared, 'SIGKILL');
    }
  });

  it('ends one that ignores SIGTERM too, with SIGKILL, within a couple of seconds', async () => {
    const ready = join(mkdtempSync(join(tmpdir(), 'cpv-ignore-')), 'ready');
    const ignoring = `import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); open('${ready}', 'w').write('1'); time.sleep(60)`;
    const started = Date.now();
    const r = await new SpawnRunner().run({
      // The command ends only once the child ignores SIGTERM.
      argv: [
        'bash',
        '-c',
        `python3 -c "${ignoring}" >/dev/null 2>&1 & until [ -s ${ready} ]; do sleep 0.02; done; echo $!`,
      ],
    });
    expect(running(Number(r.stdout.trim()))).toBe(false);
    // The leftover grace (1 s) and SIGKILL, not a wait for the child's minute.
    expect(Date.now() - started).toBeGreaterThan(900);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('costs nothing measurable when the command leaves nothing behind', async () => {
    const runner = new SpawnRunner();
    const started = Date.now();
    for (let i = 0; i < 10; i++) await runner.run({ argv: ['true'] });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('on cancel ends every running group, rejects the runs in flight and starts nothing new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpv-cancel-'));
    const controller = new AbortController();
    const runner = new SpawnRunner({ cancel: controller.signal });
    const pidFile = join(dir, 'pids');
    const inFlight = runner.run({
      argv: ['bash', '-c', `sleep 60 >/dev/null & echo $$ $! > ${pidFile}; wait`],
    });
    const outcome = inFlight.then(
      () => 'resolved',
      (error: unknown) => (error as Error).message,
    );
    await waitFor(() => {
      try {
        return readFileSync(pidFile, 'utf8').trim().split(' ').length === 2;
      } catch {
        return false;
      }
    }, 5_000);
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    const started = Date.now();
    controller.abort(new Error('cancelled by SIGTERM'));
    expect(await outcome).toBe('cancelled by SIGTERM');
    await runner.stopped();
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const pid of pids) expect(running(pid)).toBe(false);
    await expect(runner.run({ argv: ['true'] })).rejects.toThrow('cancelled by SIGTERM');
  });

  it('tells a group with a running process from one that is gone', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid!;
    expect(groupAlive(pid)).toBe(true);
    process.kill(-pid, 'SIGKILL');
    await new Promise((done) => child.on('exit', done));
    expect(groupAlive(pid)).toBe(false);
  });
});
