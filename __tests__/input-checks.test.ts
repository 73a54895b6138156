import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkingDirectory } from '../src/input-checks.js';

describe('checkWorkingDirectory', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'cpv-workspace-'));
  mkdirSync(join(workspace, 'pkg', 'sub'), { recursive: true });
  mkdirSync(join(workspace, '..dots'));
  writeFileSync(join(workspace, 'pyproject.toml'), '');
  const outside = mkdtempSync(join(tmpdir(), 'cpv-elsewhere-'));
  symlinkSync(outside, join(workspace, 'link-out'));

  const check =
    (written: string, env: Record<string, string> = {}) =>
    () =>
      checkWorkingDirectory(
        { workingDirectory: resolve(workspace, written), mode: 'run' },
        { env, cwd: workspace, written },
      );

  it.each(['', '.', 'pkg', 'pkg/sub', '..dots', workspace])('takes %j', (written) => {
    expect(check(written)).not.toThrow();
  });

  it.each([
    [
      'does/not/exist',
      /'working-directory' has the value "does\/not\/exist": no such folder \(.*does\/not\/exist\); it must be a folder inside the workspace/,
    ],
    ['pyproject.toml', /"pyproject.toml": it is a file, not a folder/],
    ['..', /"\.\.": it is outside the workspace/],
    [outside, /it is outside the workspace; it must be a folder inside/],
    // A link out of the workspace is outside it too.
    ['link-out', /"link-out": it is outside the workspace/],
  ])('refuses %j', (written, message) => {
    expect(check(written)).toThrow(message);
  });

  it('takes the workspace from GITHUB_WORKSPACE when the runner sets it', () => {
    expect(check('pkg', { GITHUB_WORKSPACE: join(workspace, 'pkg') })).not.toThrow();
    expect(check('.', { GITHUB_WORKSPACE: join(workspace, 'pkg') })).toThrow(
      /it is outside the workspace.*inside the workspace \(GITHUB_WORKSPACE, .*pkg\)/,
    );
  });

  it('checks nothing in mode report, which tests no project', () => {
    expect(() =>
      checkWorkingDirectory(
        { workingDirectory: '/does/not/exist', mode: 'report' },
        { env: {}, cwd: workspace, written: '/does/not/exist' },
      ),
    ).not.toThrow();
  });
});
