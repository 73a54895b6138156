import { setTimeout as sleep } from 'node:timers/promises';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { CommentClient, CommentResult, PullRequestRef } from '../ports.js';

export interface GitHubCommentClientOptions {
  readonly token: string;
  /** REST API root. Default https://api.github.com; GitHub Enterprise Server uses https://HOST/api/v3. */
  readonly baseUrl?: string;
  readonly userAgent?: string;
  /** Further attempts after a 5xx, a network error or a rate limit. Default 3. */
  readonly retries?: number;
  /** Unit of the back-off: attempt n waits n² units (and a rate limit its reset time in units of seconds). Default 1000. */
  readonly retryDelayMs?: number;
  readonly log?: (message: string) => void;
}

/** A failed GitHub call. `status` lets the caller treat 403 (a fork's read-only token) as a warning. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  /** The HTTP status GitHub answered; undefined when no answer came (network error, timeout). */
  readonly status: number | undefined;

  constructor(options: { readonly what: string; readonly cause: unknown }) {
    const status = answeredStatus(options.cause);
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${options.what} failed: ${status === undefined ? '' : `HTTP ${status}: `}${reason}`, {
      cause: options.cause,
    });
    this.status = status;
  }
}

type Octokit = ReturnType<typeof getOctokit>;
type IssueComment = Awaited<ReturnType<Octokit['rest']['issues']['listComments']>>['data'][number];

// GitHub refuses longer comment bodies with a 422; saying so here names the real problem.
const MAX_BODY_CHARS = 65_536;
// GitHub's limit for a commit status description.
const MAX_STATUS_DESCRIPTION = 140;
// The default GITHUB_TOKEN is an installation token: GET /user refuses it, and it writes as this account.
const ACTIONS_LOGIN = 'github-actions[bot]';
// A primary rate limit can take up to an hour to reset: not worth holding a runner for.
const MAX_RATE_LIMIT_WAIT_S = 120;

let instances = 0;

export class GitHubCommentClient implements CommentClient {
  private readonly octokit: Octokit;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly log: (message: string) => void;
  private login: Promise<string> | undefined;

  constructor(options: GitHubCommentClientOptions) {
    if (options.token === '') throw new Error('github-token is empty: the comment and status need a token');
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.log = options.log ?? (() => {});
    const log = this.log;
    const retries = this.retries;
    const onLimit =
      (kind: string) =>
      (retryAfter: number, request: { method: string; url: string }, _: unknown, count: number) => {
        const again = count < retries && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
        log(
          `GitHub ${kind} on ${request.method} ${request.url}: ${again ? `retrying after ${retryAfter} s` : 'giving up'}`,
        );
        return again;
      };
    instances += 1;
    this.octokit = getOctokit(
      options.token,
      {
        baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
        userAgent: options.userAgent ?? 'cpython-variants',
        log: { debug: () => {}, info: () => {}, warn: log, error: log },
        retry: { retries, retryAfterBaseValue: this.retryDelayMs },
        throttle: {
          // The plugin's pacing queues are process-wide and keyed by id: one key per client keeps
          // two clients (two runs in one test process) from queueing behind each other.
          id: `cpython-variants-${instances}`,
          retryAfterBaseValue: this.retryDelayMs,
          onRateLimit: onLimit('rate limit'),
          onSecondaryRateLimit: onLimit('secondary rate limit'),
        },
      },
      retry,
      throttling,
    );
  }

  async upsert(options: {
    pr: PullRequestRef;
    marker: string;
    body: string;
    mode: 'update' | 'new';
  }): Promise<CommentResult> {
    const { pr, marker, mode } = options;
    if (!marker.startsWith('<!--') || marker.indexOf('-->') !== marker.length - 3) {
      throw new Error(`the comment marker must be one HTML comment, got ${JSON.stringify(marker)}`);
    }
    const body = options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`;
    const where = `${pr.owner}/${pr.repo}#${pr.number}`;
    if (body.length > MAX_BODY_CHARS) {
      throw new Error(
        `the comment for ${where} has ${body.length} characters; GitHub allows ${MAX_BODY_CHARS}`,
      );
    }
    const marked = await this.markedComments({ pr, marker });
    if (mode === 'update') {
      const mine = await this.pick(marked);
      // An edit that changes nothing would still mark the comment edited and cost a write.
      if (mine?.body === body) return { url: mine.html_url, action: 'updated' };
      if (mine !== undefined) {
        const updated = await this.update({ pr, id: mine.id, body });
        if (updated !== undefined) return { url: updated, action: 'updated' };
      }
    }
    return this.create({ pr, marker, body, before: new Set(marked.map((c) => c.id)) });
  }

  async findPullRequest(options: {
    owner: string;
    repo: string;
    headLabel: string;
    headSha: string;
  }): Promise<(PullRequestRef & { baseSha: string; headSha: string }) | null> {
    const pulls = await this.call(
      `looking up the open pull request of ${options.headLabel} in ${options.owner}/${options.repo}`,
      () =>
        this.octokit.rest.pulls.list({
          owner: options.owner,
          repo: options.repo,
          head: options.headLabel,
          state: 'open',
          per_page: 100,
        }),
    );
    // The branch may have moved on since the measured commit: only the PR at that commit counts.
    const pr = pulls.data.find((p) => p.head.sha === options.headSha);
    if (pr === undefined) return null;
    return {
      owner: options.owner,
      repo: options.repo,
      number: pr.number,
      baseSha: pr.base.sha,
      headSha: pr.head.sha,
    };
  }

  async setStatus(options: {
    owner: string;
    repo: string;
    sha: string;
    state: 'success' | 'failure' | 'error' | 'pending';
    context: string;
    description: string;
    targetUrl?: string;
  }): Promise<void> {
    const description =
      options.description.length > MAX_STATUS_DESCRIPTION
        ? `${options.description.slice(0, MAX_STATUS_DESCRIPTION - 1)}…`
        : options.description;
    // A repeated status for the same context replaces the earlier one, so the plugin's retries are safe here.
    await this.call(
      `setting the commit status "${options.context}" on ${options.owner}/${options.repo}@${options.sha}`,
      () =>
        this.octokit.rest.repos.createCommitStatus({
          owner: options.owner,
          repo: options.repo,
          sha: options.sha,
          state: options.state,
          context: options.context,
          description,
          ...(options.targetUrl === undefined ? {} : { target_url: options.targetUrl }),
        }),
    );
  }

  private async markedComments(options: { pr: PullRequestRef; marker: string }): Promise<IssueComment[]> {
    const { pr } = options;
    const all = await this.call(`listing the comments of ${pr.owner}/${pr.repo}#${pr.number}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.number,
        per_page: 100,
      }),
    );
    return all.filter((comment) => comment.body?.includes(options.marker) === true);
  }

  /**
   * Our comment: one with the marker by the token's own account, the newest (the one readers
   * see). The marker is predictable, so anyone could post it before our first run; a marked
   * comment by anyone else is left alone, never edited.
   */
  private async pick(marked: readonly IssueComment[]): Promise<IssueComment | undefined> {
    if (marked.length === 0) return undefined;
    const me = await this.whoAmI();
    const mine = marked.filter((comment) => comment.user?.login === me);
    const others = [
      ...new Set(marked.filter((c) => !mine.includes(c)).map((c) => c.user?.login ?? 'unknown')),
    ];
    if (others.length > 0) {
      this.log(`left alone the comments with the marker by ${others.join(', ')}: only ${me}'s are ours`);
    }
    return mine.at(-1);
  }

  /**
   * The token's login. An installation token (the default GITHUB_TOKEN) cannot ask GET /user and
   * writes as github-actions[bot]; a personal token is answered with its owner.
   */
  private whoAmI(): Promise<string> {
    this.login ??= this.octokit.rest.users.getAuthenticated().then(
      (response) => response.data.login,
      (error: unknown) => {
        this.log(
          `GET /user refused this token (${errorMessage(error)}): taking it for GITHUB_TOKEN, ${ACTIONS_LOGIN}`,
        );
        return ACTIONS_LOGIN;
      },
    );
    return this.login;
  }

  /** Returns the comment's URL, or undefined when it was deleted since we listed it. */
  private async update(options: {
    pr: PullRequestRef;
    id: number;
    body: string;
  }): Promise<string | undefined> {
    const { pr } = options;
    try {
      const response = await this.octokit.rest.issues.updateComment({
        owner: pr.owner,
        repo: pr.repo,
        comment_id: options.id,
        body: options.body,
      });
      return response.data.html_url;
    } catch (error) {
      if (answeredStatus(error) === 404) return undefined;
      throw new GitHubApiError({
        what: `updating comment ${options.id} on ${pr.owner}/${pr.repo}#${pr.number}`,
        cause: error,
      });
    }
  }

  /**
   * Creating is not idempotent: a 502 can come back for a comment GitHub did write. So the
   * plugin's blind retry is off for this call, and before each new attempt we look for a marked
   * comment that was not there before.
   */
  private async create(options: {
    pr: PullRequestRef;
    marker: string;
    body: string;
    before: ReadonlySet<number>;
  }): Promise<CommentResult> {
    const { pr } = options;
    const what = `creating the comment on ${pr.owner}/${pr.repo}#${pr.number}`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await this.octokit.rest.issues.createComment({
          owner: pr.owner,
          repo: pr.repo,
          issue_number: pr.number,
          body: options.body,
          request: { retries: 0 },
        });
        return { url: response.data.html_url, action: 'created' };
      } catch (error) {
        if (!mayHaveLanded(error) || attempt > this.retries) throw new GitHubApiError({ what, cause: error });
        this.log(`${what} failed (${errorMessage(error)}); checking whether it landed before trying again`);
      }
      await sleep(attempt * attempt * this.retryDelayMs);
      const me = await this.whoAmI();
      const landed = (await this.markedComments(options)).filter(
        (comment) => !options.before.has(comment.id) && comment.user?.login === me,
      );
      const newest = landed.at(-1);
      if (newest !== undefined) return { url: newest.html_url, action: 'created' };
    }
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new GitHubApiError({ what, cause: error });
    }
  }
}

/** The status of an HTTP answer; octokit also reports network errors as 500, but without a response. */
function answeredStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if (!('status' in error) || typeof error.status !== 'number') return undefined;
  if (!('response' in error) || error.response === undefined) return undefined;
  return error.status;
}

/** A 5xx or a request that got no answer: GitHub may or may not have applied it. */
function mayHaveLanded(error: unknown): boolean {
  const fromRequest = typeof error === 'object' && error !== null && 'status' in error;
  const status = answeredStatus(error);
  return fromRequest && (status === undefined || status >= 500);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
