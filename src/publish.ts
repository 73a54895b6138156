// The report's ways out: report.json and the comment's markdown on disk, the log, the job summary,
// annotations at crashing tests, the sticky PR comment, a commit status (mode `report`), the
// outputs. Nothing here decides the step's outcome: a comment GitHub refused (a fork PR's
// read-only token) is a warning, and fail-on alone fails the step.
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';
import { commentMarker } from './domain/escape.js';
import type { FailOnRule } from './domain/findings.js';
import { renderComment, SUMMARY_LIMIT } from './domain/markdown.js';
import type { CrashRecord, Report, VariantReport } from './domain/report.js';
import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import type { CommentClient } from './ports.js';
import { ReportWriteError, writeReportFiles } from './report-files.js';
import type { World } from './world.js';

/** GitHub shows at most 10 error annotations per step; the summary lists the rest. */
const MAX_ANNOTATIONS = 10;

export interface Published {
  readonly reportPath: string;
  readonly markdownPath: string;
  readonly commentUrl: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function httpStatus(error: unknown): number | undefined {
  const status =
    typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The key of the hidden marker. The default (workflow/job) is the same in every leg of a matrix
 * job, so legs would overwrite each other's comment: in mode `run` it gets a short hash of what
 * tells legs apart (the variants, the runner's OS and architecture, the working directory). Change
 * one of those and the next run starts a new comment; a key given in `comment-key` is kept as is.
 */
export function commentKeyFor(options: {
  inputs: Pick<Inputs, 'commentKey' | 'mode' | 'variants' | 'workingDirectory'>;
  env: Readonly<Record<string, string | undefined>>;
}): string {
  const { inputs, env } = options;
  const fallback = [env['GITHUB_WORKFLOW'], env['GITHUB_JOB']].filter(Boolean).join('/') || 'default';
  if (inputs.commentKey !== fallback || inputs.mode !== 'run') return inputs.commentKey;
  const workspace = env['GITHUB_WORKSPACE'];
  const leg = {
    variants: inputs.variants.map((v) => v.name).sort(),
    os: env['RUNNER_OS'] ?? '',
    arch: env['RUNNER_ARCH'] ?? '',
    dir: workspace ? relative(workspace, inputs.workingDirectory) : inputs.workingDirectory,
  };
  const hash = createHash('sha256').update(JSON.stringify(leg)).digest('hex').slice(0, 8);
  return `${inputs.commentKey}@${hash}`;
}

function fullReportHint(context: RunContext): string {
  return context.runUrl
    ? `the full report is in the [job summary and report.json](${context.runUrl})`
    : 'the full report is in the job summary and report.json';
}

/** Where a crash points: the repository-relative path that annotations need, and the line. */
function crashLocation(options: {
  variant: VariantReport;
  crash: CrashRecord;
  workingDirectory: string;
  workspace: string | undefined;
}): { file?: string; startLine?: number } {
  const { crash, variant } = options;
  const testCase = variant.tests.cases.find((c) => c.id === crash.test);
  // A pytest node id starts with the file's path, relative to where the tests ran.
  const file = crash.file ?? testCase?.file ?? crash.test?.split('::')[0];
  const line = crash.line ?? testCase?.line;
  const located = line !== undefined ? { startLine: line } : {};
  if (!file) return located;
  const absolute = isAbsolute(file) ? file : join(options.workingDirectory, file);
  const root = options.workspace ?? options.workingDirectory;
  const inRepo = relative(root, absolute);
  return inRepo.startsWith('..') ? located : { file: inRepo, ...located };
}

function annotateCrashes(options: { world: World; inputs: Inputs; report: Report }): void {
  const { world, report } = options;
  const crashes = report.variants.flatMap((variant) =>
    variant.tests.crashes.map((crash) => ({ variant, crash })),
  );
  for (const { variant, crash } of crashes.slice(0, MAX_ANNOTATIONS)) {
    const what = crash.kind === 'timeout' ? 'hung' : `crashed with ${crash.signal ?? 'a Fatal Python error'}`;
    const reproduced = crash.reproduced ? ` (reproduced ${crash.reproduced} alone)` : '';
    const stack = crash.excerpt.split('\n').slice(-12).join('\n');
    world.toolkit.error(
      `${crash.test ?? 'The test command'} ${what} under ${variant.name}${reproduced}\n${stack}`,
      {
        title: `${variant.name}: ${crash.kind === 'timeout' ? 'hang' : (crash.signal ?? 'crash')}`,
        ...crashLocation({
          variant,
          crash,
          workingDirectory: options.inputs.workingDirectory,
          workspace: world.env['GITHUB_WORKSPACE'],
        }),
      },
    );
  }
  if (crashes.length > MAX_ANNOTATIONS) {
    world.toolkit.info(
      `${crashes.length - MAX_ANNOTATIONS} more crashes are not annotated (GitHub shows ${MAX_ANNOTATIONS} per step); the job summary lists them all`,
    );
  }
}

/** Why no comment is posted, or null when one should be. */
function noCommentReason(options: {
  inputs: Inputs;
  context: RunContext;
  cancelled: boolean;
}): { level: 'info' | 'warning'; text: string } | null {
  const { inputs, context } = options;
  // Its partial figures would replace the last whole comment, in seconds the runner may not give.
  if (options.cancelled)
    return {
      level: 'info',
      text: 'cancelled: no comment (the job summary and report.json have what finished)',
    };
  if (inputs.mode === 'measure') return { level: 'info', text: 'mode measure: report.json only, no comment' };
  if (inputs.comment === 'off') return { level: 'info', text: 'comment: off' };
  if (!context.pullRequest && context.workflowRun) {
    return {
      level: 'warning',
      text:
        `no comment: the workflow_run event names no pull request of this repository for ${context.workflowRun.headSha} ` +
        '(GitHub leaves workflow_run.pull_requests empty for a PR from a fork); the commit status and the job summary have the report',
    };
  }
  // The queue reads the verdict and the job summary; a comment on the PR would repeat its own check's.
  if (!context.pullRequest && context.mergeGroup) {
    return {
      level: 'info',
      text: 'merge queue: no comment (the job summary and the verdict are what the queue reads)',
    };
  }
  if (!context.pullRequest) return { level: 'info', text: 'not a pull request: no comment' };
  if (!inputs.githubToken) {
    return {
      level: 'warning',
      text: 'no github-token: the comment is not posted (the job summary has the report)',
    };
  }
  return null;
}

function refused(error: unknown, what: string): string {
  return httpStatus(error) === 403
    ? `the token may not write ${what} (a PR from a fork gets a read-only token; the README shows the split workflow). The job summary has the report.`
    : `${message(error)}. The job summary has the report.`;
}

async function postComment(options: {
  world: World;
  inputs: Inputs;
  context: RunContext;
  client: () => CommentClient;
  marker: string;
  body: string;
  cancelled: boolean;
}): Promise<string> {
  const { world, inputs, context } = options;
  const skip = noCommentReason({ inputs, context, cancelled: options.cancelled });
  if (skip) {
    world.toolkit[skip.level](skip.text);
    return '';
  }
  const pr = context.pullRequest;
  if (!pr || inputs.comment === 'off') return '';
  try {
    const posted = await options
      .client()
      .upsert({ pr, marker: options.marker, body: options.body, mode: inputs.comment });
    world.toolkit.info(`comment ${posted.action}: ${posted.url}`);
    return posted.url;
  } catch (error) {
    world.toolkit.warning(`the comment was not posted: ${refused(error, 'comments on this pull request')}`);
    return '';
  }
}

async function setStatus(options: {
  world: World;
  inputs: Inputs;
  context: RunContext;
  client: () => CommentClient;
  report: Report;
  target: { sha: string; name: string };
}): Promise<void> {
  const { world, context, report, target } = options;
  if (!context.repository) return world.toolkit.warning('no GITHUB_REPOSITORY: no commit status is set');
  if (!options.inputs.githubToken) return world.toolkit.warning('no github-token: no commit status is set');
  const incomplete = report.variants.length === 0;
  const description =
    report.verdict === 'pass'
      ? `passed: ${report.variants.length} variants, no finding fails the check`
      : `failed: ${report.verdictReasons.join('; ')}`;
  try {
    await options.client().setStatus({
      ...context.repository,
      sha: target.sha,
      state: incomplete ? 'error' : report.verdict === 'pass' ? 'success' : 'failure',
      context: target.name,
      description,
      ...(context.runUrl ? { targetUrl: context.runUrl } : {}),
    });
    world.toolkit.info(`commit status "${target.name}" set on ${target.sha}`);
  } catch (error) {
    world.toolkit.warning(`the commit status was not set: ${refused(error, 'commit statuses')}`);
  }
}

export async function publish(options: {
  world: World;
  inputs: Inputs;
  context: RunContext;
  report: Report;
  /** Mode `report`: a commit status on this sha, named `name`, says the verdict on the PR. */
  status?: { sha: string; name: string };
  /** Annotations point at files of the checkout: off where the tests ran elsewhere (mode `report`). */
  annotate?: 'crashes' | 'none';
}): Promise<Published> {
  const { world, inputs, context, report } = options;
  const key = commentKeyFor({ inputs, env: world.env });
  const marker = commentMarker(key);
  const hint = fullReportHint(context);
  const failOn = inputs.failOn as ReadonlySet<FailOnRule>;
  const markdown = renderComment(report, { marker, fullReportHint: hint, failOn });
  const summary = renderComment(report, {
    fullReportHint: `every sample is in report.json (the step's \`report\` output)`,
    failOn,
    limit: SUMMARY_LIMIT,
  });
  const files = writeReportFiles({
    location: { directory: inputs.outputDirectory, chosenBy: inputs.outputChosenBy },
    report,
    markdown,
    summary,
  });
  world.print(markdown);
  await world.toolkit.appendSummary(summary).catch((error: unknown) => {
    world.toolkit.warning(`could not write the job summary: ${message(error)}`);
  });
  if ((options.annotate ?? 'crashes') === 'crashes') annotateCrashes({ world, inputs, report });

  let client: CommentClient | undefined;
  const lazyClient = (): CommentClient =>
    (client ??= world.comments({ token: inputs.githubToken, apiUrl: context.apiUrl }));
  const commentUrl = await postComment({
    world,
    inputs,
    context,
    client: lazyClient,
    marker,
    body: markdown,
    cancelled: report.cancelled !== undefined,
  });
  if (options.status) {
    await setStatus({ world, inputs, context, client: lazyClient, report, target: options.status });
  }

  // An output file that refuses one output (a full disk again) keeps none of the others back.
  const failures = [...files.failures];
  const set = (name: string, value: string): void => {
    try {
      world.toolkit.setOutput(name, value);
    } catch (error) {
      failures.push(`could not set the output ${name}: ${message(error)}`);
    }
  };
  set('report', files.reportPath ?? '');
  set('markdown', files.markdownPath ?? '');
  set('verdict', report.verdict);
  set(
    'crashes',
    String(
      report.variants.reduce((n, v) => n + v.tests.crashes.filter((c) => c.kind !== 'timeout').length, 0),
    ),
  );
  // As fail-on reads it: a regression is always this commit against the PR's base.
  set(
    'regressions',
    String(report.findings.filter((f) => f.kind === 'regression' && f.against === 'base').length),
  );
  set('comment-url', commentUrl);
  // Only now: a file that could not be written (a full disk) keeps none of the rest from going out.
  if (files.reportPath === null || failures.length > 0) throw new ReportWriteError(failures);
  return { reportPath: files.reportPath, markdownPath: files.markdownPath ?? '', commentUrl };
}
