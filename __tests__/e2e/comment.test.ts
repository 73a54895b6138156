// The sticky comment, as shipped (node dist/index.js), against the fake GitHub REST server on
// 127.0.0.1. Most runs use `mode: report` with prepared report.json files, which needs no
// interpreter; the last ones measure with the real CPython builds when they are provisioned.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/domain/escape.js';
import type { Report } from '../../src/domain/report.js';
import { commentKeyFor } from '../../src/publish.js';
import { parseVariant } from '../../src/domain/variants.js';
import { ACTIONS_BOT, FakeGitHub, TOKENS } from '../fakes/github-server.js';
import { copyProject, interpretersInput, pytoolsInstallCommand, ROOT } from '../helpers/action.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../helpers/interpreters.js';
import {
  OWNER,
  PR_NUMBER,
  pullRequestEvent,
  REPO,
  runOnGitHub,
  writeReports,
  type GitHubRun,
} from '../helpers/report-run.js';
import { HEAD, report, SEGV_EXCERPT, startup, tests, variant } from '../helpers/reports.js';

const pr = { owner: OWNER, repo: REPO, number: PR_NUMBER };
const COMMENTS = `/repos/${OWNER}/${REPO}/issues/${PR_NUMBER}/comments`;
// comment-key's default in mode report: GITHUB_WORKFLOW/GITHUB_JOB.
const MARKER = commentMarker('CI/variants');

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

const allGreen = report({
  variants: [variant('3.13', { startup: [startup(14.1)] }), variant('3.13t', { startup: [startup(19.8)] })],
});
const crashed = report({
  variants: [
    variant('3.13', { startup: [startup(14.1)] }),
    variant('3.13t', {
      tests: tests({
        status: 'crashed',
        signal: 'SIGSEGV',
        crashed: 1,
        crashes: [
          {
            test: 'tests/test_counter.py::test_counter_threads',
            signal: 'SIGSEGV',
            reproduced: '3/3',
            kind: 'signal',
            excerpt: SEGV_EXCERPT,
          },
        ],
      }),
    }),
  ],
  failOn: new Set(),
});

function publishReport(options: {
  report: Report;
  token?: string;
  inputs?: Record<string, string>;
}): Promise<GitHubRun> {
  return runOnGitHub({
    apiUrl: github.url,
    token: options.token ?? TOKENS.actions,
    event: pullRequestEvent(),
    eventName: 'pull_request',
    cwd: writeReports({ 'variants/report.json': options.report }),
    inputs: { mode: 'report', reports: 'variants', ...options.inputs },
  });
}

/** The comment's writes (creates and edits), without the statuses mode report also sets. */
function commentWrites(): string[] {
  return github.callLines().filter((line) => /^(POST|PATCH) .*comments/.test(line));
}

