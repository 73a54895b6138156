// Windows ends a timed-out attempt with taskkill /F, which no process can catch, so no SIGABRT
// makes faulthandler dump the stacks: the action tells the plugin when it will end the attempt
// (CPV_HANG_DUMP_AT), and the plugin dumps them a moment before.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { scrubEnvironment } from '../../src/domain/environment.js';
import { platformFacts } from '../../src/domain/platform.js';
import { hangDumpLeadMs, installPlugin, runAttempt } from '../../src/suite/test-attempt.js';
import { interpretersSkipReason, makeVenv, realInterpreters, venvEnv } from '../helpers/interpreters.js';

const scratch = mkdtempSync(join(tmpdir(), 'cpv-hang-dump-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const runner = new SpawnRunner();

function workDir(): string {
  return mkdtempSync(join(scratch, 'work-'));
}

describe('the hang dump deadline', () => {
  it.each([
    { platform: 'win32', set: true },
    { platform: 'linux', set: false },
    { platform: 'darwin', set: false },
  ])('is set for the plugin on $platform: $set', async ({ platform, set }) => {
    const work = workDir();
    const timeoutMs = 20_000;
    const before = Date.now();
    const attempt = await runAttempt(
      {
        runner,
        command: 'echo "at=${CPV_HANG_DUMP_AT:-none}"',
        cwd: work,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
        workDir: work,
        log: () => undefined,
        pluginDir: installPlugin(work),
        platform: platformFacts({ platform, arch: 'x64' }),
      },
      { label: 'echo', timeoutMs },
    );
    const at = /at=(\S+)/.exec(attempt.result.stdout)?.[1];
    if (!set) {
      expect(at).toBe('none');
      return;
    }
    // A tenth of the timeout before it, at most 5 s.
    expect(hangDumpLeadMs(timeoutMs)).toBe(2_000);
    const atMs = Number(at) * 1000;
    expect(atMs).toBeGreaterThanOrEqual(before + timeoutMs - 2_000 - 5);
    expect(atMs).toBeLessThanOrEqual(Date.now() + timeoutMs - 2_000 + 5);
  });

  it('is 5 s before a long timeout, a tenth of a short one', () => {
    expect(hangDumpLeadMs(30 * 60_000)).toBe(5_000);
    expect(hangDumpLeadMs(8_000)).toBe(800);
  });
});

const skip = interpretersSkipReason(['3.13']);
describe.skipIf(skip !== null)('the plugin on real 3.13', () => {
  it('dumps every thread at CPV_HANG_DUMP_AT, the test named, without ending the session', async () => {
    const project = mkdtempSync(join(scratch, 'project-'));
    mkdirSync(join(project, 'tests'));
    writeFileSync(
      join(project, 'tests', 'test_slow.py'),
      'import time\n\n\ndef test_sleeps():\n    time.sleep(4)\n',
    );
    const venv = makeVenv({ python: realInterpreters()!['3.13']!, dir: join(scratch, 'venv') });
    const work = workDir();
    const attempt = await runAttempt(
      {
        runner,
        command: 'python -m pytest -q -p no:cacheprovider',
        cwd: project,
        // Set by hand: on this machine the action only sets it for Windows.
        env: scrubEnvironment(
          venvEnv(venv, process.env, { CPV_HANG_DUMP_AT: String(Date.now() / 1000 + 2) }),
        ),
        workDir: work,
        log: () => undefined,
        pluginDir: installPlugin(work),
      },
      { label: 'slow', timeoutMs: 60_000 },
    );
    expect(attempt.result.exitCode).toBe(0);
    expect(attempt.end.kind).toBe('passed');
    const [dump] = attempt.dumps;
    expect(dump?.error).toMatch(/^Timeout \(0:00:0[12]\)!$/);
    const frames = dump!.threads.flatMap((t) => t.frames.map((f) => f.function));
    expect(frames).toContain('test_sleeps');
  });
});
