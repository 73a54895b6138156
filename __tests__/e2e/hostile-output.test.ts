// Tested code that speaks to the runner, through the action as shipped (node dist/index.js) on a
// real 3.13: what it prints is quoted in stop-commands blocks, so the runner obeys none of it and
// still obeys the action's own annotations after it; and it is told of no folder of the action's.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import { realInterpreters } from '../helpers/interpreters.js';
import { obeyedCommands, quotedLines } from '../helpers/runner-commands.js';

const HOSTILE = ['::error::x', '::stop-commands::t', '::add-mask::y', '##[error]w', '::warning::z'];
const SEEN = [
  'RUNNER_TEMP',
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'CPV_OUTPUT_DIR',
  'GITHUB_TOKEN',
];

/**
 * A project whose test command prints workflow commands, records what it was told, and fails (so
 * that the action has an annotation of its own to make after it). A plain script, not pytest:
 * what it prints reaches the log live either way, and it needs no test tools.
 */
function hostileProject(seenFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-hostile-'));
  writeFileSync(
    join(dir, 'hostile.py'),
    [
      'import json, os, pathlib, sys',
      '',
      ...HOSTILE.map((line) => `print(${JSON.stringify(line)}, flush=True)`),
      `seen = {k: os.environ.get(k) for k in ${JSON.stringify(SEEN)}}`,
      `pathlib.Path(${JSON.stringify(seenFile)}).write_text(json.dumps(seen))`,
      'sys.exit(1)',
      '',
    ].join('\n'),
  );
  return dir;
}

const python = realInterpreters()?.['3.13'];
describe.skipIf(python === undefined)(
  `hostile test output (node dist/index.js)${python ? '' : ' (skipped: no real 3.13; run scripts/provision.sh)'}`,
  () => {
    it('changes nothing the runner does, and the tested code gets a RUNNER_TEMP of its own', async () => {
      const runnerTemp = mkdtempSync(join(tmpdir(), 'cpv-runner-temp-'));
      const commands = join(runnerTemp, '_runner_file_commands');
      mkdirSync(commands);
      const outputFile = join(commands, 'set_output_1');
      const summaryFile = join(commands, 'step_summary_1');
      for (const file of [outputFile, summaryFile]) writeFileSync(file, '');
      const workFolder = join(runnerTemp, 'cpython-variants');
      const seenFile = join(mkdtempSync(join(tmpdir(), 'cpv-seen-')), 'seen.json');

      const run = await runAction({
        cwd: hostileProject(seenFile),
        inputs: {
          variants: '3.13',
          interpreters: `3.13=${python}`,
          'install-command': 'true',
          'test-command': 'python hostile.py',
          'startup-imports': 'json',
          'measure-minutes': '0.1',
          'compare-base': 'false',
          comment: 'off',
        },
        env: {
          RUNNER_TEMP: runnerTemp,
          CPV_OUTPUT_DIR: workFolder,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summaryFile,
          GITHUB_TOKEN: 'ghs_not_for_the_tests',
        },
      });

      // The runner obeys only the action's own commands: its fences, groups and annotations.
      const obeyed = obeyedCommands(run.stdout);
      expect(obeyed.map((c) => c.name).filter((n) => !/^[0-9a-f]{32}$/.test(n))).not.toContain('add-mask');
      for (const c of obeyed.filter((c) => c.name === 'stop-commands')) {
        expect(c.data).toMatch(/^[0-9a-f]{32}$/);
        // Each block is closed again: the runner is not left deaf.
        expect(obeyed.some((r) => r.name === c.data)).toBe(true);
      }
      const errors = obeyed.filter((c) => c.name === 'error').map((c) => c.data);
      expect(errors).not.toContain('x');
      expect(obeyed.filter((c) => c.name === 'warning').map((c) => c.data)).not.toContain('z');
      // The action's own failure, after the tested code spoke, is still an annotation.
      expect(errors.at(-1)).toMatch(/^cpython-variants: fail-on new-failure: 1 finding \(3\.13\)$/);
      // What the tested code printed is in the log, as text inside a stop-commands block.
      const quoted = quotedLines(run.stdout);
      for (const line of HOSTILE) expect(quoted).toContain(line);
      expect(run.exitCode).toBe(1);
      // CPV_OUTPUT_DIR is the work folder here, as RUNNER_TEMP/cpython-variants is on a runner.
      const report = JSON.parse(readFileSync(join(workFolder, 'report.json'), 'utf8')) as { verdict: string };
      expect(report.verdict).toBe('fail');
      expect(readFileSync(outputFile, 'utf8')).toMatch(/^verdict<<(.+)\nfail\n\1$/m);

      // Its RUNNER_TEMP is an empty folder made for it, not the runner's; the work folder is not in it.
      const seen = JSON.parse(readFileSync(seenFile, 'utf8')) as Record<string, string | null>;
      const testedTemp = seen['RUNNER_TEMP'] ?? '';
      expect(testedTemp).not.toBe(runnerTemp);
      expect(dirname(testedTemp)).toBe(runnerTemp);
      expect(existsSync(testedTemp)).toBe(true);
      expect(relative(testedTemp, workFolder)).toMatch(/^\.\./);
      expect(Object.entries(seen).filter(([k, v]) => k !== 'RUNNER_TEMP' && v !== null)).toEqual([]);
    });
  },
);
