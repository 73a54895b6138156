// A fake of the slice of GitHub's REST API the action uses, on 127.0.0.1, speaking the real shapes:
// pagination through `Link` headers, 201s with the created resource, GitHub's error bodies, 403
// for a fork's read-only token and for GET /user with an installation token. Tests script faults
// (a 502 on a create that GitHub did apply, a reset connection, a rate limit) and read back every
// call the client made.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

export interface FakeToken {
  readonly user: FakeUser;
  /** 'read' is a fork PR's GITHUB_TOKEN: writes answer 403. */
  readonly permission: 'read' | 'write';
  /** Installation tokens (GITHUB_TOKEN, apps) are refused by GET /user. */
  readonly kind: 'installation' | 'personal';
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const ALICE: FakeUser = { login: 'alice', id: 1001, type: 'User' };
export const BOB: FakeUser = { login: 'bob', id: 1002, type: 'User' };

export const TOKENS = {
  actions: 'ghs_actions_write',
  forkReadOnly: 'ghs_fork_read_only',
  alice: 'ghp_alice',
} as const;

const DEFAULT_TOKENS: Readonly<Record<string, FakeToken>> = {
  [TOKENS.actions]: { user: ACTIONS_BOT, permission: 'write', kind: 'installation' },
  [TOKENS.forkReadOnly]: { user: ACTIONS_BOT, permission: 'read', kind: 'installation' },
  [TOKENS.alice]: { user: ALICE, permission: 'write', kind: 'personal' },
};

export interface PullRequest {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

export interface StoredComment {
  readonly id: number;
  readonly node_id: string;
  readonly url: string;
  readonly html_url: string;
  readonly issue_url: string;
  body: string;
  readonly user: FakeUser;
  readonly created_at: string;
  updated_at: string;
  readonly author_association: string;
}

export interface StoredStatus {
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description: string | null;
  readonly target_url: string | null;
  readonly creator: FakeUser;
}

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The token sent, whichever scheme (`token X` or `Bearer X`). */
  readonly token: string | undefined;
  /** What the client was answered; 0 when the connection was reset instead. */
  status: number;
}

export type FaultAnswer =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | 'connection-reset';

export interface Fault {
  readonly method: string;
  readonly path: RegExp;
  readonly answer: FaultAnswer;
  /** How many matching requests get it. Default 1. */
  readonly times?: number;
  /** 'applied': the request takes effect and only the answer is lost, like a proxy 502 after the write. Default 'dropped'. */
  readonly effect?: 'applied' | 'dropped';
}

/** GitHub's answer when the primary rate limit is spent and resets now. */
export function rateLimitAnswer(): FaultAnswer {
  return {
    status: 403,
    headers: {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '1000',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
    },
    body: JSON.stringify({
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    }),
  };
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly token: FakeToken | undefined;
}

const ISSUE_COMMENTS = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/;
const ISSUE_COMMENT = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/;
const STATUSES = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/;
const PULLS = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/;

/** An open pull request as GET /repos/{o}/{r}/pulls lists it (the fields we read). */
export interface StoredPull {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  /** 'owner:branch' of the head, a fork's owner for a PR from a fork. */
  readonly headLabel: string;
  readonly headSha: string;
  readonly baseSha: string;
}

export class FakeGitHub {
  readonly calls: RecordedCall[] = [];
  readonly statuses: StoredStatus[] = [];
  private readonly store = new Map<string, StoredComment[]>();
  private readonly pulls: StoredPull[] = [];
  private readonly faults: { fault: Fault; left: number }[] = [];
  private nextId = 9_000_001;
  private clock = Date.parse('2025-01-01T00:00:00Z');

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly tokens: Readonly<Record<string, FakeToken>>,
  ) {}

