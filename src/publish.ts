// The report's ways out: report.json and the markdown on disk, the log, the job summary, the
// sticky PR comment, the outputs.
import { commentMarker } from './domain/escape.js';
import { renderComment } from './domain/markdown.js';
import type { Report } from './domain/report.js';
import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import { writeReportFiles } from './report-files.js';
import type { World } from './run.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function publish(options: {
  world: World;
  inputs: Inputs;
  context: RunContext;
  report: Report;
}): Promise<{ reportPath: string; commentUrl: string }> {
  const { world, inputs, context, report } = options;
  const marker = commentMarker(inputs.commentKey);
  const hint = context.runUrl
    ? `full report: report.json in [this run](${context.runUrl})`
    : 'full report: report.json';
  const markdown = renderComment(report, { marker, fullReportHint: hint });
  const files = writeReportFiles({ dir: inputs.outputDirectory, report, markdown });
  world.print(markdown);
  await world.toolkit.appendSummary(markdown).catch((error: unknown) => {
    world.toolkit.warning(`could not write the job summary: ${message(error)}`);
  });
  let commentUrl = '';
  if (inputs.mode !== 'measure' && inputs.comment !== 'off' && context.pullRequest) {
    if (!inputs.githubToken)
      world.toolkit.warning('no github-token: the comment is not posted (the job summary has it)');
    else {
      try {
        const client = world.comments({ token: inputs.githubToken, apiUrl: context.apiUrl });
        const posted = await client.upsert({
          pr: context.pullRequest,
          marker,
          body: markdown,
          mode: inputs.comment,
        });
        commentUrl = posted.url;
        world.toolkit.info(`comment ${posted.action}: ${posted.url}`);
      } catch (error) {
        const status = (error as { status?: number }).status;
        const why =
          status === 403
            ? 'the token cannot write to this pull request (a fork PR has a read-only token; see the README for the split workflow)'
            : message(error);
        world.toolkit.warning(`the comment was not posted: ${why}. The job summary has the report.`);
      }
    }
  }
  const set = world.toolkit.setOutput.bind(world.toolkit);
  set('report', files.reportPath);
  set('markdown', files.markdownPath);
  set('verdict', report.verdict);
  set('crashes', String(report.variants.reduce((n, v) => n + v.tests.crashes.length, 0)));
  set('regressions', String(report.findings.filter((f) => f.kind === 'regression').length));
  set('comment-url', commentUrl);
  return { reportPath: files.reportPath, commentUrl };
}
