// The runner with Windows' facts, on this machine: no process groups, and the tree of a command
// that timed out or was cancelled is ended by `taskkill /T /F /PID N`. A fake taskkill on PATH
// does what Windows' does (ends the process and its descendants) and writes down its argv, so
// the command Windows would get is the one checked here.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { platformFacts } from '../../src/domain/platform.js';
import { running } from '../helpers/processes.js';

const windows = platformFacts({ platform: 'win32', arch: 'x64' });
const dir = mkdtempSync(join(tmpdir(), 'cpv-taskkill-'));
const log = join(dir, 'taskkill.log');
const savedPath = process.env['PATH'];

const waitFor = async (check: () => boolean, ms: number): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};
const calls = (): string[] => {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

beforeAll(() => {
  writeFileSync(
    join(dir, 'taskkill'),
    [
      '#!/bin/bash',
      `echo "$*" >> '${log}'`,
      'pid="${@: -1}"',
      // The whole tree first, then one kill of all of it, the root first, as Windows ends them
      // together: killing the children first would let the root see them go and exit on its own.
      'tree() { echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }',
      // taskkill exits 128 when there is no such process.
      'kill -0 "$pid" 2>/dev/null || exit 128',
      'kill -STOP "$pid" 2>/dev/null',
      'kill -KILL $(tree "$pid") 2>/dev/null',
      'exit 0',
    ].join('\n'),
  );
  chmodSync(join(dir, 'taskkill'), 0o755);
  process.env['PATH'] = `${dir}:${savedPath ?? ''}`;
});

afterAll(() => {
  process.env['PATH'] = savedPath;
});

describe('SpawnRunner with Windows facts', () => {
  it('ends a timed-out command and its grandchild with taskkill /T /F /PID', async () => {
    const started = Date.now();
    let grandchild = 0;
    const r = await new SpawnRunner({ platform: windows }).run({
      argv: ['bash', '-c', 'sleep 60 & echo $!; sleep 60; wait'],
      timeoutMs: 500,
      timeoutSignal: 'SIGABRT',
      killGraceMs: 2_000,
      onOutput: (chunk) => (grandchild = Number(chunk.trim()) || grandchild),
    });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls()[0]).toMatch(/^\/T \/F \/PID \d+$/);
    expect(grandchild).toBeGreaterThan(0);
    await waitFor(() => !running(grandchild), 2_000);
    expect(running(grandchild)).toBe(false);
  });

  it('ends every running tree on cancel, and rejects the runs in flight', async () => {
    const cancel = new AbortController();
    const runner = new SpawnRunner({ platform: windows, cancel: cancel.signal });
    let grandchild = 0;
    const run = runner.run({
      argv: ['bash', '-c', 'sleep 60 & echo $!; wait'],
      onOutput: (chunk) => (grandchild = Number(chunk.trim()) || grandchild),
    });
    await waitFor(() => grandchild > 0, 5_000);
    cancel.abort(new Error('cancelled by the test'));
    await expect(run).rejects.toThrow('cancelled by the test');
    await runner.stopped();
    await waitFor(() => !running(grandchild), 2_000);
    expect(running(grandchild)).toBe(false);
  });

  it('killAll ends a running tree at once', async () => {
    const runner = new SpawnRunner({ platform: windows });
    let grandchild = 0;
    const run = runner.run({
      argv: ['bash', '-c', 'sleep 60 & echo $!; wait'],
      onOutput: (chunk) => (grandchild = Number(chunk.trim()) || grandchild),
    });
    await waitFor(() => grandchild > 0, 5_000);
    runner.killAll();
    const r = await run;
    expect(r.signal).toBe('SIGKILL');
    expect(running(grandchild)).toBe(false);
  });

  it('runs a command that exits as on Linux: its result, no taskkill', async () => {
    const before = calls().length;
    const r = await new SpawnRunner({ platform: windows }).run({ argv: ['bash', '-c', 'echo hi; exit 3'] });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'hi\n', timedOut: false });
    expect(calls().length).toBe(before);
  });
});
