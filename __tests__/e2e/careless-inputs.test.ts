// Careless inputs, through the action as shipped (node dist/index.js): each is refused, or read
// with one meaning, before any work starts. None needs a real interpreter.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, ROOT, runAction } from '../helpers/action.js';

/** Lines of the log that show work beyond reading the inputs. */
const WORK = /^::group::|venv|install-command|Downloaded|python-build-standalone/m;

describe('careless inputs (node dist/index.js)', () => {
  it('working-directory: does/not/exist is refused, naming the input, the value and what is allowed', async () => {
    const cwd = copyProject(join(ROOT, 'examples'));
    const run = await runAction({ cwd, inputs: { 'working-directory': 'does/not/exist', variants: '3.13' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `::error::Input 'working-directory' has the value "does/not/exist": no such folder (${join(cwd, 'does/not/exist')}); it must be a folder inside the workspace (${cwd})`,
    );
    expect(run.stdout).not.toMatch(WORK);
  });

  it('a file as working-directory is refused as such, not "spawn ENOTDIR"', async () => {
    const cwd = copyProject(join(ROOT, 'examples'));
    const run = await runAction({ cwd, inputs: { 'working-directory': 'pyproject.toml', variants: '3.13' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /^::error::Input 'working-directory' has the value "pyproject.toml": it is a file, not a folder/m,
    );
    expect(run.stdout).not.toMatch(WORK);
  });

  it('a working-directory outside GITHUB_WORKSPACE is refused', async () => {
    const cwd = copyProject(join(ROOT, 'examples'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'cpv-elsewhere-'));
    const run = await runAction({
      cwd,
      inputs: { 'working-directory': elsewhere, variants: '3.13' },
      env: { GITHUB_WORKSPACE: cwd },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `::error::Input 'working-directory' has the value "${elsewhere}": it is outside the workspace; it must be a folder inside the workspace (GITHUB_WORKSPACE, ${cwd})`,
    );
  });

  it('threshold: 1 means 1%, as 1% and 10 mean 1% and 10%; /bin/true is not a Python interpreter', async () => {
    const cwd = copyProject(join(ROOT, 'examples'));
    const run = await runAction({
      cwd,
      inputs: { threshold: '1', variants: '3.13', interpreters: '3.13=/bin/true', comment: 'off' },
    });
    expect(run.report?.threshold).toBe(0.01);
    expect(run.report?.variants[0]?.install.error).toBe(
      'interpreters: /bin/true is not a Python interpreter: run as `/bin/true -I -c <probe>` it printed nothing',
    );
    expect(run.exitCode).toBe(1);
  });

  it('interpreters: /bin/sh is named as not a Python interpreter, not with its syntax errors alone', async () => {
    const run = await runAction({
      cwd: copyProject(join(ROOT, 'examples')),
      inputs: { variants: '3.13', interpreters: '3.13=/bin/sh', comment: 'off' },
    });
    expect(run.report?.variants[0]?.install.error).toMatch(
      /^interpreters: \/bin\/sh is not a Python interpreter: run as `\/bin\/sh -I -c <probe>` it exited with \d+/,
    );
    expect(run.exitCode).toBe(1);
  });

  it.each([
    // The log escapes % in a command's message as %25 (the runner shows 10%).
    ['ten', /"ten": it must be a percentage such as 10%25 or 2\.5%25/],
    ['0', /"0": it must be a percentage/],
    ['10 ms', /"10 ms": it must be a percentage/],
  ])('threshold: %s is refused', async (threshold, message) => {
    const run = await runAction({ cwd: copyProject(join(ROOT, 'examples')), inputs: { threshold } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^::error::Input 'threshold' has the value ${message.source}`, 'm'),
    );
    expect(run.stdout).not.toMatch(WORK);
  });
});
