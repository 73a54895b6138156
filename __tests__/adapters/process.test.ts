import { describe, expect, it } from 'vitest';
import { BoundedBuffer, SpawnRunner } from '../../src/adapters/process.js';

const runner = new SpawnRunner();

describe('SpawnRunner', () => {
  it('returns exit code, output and duration without throwing on failure', async () => {
    const r = await runner.run({ argv: ['bash', '-c', 'echo out; echo err >&2; exit 3'] });
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('reports the signal that killed the process', async () => {
    const r = await runner.run({
      argv: ['python3', '-c', 'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'],
    });
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGSEGV');
  });

  it('passes exactly the environment it is given, and the tag that finds its processes', async () => {
    const r = await runner.run({ argv: ['/usr/bin/env'], env: { ONLY: 'this' } });
    const lines = r.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^CPV_PROCESS_TAG=[0-9a-f]{16}$/);
    expect(lines[1]).toBe('ONLY=this');
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const started = Date.now();
    const r = await runner.run({
      // The grandchild would keep the pipes open for a minute if it survived.
      argv: ['bash', '-c', 'sleep 60 & sleep 60; wait'],
      timeoutMs: 300,
      killGraceMs: 500,
    });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('sends the timeout signal first, then SIGKILL to a process that ignores it', async () => {
    const r = await runner.run({
      argv: ['bash', '-c', 'trap "" ABRT TERM; sleep 30'],
      timeoutMs: 200,
      timeoutSignal: 'SIGABRT',
      killGraceMs: 300,
    });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  it('keeps head and tail of a huge output within the bound', async () => {
    const r = await runner.run({
      argv: ['python3', '-c', "import sys\nsys.stdout.write('HEAD\\n' + 'x' * 50_000_000 + '\\nTAIL\\n')"],
      outputLimitBytes: 64 * 1024,
    });
    expect(r.exitCode).toBe(0);
    expect(r.truncated).toBe(true);
    expect(r.stdout.startsWith('HEAD\n')).toBe(true);
    expect(r.stdout.endsWith('\nTAIL\n')).toBe(true);
    expect(r.stdout.length).toBeLessThan(70 * 1024);
  });

  it('keeps non-UTF-8 bytes from breaking the output', async () => {
    const r = await runner.run({ argv: ['printf', 'a\\377\\376b'] });
    expect(r.stdout).toBe('a\uFFFD\uFFFDb');
  });

  it('reports a command that cannot start as a spawn error, not a throw', async () => {
    const r = await runner.run({ argv: ['/nonexistent/python'] });
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(r.exitCode).toBe(127);
  });

  it('feeds stdin', async () => {
    const r = await runner.run({ argv: ['cat'], stdin: 'hello' });
    expect(r.stdout).toBe('hello');
  });
});

describe('BoundedBuffer', () => {
  it.each([
    [10, ['abc'], 'abc', false],
    [10, ['0123456789'], '0123456789', false],
    [10, ['01234', '56789', 'abcdefghij'], '01234\n[... 10 bytes cut ...]\nfghij', true],
  ])('limit %i, chunks %j', (limit, chunks, text, truncated) => {
    const b = new BoundedBuffer(limit);
    for (const c of chunks) b.push(Buffer.from(c));
    expect(b.toString()).toBe(text);
    expect(b.truncated).toBe(truncated);
  });
});

describe('bash under SpawnRunner', () => {
  it('does not source ~/.bashrc (which could put another python first on PATH)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = mkdtempSync(join(tmpdir(), 'cpv-home-'));
    writeFileSync(join(home, '.bashrc'), 'export SOURCED_BASHRC=yes\n');
    const r = await new SpawnRunner().run({
      argv: ['bash', '-c', 'echo "${SOURCED_BASHRC:-no}"'],
      env: { HOME: home, PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    });
    expect(r.stdout).toBe('no\n');
  });
});