describe('the sticky comment (node dist/index.js, mode report)', () => {
  it('two runs on one PR leave exactly one comment, updated in place', async () => {
    const first = await publishReport({ report: allGreen });
    const second = await publishReport({ report: crashed });

    expect([first.exitCode, second.exitCode]).toEqual([0, 1]);
    const comments = github.comments(pr);
    expect(comments).toHaveLength(1);
    const [comment] = comments;
    expect(comment?.user.login).toBe(ACTIONS_BOT.login);
    expect(comment?.body.startsWith(`${MARKER}\n## ❌ CPython variants: the check failed`)).toBe(true);
    expect(commentWrites()).toEqual([
      `POST ${COMMENTS} -> 201`,
      `PATCH /repos/octo/lib/issues/comments/${comment?.id} -> 200`,
    ]);
    expect(first.outputs['comment-url']).toBe(comment?.html_url);
    expect(second.outputs['comment-url']).toBe(comment?.html_url);
    expect(second.outputs).toMatchObject({ verdict: 'fail', crashes: '1', regressions: '0' });
    expect(second.outputs['markdown']).toMatch(/comment\.md$/);
    expect(second.stdout).toMatch(/^::error::cpython-variants: fail-on new-crash: 1 finding \(3\.13t\)$/m);
  });

  it('finds its comment behind 150 earlier ones (pagination) and updates only it', async () => {
    github.seedComments({ pr, count: 150 });
    await publishReport({ report: allGreen });
    await publishReport({ report: crashed });

    const comments = github.comments(pr);
    expect(comments).toHaveLength(151);
    expect(comments.filter((c) => c.body.includes(MARKER))).toHaveLength(1);
    expect(comments.at(-1)?.body).toContain('💥 Crashes (1)');
    expect(github.callLines()).toContain(`GET ${COMMENTS}?page=2 -> 200`);
    expect(commentWrites().map((line) => line.split(' ')[0])).toEqual(['POST', 'PATCH']);
  });

  it('with a read-only token (a fork PR): a warning, the job summary, and the outcome that fail-on alone decides', async () => {
    const runs = {
      passes: await publishReport({ report: allGreen, token: TOKENS.forkReadOnly }),
      fails: await publishReport({ report: crashed, token: TOKENS.forkReadOnly }),
      'fail-on none': await publishReport({
        report: crashed,
        token: TOKENS.forkReadOnly,
        inputs: { 'fail-on': 'none' },
      }),
    };

    expect(Object.values(runs).map((r) => r.exitCode)).toEqual([0, 1, 0]);
    for (const run of Object.values(runs)) {
      expect(run.stdout).toMatch(
        /^::warning::the comment was not posted: the token may not write comments on this pull request \(a PR from a fork gets a read-only token/m,
      );
      expect(run.summary).toContain('| Variant ');
      expect(run.outputs['comment-url']).toBe('');
    }
    expect(runs.fails.summary).toContain('**Why the check failed:**');
    expect(github.comments(pr)).toEqual([]);
    expect(github.callLines().filter((line) => line.startsWith('POST') && line.includes('comments'))).toEqual(
      Array(3).fill(`POST ${COMMENTS} -> 403`),
    );
  });

  it('caps the body, so GitHub never answers 422 for a report far over the limit', async () => {
    const cases = Array.from({ length: 200 }, (_, i) => ({
      id: `tests/test_many.py::test_case_${i}[${'x'.repeat(40)}]`,
      outcome: 'failed' as const,
      message: `AssertionError: ${'y'.repeat(200)}`,
    }));
    const crashes = Array.from({ length: 30 }, (_, i) => ({
      test: `tests/test_crash.py::test_${i}`,
      signal: 'SIGSEGV',
      reproduced: '1/3',
      kind: 'signal' as const,
      excerpt: `${SEGV_EXCERPT}\n${'  File "/w/x.py", line 1 in f\n'.repeat(80)}`,
    }));
    const huge = report({
      variants: [
        variant('3.13'),
        variant('3.13t', { tests: tests({ status: 'crashed', failed: 200, crashed: 30, cases, crashes }) }),
      ],
    });
    const run = await publishReport({ report: huge });

    const post = github.calls.find((c) => c.method === 'POST' && c.path === COMMENTS);
    const body = (post?.body as { body: string }).body;
    expect(post?.status).toBe(201);
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body).toContain(
      '> ✂️ Some details were cut to fit; the full report is in the [job summary and report.json](https://github.com/octo/lib/actions/runs/4242).',
    );
    // The job summary keeps what the comment had to leave out.
    expect(run.summary.length).toBeGreaterThan(body.length);
    expect(run.summary).not.toContain('Some details were cut');
    expect(run.exitCode).toBe(1);
  });

  it('retries a 5xx, and does not post twice when a 502 hid a create that GitHub did apply', async () => {
    github.fail({
      method: 'GET',
      path: /\/issues\/7\/comments$/,
      answer: { status: 502, body: '<html>bad gateway</html>' },
    });
    github.fail({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      answer: { status: 502, body: '<html>bad gateway</html>' },
      effect: 'applied',
    });
    const run = await publishReport({ report: allGreen });

    expect(run.exitCode).toBe(0);
    expect(github.comments(pr)).toHaveLength(1);
    expect(github.callLines().filter((line) => line.includes('comments'))).toEqual([
      `GET ${COMMENTS} -> 502`,
      `GET ${COMMENTS} -> 200`,
      `POST ${COMMENTS} -> 502`,
      `GET ${COMMENTS} -> 200`,
    ]);
    expect(run.outputs['comment-url']).toBe(github.comments(pr)[0]?.html_url);
  });

  it('comment: new posts another comment; comment: off posts none', async () => {
    await publishReport({ report: allGreen });
    await publishReport({ report: allGreen, inputs: { comment: 'new' } });
    expect(github.comments(pr)).toHaveLength(2);
    const before = github.calls.length;
    const off = await publishReport({ report: crashed, inputs: { comment: 'off' } });
    expect(github.calls.slice(before).filter((c) => c.path.includes('comments'))).toEqual([]);
    expect(off.summary).toContain('💥 Crashes (1)');
  });
});

