// The startup stopwatch in both of its ways, on this machine's python3: posix_spawn + SIGALRM
// (Linux, macOS) and subprocess.Popen + wait(timeout), the one Windows takes because it has
// neither. The Popen branch is run here with Windows' facts, taskkill and all (there is no
// taskkill here, so its fallback ends the command).
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { platformFacts } from '../../src/domain/platform.js';
import { runTimed, type TimedCommand } from '../../src/suite/startup-driver.js';
import { running } from '../helpers/processes.js';

const runner = new SpawnRunner();
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
const workDir = mkdtempSync(join(tmpdir(), 'cpv-driver-'));
const cmd = (argv: string[], extra: Partial<TimedCommand> = {}): TimedCommand => ({
  argv,
  env,
  cwd: workDir,
  timeoutMs: 10_000,
  stderrPath: join(workDir, `stderr-${Math.random().toString(36).slice(2)}.txt`),
  returnStderr: false,
  ...extra,
});

describe.each([
  ['posix_spawn (Linux, macOS)', platformFacts({ platform: 'linux', arch: 'x64' })],
  ['Popen (Windows)', platformFacts({ platform: 'win32', arch: 'x64' })],
])('runTimed with %s', (_, platform) => {
  it('times each command in order, with exit codes and the stderr asked for', async () => {
    const results = await runTimed({
      runner,
      python: 'python3',
      platform,
      commands: [
        cmd(['python3', '-c', 'pass']),
        cmd(['python3', '-c', 'import sys; sys.stderr.write("rows\\n")'], { returnStderr: true }),
        cmd(['python3', '-c', 'import sys; sys.stderr.write("boom\\n"); sys.exit(3)']),
        cmd(['python3', '-c', 'import os, sys; sys.stderr.write(os.getcwd())'], { returnStderr: true }),
      ],
    });
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 3, 0]);
    expect(results[0]!.ms).toBeGreaterThan(1);
    expect(results[0]!.ms).toBeLessThan(5_000);
    expect(results[1]!.stderr).toBe('rows\n');
    expect(results[2]!.stderr).toBe('boom\n');
    expect(results[3]!.stderr).toBe(workDir);
  });

  it('ends a command past its timeout, grandchild and all, and goes on with the next', async () => {
    const started = Date.now();
    const results = await runTimed({
      runner,
      python: 'python3',
      platform,
      commands: [
        cmd(['bash', '-c', 'sleep 30 & echo $! >&2; sleep 30'], { timeoutMs: 300 }),
        cmd(['python3', '-c', 'pass']),
      ],
    });
    expect(results[0]!.exitCode).not.toBe(0);
    expect(results[1]!.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The command runs in a group (session) of its own, out of the runner's reach: the driver ends it.
    const grandchild = Number(results[0]!.stderr?.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(running(grandchild)).toBe(false);
  });

  it("finds a bare command name on the command's own PATH", async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cpv-driver-bin-'));
    writeFileSync(join(bin, 'cpv-only-here'), '#!/bin/sh\necho found >&2\n');
    chmodSync(join(bin, 'cpv-only-here'), 0o755);
    const [result] = await runTimed({
      runner,
      python: 'python3',
      platform,
      // posix_spawnp looks on the driver's own PATH (the action's), which lacks it: as before on
      // Linux and macOS. Popen's lookup is on the command's PATH, where Windows needs it.
      commands: [cmd(['cpv-only-here'], { env: { PATH: `${bin}:${env.PATH}` }, returnStderr: true })],
    });
    expect(result).toMatchObject({ exitCode: platform.startupSpawn === 'popen' ? 0 : null });
    if (platform.startupSpawn === 'popen') expect(result!.stderr).toBe('found\n');
  });

  it('says which command could not start', async () => {
    const [result] = await runTimed({
      runner,
      python: 'python3',
      platform,
      commands: [cmd(['/nonexistent/python', '-c', 'pass'])],
    });
    expect(result).toMatchObject({ exitCode: null, ms: 0 });
    expect(result!.error).toMatch(/^\/nonexistent\/python: /);
  });
});
