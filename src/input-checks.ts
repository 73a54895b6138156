// Refusals that need the file system, so they cannot live in parseInputs (which the tests call
// with made-up folders): made right after it, before any work starts, with the same InputError.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { InputError, type Inputs } from './inputs.js';

function realFolder(path: string): string | null {
  try {
    return statSync(path).isDirectory() ? realpathSync(path) : null;
  } catch {
    return null;
  }
}

/**
 * `working-directory` must be a folder inside the workspace (GITHUB_WORKSPACE, else the folder
 * the action runs in): a missing one made venvs and then an install that "exited with 127" with
 * no text, and passed; a file gave "spawn ENOTDIR" without naming the input.
 */
export function checkWorkingDirectory(
  inputs: Pick<Inputs, 'workingDirectory' | 'mode'>,
  context: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly cwd: string;
    /** The input as written, for the message. */
    readonly written: string;
  },
): void {
  // Mode report merges files: it tests no project.
  if (inputs.mode === 'report') return;
  const path = inputs.workingDirectory;
  const written = context.written || '.';
  const shown = written === path ? '' : ` (${path})`;
  const workspaceVariable = context.env['GITHUB_WORKSPACE'];
  const workspace = realFolder(workspaceVariable || context.cwd) ?? (workspaceVariable || context.cwd);
  const where = workspaceVariable
    ? `the workspace (GITHUB_WORKSPACE, ${workspace})`
    : `the workspace (${workspace})`;
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError(
      'working-directory',
      written,
      `no such folder${shown}; it must be a folder inside ${where}`,
    );
  }
  if (!stat.isDirectory())
    throw new InputError(
      'working-directory',
      written,
      `it is a file, not a folder${shown}; it must be a folder inside ${where}`,
    );
  const inside = relative(workspace, realpathSync(path));
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new InputError(
      'working-directory',
      written,
      `it is outside the workspace${shown}; it must be a folder inside ${where}`,
    );
}
