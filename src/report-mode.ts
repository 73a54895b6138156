// Mode `report`: the report.json files of `mode: measure` jobs (a matrix, or the fork-safe half
// of the split workflow, fetched with actions/download-artifact) become one comment and one commit
// status on the PR's head. The files may come from a fork's workflow: each is checked against the
// schema, and the PR and the commit come only from GitHub's event payload, never from the files.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import * as glob from '@actions/glob';
import type { FailOnRule } from './domain/findings.js';
import { mergeReports, parseReport, type LabelledReport } from './domain/merge.js';
import type { Report } from './domain/report.js';
import { wellFormedReport } from './domain/well-formed.js';
import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import { commentKeyFor, publish } from './publish.js';
import type { RunResult, World } from './world.js';

// A report of every sample from a long matrix leg is a few MB; far more is not one of ours.
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The files that `reports` names: paths, globs, or folders (download-artifact's layout: NAME/report.json). */
async function findReports(options: {
  patterns: readonly string[];
  cwd: string;
}): Promise<{ files: string[]; errors: string[] }> {
  const files: string[] = [];
  const errors: string[] = [];
  for (const pattern of options.patterns) {
    const path = resolve(options.cwd, pattern);
    const isFolder = existsSync(path) && statSync(path).isDirectory();
    const globber = await glob.create(isFolder ? `${path}/**/report.json` : path, {
      matchDirectories: false,
      followSymbolicLinks: false,
      implicitDescendants: false,
    });
    const found = (await globber.glob()).sort();
    if (found.length === 0) {
      errors.push(
        `Input 'reports' has the value ${JSON.stringify(pattern)}: it matches no file (looked from ${options.cwd})`,
      );
    }
    for (const file of found) if (!files.includes(file)) files.push(file);
  }
  return { files, errors };
}

/** A leg's name: the artifact's folder for NAME/report.json, else the file's name; the path where those repeat. */
function labelsFor(files: readonly string[], cwd: string): string[] {
  const short = files.map((f) =>
    basename(f) === 'report.json' && dirname(f) !== cwd ? basename(dirname(f)) : basename(f, extname(f)),
  );
  return files.map((f, i) => {
    const label = short[i] ?? f;
    return short.indexOf(label) === short.lastIndexOf(label) ? label : relative(cwd, f);
  });
}

function readReports(options: { files: readonly string[]; cwd: string }): {
  reports: LabelledReport[];
  errors: string[];
} {
  const labels = labelsFor(options.files, options.cwd);
  const reports: LabelledReport[] = [];
  const errors: string[] = [];
  options.files.forEach((file, i) => {
    const shown = relative(options.cwd, file) || file;
    try {
      const size = statSync(file).size;
      if (size > MAX_REPORT_BYTES)
        throw new Error(`${shown} has ${size} bytes, more than a report.json can have`);
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`${shown} is not JSON: ${message(error)}`, { cause: error });
      }
      reports.push({ label: labels[i] ?? shown, report: parseReport(value, shown) });
    } catch (error) {
      errors.push(message(error));
    }
  });
  return { reports, errors };
}

/** A report measured on another commit than the one this run is about is stale: say so. */
function staleReports(options: { reports: readonly LabelledReport[]; sha: string | null }): string[] {
  const { sha } = options;
  if (sha === null) return [];
  return options.reports
    .filter((r) => r.report.commit.head !== null && r.report.commit.head !== sha)
    .map(
      (r) =>
        `${r.label} was measured on ${r.report.commit.head}, not on ${sha}, the commit this run reports on (an artifact of another run?)`,
    );
}

/** The commit the status goes on, from the event alone: a report file could name any commit. */
function trustedHead(context: RunContext): string | null {
  return context.workflowRun?.headSha ?? context.pullRequest?.headSha ?? null;
}

/**
 * GitHub names no pull request in a `workflow_run` from a fork, so the PR is looked up by the
 * head branch, and only the one whose head is the commit GitHub says was measured counts: the
 * reports themselves (written by the fork's code) never decide where the comment goes.
 */
async function withForkPullRequest(options: {
  world: World;
  inputs: Inputs;
  context: RunContext;
}): Promise<RunContext> {
  const { world, inputs, context } = options;
  const run = context.workflowRun;
  if (context.pullRequest || !run || !context.repository || inputs.comment === 'off' || !inputs.githubToken) {
    return context;
  }
  const forkOwner = run.headRepository?.split('/')[0];
  if (!forkOwner || !run.headBranch || run.event !== 'pull_request') return context;
  try {
    const pr = await world.comments({ token: inputs.githubToken, apiUrl: context.apiUrl }).findPullRequest({
      ...context.repository,
      headLabel: `${forkOwner}:${run.headBranch}`,
      headSha: run.headSha,
    });
    if (pr)
      world.toolkit.info(
        `workflow_run names no pull request; found #${pr.number} by its head ${forkOwner}:${run.headBranch}`,
      );
    return pr ? { ...context, pullRequest: pr } : context;
  } catch (error) {
    world.toolkit.warning(
      `could not look up the pull request of ${forkOwner}:${run.headBranch}: ${message(error)}`,
    );
    return context;
  }
}

export async function runReportMode(options: {
  world: World;
  inputs: Inputs;
  context: RunContext;
}): Promise<RunResult> {
  const { world, inputs } = options;
  const context = await withForkPullRequest(options);
  const head = trustedHead(context);
  let report: Report;
  try {
    const found = await findReports({ patterns: inputs.reports, cwd: world.cwd });
    const read = readReports({ files: found.files, cwd: world.cwd });
    world.toolkit.info(
      `merging ${read.reports.length} report(s): ${read.reports.map((r) => r.label).join(', ')}`,
    );
    report = wellFormedReport(
      mergeReports({
        reports: read.reports,
        failOn: inputs.failOn as ReadonlySet<FailOnRule>,
        generatedAt: new Date().toISOString(),
        threshold: inputs.threshold,
        errors: [...found.errors, ...read.errors, ...staleReports({ reports: read.reports, sha: head })],
      }),
    );
  } catch (error) {
    world.toolkit.setFailed(`cpython-variants could not read the reports: ${message(error)}`);
    return { report: null, reportPath: null, failed: true };
  }
  if (head === null) {
    world.toolkit.warning('no commit status: this run is neither a workflow_run nor a pull_request event');
  }
  let reportPath: string | null = null;
  try {
    const key = commentKeyFor({ inputs, env: world.env });
    const published = await publish({
      world,
      inputs,
      context,
      report,
      annotate: 'none',
      ...(head !== null ? { status: { sha: head, name: `cpython-variants: ${key.slice(0, 100)}` } } : {}),
    });
    reportPath = published.reportPath;
  } catch (error) {
    world.toolkit.setFailed(`cpython-variants could not write its report: ${message(error)}`);
    return { report, reportPath, failed: true };
  }
  for (const e of report.errors) world.toolkit.error(e);
  if (report.verdict === 'fail') {
    world.toolkit.setFailed(`cpython-variants: ${report.verdictReasons.join('; ')}`);
    return { report, reportPath, failed: true };
  }
  return { report, reportPath, failed: false };
}
