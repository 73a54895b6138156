import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testedEnvironment } from '../src/tested-environment.js';

describe('testedEnvironment', () => {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'cpv-runner-temp-'));
  const commands = join(runnerTemp, '_runner_file_commands');
  const env = {
    PATH: '/usr/bin',
    RUNNER_TEMP: runnerTemp,
    GITHUB_TOKEN: 'ghs_x',
    INPUT_GITHUB_TOKEN: 'ghs_x',
    GITHUB_OUTPUT: join(commands, 'set_output_1'),
    GITHUB_STEP_SUMMARY: join(commands, 'step_summary_1'),
    GITHUB_ENV: join(commands, 'set_env_1'),
    GITHUB_PATH: join(commands, 'add_path_1'),
    GITHUB_STATE: join(commands, 'save_state_1'),
    // A file command under a name a future runner might use.
    GITHUB_SOMETHING_NEW: join(commands, 'something_1'),
    CPV_OUTPUT_DIR: join(runnerTemp, 'cpython-variants'),
    MY_SETTING: 'kept',
  };

  it('gives the tested code a RUNNER_TEMP of its own, empty, not the runner one', () => {
    const clean = testedEnvironment(env);
    expect(clean['RUNNER_TEMP']).not.toBe(runnerTemp);
    expect(dirname(clean['RUNNER_TEMP']!)).toBe(runnerTemp);
    expect(readdirSync(clean['RUNNER_TEMP']!)).toEqual([]);
    expect(testedEnvironment(env)['RUNNER_TEMP']).not.toBe(clean['RUNNER_TEMP']);
  });

  it('names no file command, token or work folder of the action', () => {
    const clean = testedEnvironment(env);
    expect(Object.keys(clean).sort()).toEqual(['MY_SETTING', 'PATH', 'RUNNER_TEMP']);
    expect(Object.values(clean).some((v) => v.includes('_runner_file_commands'))).toBe(false);
  });

  it('makes its folder in the system temp folder where there is no RUNNER_TEMP (a local run)', () => {
    const clean = testedEnvironment({ PATH: '/usr/bin' });
    expect(dirname(clean['RUNNER_TEMP']!)).toBe(tmpdir());
    expect(existsSync(clean['RUNNER_TEMP']!)).toBe(true);
  });
});