describe('comment-key for matrix legs', () => {
  const env = {
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'variants',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_WORKSPACE: '/w',
  };
  const inputs = (
    over: { variants?: string; commentKey?: string; mode?: 'run' | 'measure' | 'report' } = {},
  ) => ({
    commentKey: over.commentKey ?? 'CI/variants',
    mode: over.mode ?? ('run' as const),
    variants: (over.variants ?? '3.13 3.13t').split(' ').map(parseVariant),
    workingDirectory: '/w',
  });

  it('gives legs with other variants or another runner their own comment, and a stable one to each', () => {
    const a = commentKeyFor({ inputs: inputs(), env });
    expect(a).toMatch(/^CI\/variants@[0-9a-f]{8}$/);
    expect(commentKeyFor({ inputs: inputs({ variants: '3.13t 3.13' }), env })).toBe(a);
    expect(commentKeyFor({ inputs: inputs({ variants: '3.13+jit' }), env })).not.toBe(a);
    expect(commentKeyFor({ inputs: inputs(), env: { ...env, RUNNER_ARCH: 'ARM64' } })).not.toBe(a);
  });

  it('keeps a key given in comment-key, and the one report job of mode report', () => {
    expect(commentKeyFor({ inputs: inputs({ commentKey: 'perf' }), env })).toBe('perf');
    expect(commentKeyFor({ inputs: inputs({ mode: 'report' }), env })).toBe('CI/variants');
  });
});

const skip = interpretersSkipReason(['3.13', '3.13t']);
describe.skipIf(skip !== null)(
  `measuring runs on real interpreters${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const interpreters = realInterpreters() ?? {};
    const tools = pytoolsPath() ?? '';

    function segfaulting(): string {
      const dir = copyProject(join(ROOT, 'examples'));
      mkdirSync(join(dir, 'tests'), { recursive: true });
      writeFileSync(
        join(dir, 'tests', 'test_segv.py'),
        [
          'import ctypes, sysconfig',
          '',
          'def test_segfaults_only_without_the_gil():',
          "    if sysconfig.get_config_var('Py_GIL_DISABLED'):",
          '        ctypes.string_at(0)',
          '',
        ].join('\n'),
      );
      return dir;
    }

    // The venv's python by path: bash reads ~/.bashrc when its stdin is a socket (node's pipes are),
    // and a .bashrc that puts pyenv first on PATH would make a bare `python` another interpreter.
    const venvPython = '"$VIRTUAL_ENV/bin/python"';

    function measure(options: { cwd: string; inputs: Record<string, string> }): Promise<GitHubRun> {
      return runOnGitHub({
        apiUrl: github.url,
        token: TOKENS.actions,
        event: pullRequestEvent(),
        eventName: 'pull_request',
        cwd: options.cwd,
        inputs: {
          'install-command': pytoolsInstallCommand(tools).replace(/^python /, `${venvPython} `),
          'test-command': `${venvPython} -m pytest -q`,
          'measure-minutes': '0.1',
          'compare-base': 'false',
          ...options.inputs,
        },
        env: { GITHUB_WORKSPACE: options.cwd },
      });
    }

    it('mode measure writes report.json and the summary, and never calls GitHub', async () => {
      const run = await measure({
        cwd: copyProject(join(ROOT, 'examples')),
        inputs: {
          mode: 'measure',
          variants: '3.13',
          interpreters: interpretersInput(interpreters, ['3.13']),
        },
      });
      expect(run.exitCode).toBe(0);
      expect(run.report?.variants.map((v) => v.name)).toEqual(['3.13']);
      expect(run.summary).toContain('## ✅ CPython variants');
      expect(run.outputs['report']).toBe(join(run.outputDir, 'report.json'));
      expect(github.calls).toEqual([]);
    });

    it('mode run: a crash is annotated at its test, and matrix legs keep a comment each', async () => {
      const cwd = segfaulting();
      const legs = [];
      for (const name of ['3.13', '3.13t']) {
        legs.push(
          await measure({
            cwd,
            inputs: { variants: name, interpreters: interpretersInput(interpreters, [name]) },
          }),
        );
      }
      const [gil, ft] = legs;
      expect([gil?.exitCode, ft?.exitCode]).toEqual([0, 1]);
      expect(ft?.stdout).toMatch(
        /^::error title=3\.13t%3A SIGSEGV,file=tests\/test_segv\.py(,line=\d+)?::tests\/test_segv\.py::test_segfaults_only_without_the_gil crashed with SIGSEGV under 3\.13t/m,
      );
      const comments = github.comments(pr);
      expect(comments).toHaveLength(2);
      expect(comments.map((c) => /^<!-- cpython-variants:CI\/variants@[0-9a-f]{8} -->/.test(c.body))).toEqual(
        [true, true],
      );
      expect(comments[1]?.body).toContain('💥 Crashes (1)');
      expect(ft?.report?.commit.head).toBe(HEAD);
    });
  },
);