  static async start(options: { tokens?: Readonly<Record<string, FakeToken>> } = {}): Promise<FakeGitHub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeGitHub(server, `http://127.0.0.1:${port}`, options.tokens ?? DEFAULT_TOKENS);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  fail(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  /** The PR's comments, oldest first (copies). */
  comments(pr: PullRequest): StoredComment[] {
    return (this.store.get(key(pr)) ?? []).map((comment) => ({ ...comment }));
  }

  /** Adds comments as if written earlier, by `user` (default bob); `body(i)` for the i-th. */
  seedComments(options: {
    pr: PullRequest;
    count: number;
    user?: FakeUser;
    body?: (index: number) => string;
  }): StoredComment[] {
    const made: StoredComment[] = [];
    for (let i = 0; i < options.count; i += 1) {
      made.push(this.addComment(options.pr, options.user ?? BOB, options.body?.(i) ?? `comment ${i}`));
    }
    return made;
  }

  /** An open pull request, listed by GET /repos/{o}/{r}/pulls (filtered by `head` as GitHub does). */
  seedPullRequest(pull: StoredPull): void {
    this.pulls.push(pull);
  }

  /** Every call so far as `METHOD /path[?page=N] -> status`, for compact assertions. */
  callLines(): string[] {
    return this.calls.map((call) => {
      const page = call.query['page'];
      return `${call.method} ${call.path}${page === undefined ? '' : `?page=${page}`} -> ${call.status}`;
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseJson(raw),
      token: auth?.[1],
      status: 0,
    };
    this.calls.push(call);
    const request: Request = {
      method: call.method,
      path: call.path,
      query: url.searchParams,
      body: call.body,
      token: auth?.[1] === undefined ? undefined : this.tokens[auth[1]],
    };

    const fault = this.takeFault(request);
    if (fault?.effect === 'applied') this.route(request, raw);
    const answer = fault === undefined ? this.render(this.route(request, raw)) : fault.answer;
    if (answer === 'connection-reset') {
      req.socket.destroy();
      return;
    }
    call.status = answer.status;
    const text = answer.body ?? '';
    res.writeHead(answer.status, {
      // A proxy's 502 page is HTML, not JSON: the client must cope with both.
      'content-type': /^[[{]/.test(text) ? 'application/json; charset=utf-8' : 'text/html',
      'x-github-request-id': `FAKE:${this.calls.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...answer.headers,
    });
    res.end(text);
  }

  private render(reply: Reply): FaultAnswer {
    return {
      status: reply.status,
      body: reply.body === undefined ? '' : JSON.stringify(reply.body),
      headers: reply.headers ?? {},
    };
  }

  private takeFault(request: Request): Fault | undefined {
    const slot = this.faults.find(
      (f) => f.left > 0 && f.fault.method === request.method && f.fault.path.test(request.path),
    );
    if (slot === undefined) return undefined;
    slot.left -= 1;
    return slot.fault;
  }

  private route(request: Request, raw: string): Reply {
    if (request.token === undefined) return error(401, 'Bad credentials');
    if (raw !== '' && request.body === undefined) return error(400, 'Problems parsing JSON');
    const { method, path } = request;
    if (method === 'GET' && path === '/user') return this.getUser(request.token);
    let match = ISSUE_COMMENTS.exec(path);
    if (match !== null) {
      const pr = { owner: match[1] ?? '', repo: match[2] ?? '', number: Number(match[3]) };
      if (method === 'GET') return this.listComments(pr, request.query);
      if (method === 'POST') return this.createComment(pr, request);
    }
    match = ISSUE_COMMENT.exec(path);
    if (match !== null && method === 'PATCH') {
      return this.updateComment(
        { owner: match[1] ?? '', repo: match[2] ?? '', id: Number(match[3]) },
        request,
      );
    }
    match = PULLS.exec(path);
    if (match !== null && method === 'GET') {
      return this.listPulls({ owner: match[1] ?? '', repo: match[2] ?? '' }, request.query);
    }
    match = STATUSES.exec(path);
    if (match !== null && method === 'POST') {
      return this.createStatus({ owner: match[1] ?? '', repo: match[2] ?? '', sha: match[3] ?? '' }, request);
    }
    return error(404, 'Not Found');
  }

  private listPulls(target: { owner: string; repo: string }, query: URLSearchParams): Reply {
    const head = query.get('head');
    const state = query.get('state') ?? 'open';
    const listed = this.pulls.filter(
      (p) =>
        p.owner === target.owner &&
        p.repo === target.repo &&
        state !== 'closed' &&
        (head === null || p.headLabel === head),
    );
    return {
      status: 200,
      body: listed.map((p) => ({
        number: p.number,
        state: 'open',
        head: { label: p.headLabel, ref: p.headLabel.split(':')[1], sha: p.headSha },
        base: { ref: 'main', sha: p.baseSha },
      })),
    };
  }

  private getUser(token: FakeToken): Reply {
    if (token.kind === 'installation') return error(403, 'Resource not accessible by integration');
    return { status: 200, body: { ...token.user } };
  }

  private listComments(pr: PullRequest, query: URLSearchParams): Reply {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const all = this.store.get(key(pr)) ?? [];
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const pageUrl = (n: number): string =>
      `${this.url}/repos/${pr.owner}/${pr.repo}/issues/${pr.number}/comments?per_page=${perPage}&page=${n}`;
    const links: string[] = [];
    if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
    if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  }

  private createComment(pr: PullRequest, request: Request): Reply {
    const denied = this.denyWrite(request);
    if (denied !== undefined) return denied;
    const body = bodyField(request.body, 'body');
    if (body === undefined) return validationFailed('IssueComment', 'body');
    if (body.length > 65_536) return error(422, 'Body is too long (maximum is 65536 characters)');
    const comment = this.addComment(pr, request.token?.user ?? BOB, body);
    return { status: 201, body: comment, headers: { location: comment.url } };
  }

  private updateComment(target: { owner: string; repo: string; id: number }, request: Request): Reply {
    const denied = this.denyWrite(request);
    if (denied !== undefined) return denied;
    const comment = [...this.store.entries()]
      .filter(([k]) => k.startsWith(`${target.owner}/${target.repo}#`))
      .flatMap(([, list]) => list)
      .find((c) => c.id === target.id);
    if (comment === undefined) return error(404, 'Not Found');
    const body = bodyField(request.body, 'body');
    if (body === undefined) return validationFailed('IssueComment', 'body');
    comment.body = body;
    comment.updated_at = this.tick();
    return { status: 200, body: comment };
  }

  private createStatus(target: { owner: string; repo: string; sha: string }, request: Request): Reply {
    const denied = this.denyWrite(request);
    if (denied !== undefined) return denied;
    if (!/^[0-9a-f]{40}$/.test(target.sha)) return error(422, `No commit found for SHA: ${target.sha}`);
    const state = bodyField(request.body, 'state');
    if (state === undefined || !['error', 'failure', 'pending', 'success'].includes(state)) {
      return validationFailed('Status', 'state');
    }
    const description = bodyField(request.body, 'description') ?? null;
    if (description !== null && description.length > 140) {
      return error(422, 'Validation Failed: description is too long (maximum is 140 characters)');
    }
    const status: StoredStatus = {
      ...target,
      state,
      context: bodyField(request.body, 'context') ?? 'default',
      description,
      target_url: bodyField(request.body, 'target_url') ?? null,
      creator: request.token?.user ?? BOB,
    };
    this.statuses.push(status);
    return { status: 201, body: { id: this.nextId++, ...status } };
  }

  private denyWrite(request: Request): Reply | undefined {
    return request.token?.permission === 'write'
      ? undefined
      : error(403, 'Resource not accessible by integration');
  }

  private addComment(pr: PullRequest, user: FakeUser, body: string): StoredComment {
    const id = this.nextId++;
    const at = this.tick();
    const comment: StoredComment = {
      id,
      node_id: `IC_fake${id}`,
      url: `${this.url}/repos/${pr.owner}/${pr.repo}/issues/comments/${id}`,
      html_url: `https://github.com/${pr.owner}/${pr.repo}/pull/${pr.number}#issuecomment-${id}`,
      issue_url: `${this.url}/repos/${pr.owner}/${pr.repo}/issues/${pr.number}`,
      body,
      user,
      created_at: at,
      updated_at: at,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
    const list = this.store.get(key(pr)) ?? [];
    list.push(comment);
    this.store.set(key(pr), list);
    return comment;
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

function key(pr: PullRequest): string {
  return `${pr.owner}/${pr.repo}#${pr.number}`;
}

function error(status: number, message: string): Reply {
  return {
    status,
    body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
  };
}

function validationFailed(resource: string, field: string): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code: 'missing_field', field }],
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

function bodyField(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
