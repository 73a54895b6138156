// Where report.json and the markdown go, and what chose the place: an error writing there names
// the setting to change (on a runner that is RUNNER_TEMP, which the user does not see in the workflow).
import { resolve } from 'node:path';

export interface OutputLocation {
  readonly directory: string;
  /** 'the environment variable RUNNER_TEMP', say. */
  readonly chosenBy: string;
}

export function outputLocation(options: {
  env: Readonly<Record<string, string | undefined>>;
  workingDirectory: string;
}): OutputLocation {
  const { env } = options;
  const given = env['CPV_OUTPUT_DIR'];
  if (given) return { directory: resolve(given), chosenBy: 'the environment variable CPV_OUTPUT_DIR' };
  const temp = env['RUNNER_TEMP'];
  // Outside the project's tree on a runner, so the base commit's worktree and git status stay clean.
  if (temp)
    return { directory: resolve(temp, 'cpython-variants'), chosenBy: 'the environment variable RUNNER_TEMP' };
  return {
    directory: resolve(options.workingDirectory, '.cpv'),
    chosenBy: "the input 'working-directory' (its .cpv folder)",
  };
}
