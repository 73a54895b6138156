// A way out that fails keeps none of the others back: the step fails after all were tried.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunContext } from '../src/context.js';
import { parseInputs } from '../src/inputs.js';
import { publish } from '../src/publish.js';
import { report, variant } from './helpers/reports.js';
import { quietToolkit } from './helpers/toolkit.js';

describe('publish', () => {
  it('sets every other output and writes the summary when the output file refuses one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpv-publish-'));
    const env = { CPV_OUTPUT_DIR: join(dir, 'out') };
    const read = (name: string): string => (name === 'variants' ? '3.13' : '');
    const outputs: string[] = [];
    const summaries: string[] = [];
    const toolkit = quietToolkit({
      setOutput: (name) => {
        if (name === 'report') throw new Error('ENOSPC: no space left on device, write');
        outputs.push(name);
      },
      appendSummary: async (markdown) => void summaries.push(markdown),
    });
    const published = publish({
      world: {
        runner: { run: () => Promise.reject(new Error('no process may start')) },
        toolkit,
        cache: { kind: 'none', restore: async () => undefined, save: async () => {} },
        comments: () => {
          throw new Error('no client may be built');
        },
        env,
        cwd: dir,
        read,
        print: () => {},
      },
      inputs: parseInputs(read, { env, cwd: dir }),
      context: readRunContext(env),
      report: report({ variants: [variant('3.13')] }),
    });
    await expect(published).rejects.toThrow(
      'could not set the output report: ENOSPC: no space left on device, write',
    );
    expect(outputs).toEqual(['markdown', 'verdict', 'crashes', 'regressions', 'comment-url']);
    expect(summaries).toHaveLength(1);
    expect(existsSync(join(dir, 'out', 'report.json'))).toBe(true);
  });
});
