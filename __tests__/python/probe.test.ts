import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpawnRunner } from '../../src/adapters/process.js';
import { probeInterpreter } from '../../src/python/probe.js';

const runner = new SpawnRunner();
const probe = (executable: string) =>
  probeInterpreter(runner, { executable, env: { PATH: '/usr/bin:/bin' } });

function script(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cpv-probe-')), 'python3');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('probeInterpreter on what is not a Python interpreter', () => {
  it.each([
    [
      '/bin/true',
      /^\/bin\/true is not a Python interpreter: run as `\/bin\/true -I -c <probe>` it printed nothing$/,
    ],
    [
      '/bin/sh',
      /^\/bin\/sh is not a Python interpreter: run as `\/bin\/sh -I -c <probe>` it exited with \d+: /,
    ],
    ['/bin/echo', /^\/bin\/echo is not a Python interpreter: .* it printed no probe result but: -I -c/],
  ])('%s', async (executable, message) => {
    await expect(probe(executable)).rejects.toThrow(message);
  });

  it('names a Python that fails as one, with its traceback', async () => {
    const broken = script(
      "echo 'Traceback (most recent call last):' >&2; echo 'ModuleNotFoundError: No module named json' >&2; exit 1",
    );
    await expect(probe(broken)).rejects.toThrow(
      /exited with 1 when probed: Traceback .*\n.*No module named json/,
    );
  });

  it('cannot run a path that does not exist', async () => {
    await expect(probe('/does/not/exist/python3')).rejects.toThrow(
      /^cannot run \/does\/not\/exist\/python3: /,
    );
  });
});
