// A refused input still leaves report.json (the error, no variants) and the `report`, `markdown`
// and `verdict` outputs: a matrix leg's upload-artifact then has a file to upload, and the
// `mode: report` job can say which leg failed and why.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readRunContext } from './context.js';
import { renderComment } from './domain/markdown.js';
import { refusalReport } from './domain/refusal.js';
import type { Report } from './domain/report.js';
import { InputError } from './inputs.js';
import { outputLocation } from './output-location.js';
import { writeReportFiles } from './report-files.js';
import type { World } from './world.js';

/** Writes what it can and sets the outputs; a file that cannot be written is a warning (the refusal is the error). */
export async function reportRefusal(options: {
  world: World;
  error: unknown;
  message: string;
}): Promise<{ report: Report; reportPath: string | null }> {
  const { world, error } = options;
  const context = readRunContext(world.env);
  const report = refusalReport({
    message: options.message,
    input: error instanceof InputError ? error.input : null,
    value: error instanceof InputError ? error.value : null,
    head: context.mergeGroup?.headSha ?? context.pullRequest?.headSha ?? context.sha,
    generatedAt: new Date().toISOString(),
  });
  // The working-directory input may be the refused one: its .cpv only where it is a folder.
  const given = resolve(world.cwd, world.read('working-directory').trim() || '.');
  const workingDirectory = existsSync(given) && statSync(given).isDirectory() ? given : world.cwd;
  const markdown = renderComment(report, { fullReportHint: 'report.json has the error' });
  const files = writeReportFiles({
    location: outputLocation({ env: world.env, workingDirectory }),
    report,
    markdown,
    summary: markdown,
  });
  for (const failure of files.failures) world.toolkit.warning(`cpython-variants ${failure}`);
  await world.toolkit.appendSummary(markdown).catch((summaryError: unknown) => {
    world.toolkit.warning(`could not write the job summary: ${String(summaryError)}`);
  });
  world.toolkit.setOutput('report', files.reportPath ?? '');
  world.toolkit.setOutput('markdown', files.markdownPath ?? '');
  world.toolkit.setOutput('verdict', report.verdict);
  return { report, reportPath: files.reportPath };
}
