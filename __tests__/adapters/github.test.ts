import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubApiError, GitHubCommentClient } from '../../src/adapters/github.js';
import { commentMarker } from '../../src/domain/escape.js';
import { ACTIONS_BOT, ALICE, BOB, FakeGitHub, TOKENS, rateLimitAnswer } from '../fakes/github-server.js';

const pr = { owner: 'octo', repo: 'lib', number: 7 };
const marker = commentMarker('ci/variants');
const COMMENTS = '/repos/octo/lib/issues/7/comments';
const ONE_COMMENT = /^\/repos\/octo\/lib\/issues\/comments\/\d+$/;
const SHA = 'a'.repeat(40);

let github: FakeGitHub;
let logs: string[];

beforeEach(async () => {
  github = await FakeGitHub.start();
  logs = [];
});
afterEach(async () => {
  await github.close();
});

/** One client per workflow run, as in the action: each run builds its own. */
function run(options: { token?: string } = {}): GitHubCommentClient {
  return new GitHubCommentClient({
    token: options.token ?? TOKENS.actions,
    baseUrl: github.url,
    retryDelayMs: 0,
    log: (message) => logs.push(message),
  });
}

describe('GitHubCommentClient.upsert', () => {
  it('keeps one comment per marker: the second run updates the first run’s comment', async () => {
    const first = await run().upsert({ pr, marker, body: 'three variants, all green', mode: 'update' });
    const second = await run().upsert({ pr, marker, body: 'one crash under 3.13t', mode: 'update' });

    expect(first.action).toBe('created');
    expect(second).toEqual({ url: first.url, action: 'updated' });
    const comments = github.comments(pr);
    expect(comments.map((c) => c.body)).toEqual([`${marker}\none crash under 3.13t`]);
    expect(comments[0]?.user.login).toBe(ACTIONS_BOT.login);
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 201`,
      `GET ${COMMENTS} -> 200`,
      // GITHUB_TOKEN cannot ask who it is: its comments are github-actions[bot]'s.
      `GET /user -> 403`,
      `PATCH /repos/octo/lib/issues/comments/${comments[0]?.id} -> 200`,
    ]);
    expect(github.calls[0]?.query).toMatchObject({ per_page: '100' });
    expect(github.calls.every((call) => call.token === TOKENS.actions)).toBe(true);
  });

  it('leaves an unchanged report alone: no write', async () => {
    const first = await run().upsert({ pr, marker, body: 'same', mode: 'update' });
    const second = await run().upsert({ pr, marker, body: 'same', mode: 'update' });

    expect(second).toEqual({ url: first.url, action: 'updated' });
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 201`,
      `GET ${COMMENTS} -> 200`,
      `GET /user -> 403`,
    ]);
  });

  it('does not put the marker twice when the body already starts with it', async () => {
    await run().upsert({ pr, marker, body: `${marker}\nreport`, mode: 'update' });

    expect(github.calls[1]?.body).toEqual({ body: `${marker}\nreport` });
  });

  it('finds its comment behind 150 others, across pages, and updates only it', async () => {
    github.seedComments({ pr, count: 150 });
    const [ours] = github.seedComments({
      pr,
      count: 1,
      user: ACTIONS_BOT,
      body: () => `${marker}\nold report`,
    });
    github.seedComments({ pr, count: 10, body: (i) => `reply ${i} quoting nothing` });

    const result = await run().upsert({ pr, marker, body: 'new report', mode: 'update' });

    expect(result).toEqual({ url: ours?.html_url, action: 'updated' });
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 200`,
      `GET ${COMMENTS}?page=2 -> 200`,
      `GET /user -> 403`,
      `PATCH /repos/octo/lib/issues/comments/${ours?.id} -> 200`,
    ]);
    expect(github.calls[1]?.query).toMatchObject({ per_page: '100', page: '2' });
    const comments = github.comments(pr);
    expect(comments).toHaveLength(161);
    expect(comments.filter((c) => c.body.includes(marker)).map((c) => c.body)).toEqual([
      `${marker}\nnew report`,
    ]);
  });

  it.each([
    { token: TOKENS.alice, expected: ALICE.login, probe: 200 },
    // GITHUB_TOKEN cannot ask who it is: a bot's comment wins over a person's.
    { token: TOKENS.actions, expected: ACTIONS_BOT.login, probe: 403 },
  ])(
    "with several marked comments, edits only its own author's ($expected)",
    async ({ token, expected, probe }) => {
      github.seedComments({ pr, count: 1, user: ALICE, body: () => `${marker}\nby alice` });
      github.seedComments({ pr, count: 1, user: ACTIONS_BOT, body: () => `${marker}\nby the bot` });

      await run({ token }).upsert({ pr, marker, body: 'fresh', mode: 'update' });

      const comments = github.comments(pr);
      expect(comments.find((c) => c.user.login === expected)?.body).toBe(`${marker}\nfresh`);
      expect(comments.filter((c) => c.body.endsWith('fresh'))).toHaveLength(1);
      expect(github.callLines()).toEqual([
        `GET ${COMMENTS} -> 200`,
        `GET /user -> ${probe}`,
        expect.stringMatching(/^PATCH /),
      ]);
    },
  );

  it('a comment with the marker by someone else is never edited: ours is made beside it, then updated', async () => {
    // The marker is predictable: anyone can post it before the first run.
    const [planted] = github.seedComments({
      pr,
      count: 1,
      user: BOB,
      body: () => `${marker}\nplanted by bob`,
    });

    const first = await run().upsert({ pr, marker, body: 'run 1', mode: 'update' });
    const second = await run().upsert({ pr, marker, body: 'run 2', mode: 'update' });

    expect(first.action).toBe('created');
    expect(second).toEqual({ url: first.url, action: 'updated' });
    const comments = github.comments(pr);
    expect(comments.map((c) => [c.user.login, c.body])).toEqual([
      [BOB.login, `${marker}\nplanted by bob`],
      [ACTIONS_BOT.login, `${marker}\nrun 2`],
    ]);
    expect(github.calls.some((c) => c.method === 'PATCH' && c.path.endsWith(`/${planted?.id}`))).toBe(false);
    expect(logs.join('\n')).toMatch(
      /left alone the comments with the marker by bob: only github-actions\[bot\]'s are ours/,
    );
  });

  it("a personal token's run leaves github-actions[bot]'s marked comment alone, and edits its owner's", async () => {
    github.seedComments({ pr, count: 1, user: ACTIONS_BOT, body: () => `${marker}\nby the default token` });

    const first = await run({ token: TOKENS.alice }).upsert({ pr, marker, body: 'alice 1', mode: 'update' });
    await run({ token: TOKENS.alice }).upsert({ pr, marker, body: 'alice 2', mode: 'update' });

    expect(first.action).toBe('created');
    expect(github.comments(pr).map((c) => [c.user.login, c.body])).toEqual([
      [ACTIONS_BOT.login, `${marker}\nby the default token`],
      [ALICE.login, `${marker}\nalice 2`],
    ]);
    expect(github.callLines().filter((l) => l.startsWith('GET /user'))).toEqual([
      'GET /user -> 200',
      'GET /user -> 200',
    ]);
  });

  it('surfaces a read-only token (fork PR) as an error with status 403, without retrying', async () => {
    const error = await run({ token: TOKENS.forkReadOnly })
      .upsert({ pr, marker, body: 'report', mode: 'update' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 403 });
    expect((error as Error).message).toMatch(
      /creating the comment on octo\/lib#7 failed: HTTP 403: Resource not accessible/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(github.callLines()).toEqual([`GET ${COMMENTS} -> 200`, `POST ${COMMENTS} -> 403`]);
    expect(github.comments(pr)).toEqual([]);
  });

  it('reports a bad token as status 401', async () => {
    const error = await run({ token: 'ghp_revoked' })
      .upsert({ pr, marker, body: 'report', mode: 'update' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      status: 401,
      message: expect.stringMatching(/^listing the comments of octo\/lib#7/),
    });
    expect(github.callLines()).toEqual([`GET ${COMMENTS} -> 401`]);
  });

  it('retries 5xx answers to reads and updates, and succeeds', async () => {
    const [ours] = github.seedComments({ pr, count: 1, user: ACTIONS_BOT, body: () => `${marker}\nold` });
    github.fail({ method: 'GET', path: /\/issues\/7\/comments$/, answer: { status: 500 }, times: 2 });
    github.fail({
      method: 'PATCH',
      path: ONE_COMMENT,
      answer: { status: 502, body: '<html>Bad Gateway</html>' },
    });

    const result = await run().upsert({ pr, marker, body: 'new', mode: 'update' });

    expect(result.action).toBe('updated');
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 500`,
      `GET ${COMMENTS} -> 500`,
      `GET ${COMMENTS} -> 200`,
      `GET /user -> 403`,
      `PATCH /repos/octo/lib/issues/comments/${ours?.id} -> 502`,
      `PATCH /repos/octo/lib/issues/comments/${ours?.id} -> 200`,
    ]);
    expect(github.comments(pr).map((c) => c.body)).toEqual([`${marker}\nnew`]);
  });

  it('waits out a rate limit and retries', async () => {
    github.fail({ method: 'GET', path: /\/issues\/7\/comments$/, answer: rateLimitAnswer() });

    await run().upsert({ pr, marker, body: 'report', mode: 'update' });

    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 403`,
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 201`,
    ]);
    expect(logs.join('\n')).toMatch(/rate limit on GET .*retrying/);
  });

  it.each([
    { answer: { status: 502, body: '<html>502 Bad Gateway</html>' }, status: '502' },
    { answer: 'connection-reset' as const, status: '0' },
  ])('a create that GitHub applied but answered $status is not repeated', async ({ answer, status }) => {
    github.fail({ method: 'POST', path: /\/issues\/7\/comments$/, answer, effect: 'applied' });

    const result = await run().upsert({ pr, marker, body: 'report', mode: 'update' });

    const comments = github.comments(pr);
    expect(comments).toHaveLength(1);
    expect(result).toEqual({ url: comments[0]?.html_url, action: 'created' });
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> ${status}`,
      `GET /user -> 403`,
      `GET ${COMMENTS} -> 200`,
    ]);
    expect(logs.join('\n')).toMatch(/checking whether it landed/);
  });

  it('a create that failed with 502 before GitHub applied it is tried again once', async () => {
    github.fail({ method: 'POST', path: /\/issues\/7\/comments$/, answer: { status: 502 } });

    const result = await run().upsert({ pr, marker, body: 'report', mode: 'update' });

    expect(result.action).toBe('created');
    expect(github.comments(pr)).toHaveLength(1);
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 502`,
      `GET /user -> 403`,
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 201`,
    ]);
  });

  it("mode 'new' adds a second comment and leaves the first alone", async () => {
    const first = await run().upsert({ pr, marker, body: 'run 1', mode: 'update' });
    const second = await run().upsert({ pr, marker, body: 'run 2', mode: 'new' });

    expect(second.action).toBe('created');
    expect(second.url).not.toBe(first.url);
    expect(github.comments(pr).map((c) => c.body)).toEqual([`${marker}\nrun 1`, `${marker}\nrun 2`]);
    expect(github.callLines()).toEqual([
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 201`,
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 201`,
    ]);
  });

  it("mode 'new' that hits an applied 502 does not mistake the older comment for the new one", async () => {
    await run().upsert({ pr, marker, body: 'run 1', mode: 'update' });
    github.fail({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      answer: { status: 502 },
      effect: 'applied',
    });

    const second = await run().upsert({ pr, marker, body: 'run 2', mode: 'new' });

    const comments = github.comments(pr);
    expect(comments.map((c) => c.body)).toEqual([`${marker}\nrun 1`, `${marker}\nrun 2`]);
    expect(second).toEqual({ url: comments[1]?.html_url, action: 'created' });
    expect(github.calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('refuses a marker that is not a single HTML comment, before any call', async () => {
    await expect(run().upsert({ pr, marker: 'cpython-variants', body: 'x', mode: 'update' })).rejects.toThrow(
      /marker must be one HTML comment/,
    );
    expect(github.calls).toEqual([]);
  });
});

describe('GitHubCommentClient.setStatus', () => {
  it('posts the commit status, its description cut to GitHub’s 140 characters', async () => {
    await run().setStatus({
      owner: 'octo',
      repo: 'lib',
      sha: SHA,
      state: 'failure',
      context: 'cpython-variants',
      description: `2 crashes under 3.13t; ${'x'.repeat(200)}`,
      targetUrl: 'https://github.com/octo/lib/actions/runs/1',
    });

    expect(github.callLines()).toEqual([`POST /repos/octo/lib/statuses/${SHA} -> 201`]);
    const sent = github.calls[0]?.body as Record<string, string>;
    expect(sent).toMatchObject({
      state: 'failure',
      context: 'cpython-variants',
      target_url: 'https://github.com/octo/lib/actions/runs/1',
    });
    expect(sent['description']).toHaveLength(140);
    expect(sent['description']).toMatch(/^2 crashes under 3\.13t; x+…$/);
    expect(github.statuses).toHaveLength(1);
  });

  it('surfaces a read-only token as status 403', async () => {
    const error = await run({ token: TOKENS.forkReadOnly })
      .setStatus({ owner: 'octo', repo: 'lib', sha: SHA, state: 'success', context: 'c', description: 'd' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      status: 403,
      message: expect.stringMatching(/^setting the commit status "c"/),
    });
    expect(github.callLines()).toEqual([`POST /repos/octo/lib/statuses/${SHA} -> 403`]);
    expect(github.calls[0]?.body).toEqual({ state: 'success', context: 'c', description: 'd' });
  });
});
