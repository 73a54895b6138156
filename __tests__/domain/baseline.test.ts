import { describe, expect, it } from 'vitest';
import {
  commitParents,
  mergeCommitBaseline,
  mergeQueuePullRequest,
  planBaseline,
  type EventFacts,
} from '../../src/domain/baseline.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const H = 'c'.repeat(40);
const ZEROS = '0'.repeat(40);

const none: EventFacts = { eventName: null, pullRequest: null, mergeGroup: null, push: null };
const pullRequest: EventFacts = {
  ...none,
  eventName: 'pull_request',
  pullRequest: { baseSha: A, headSha: H },
};
const mergeGroup: EventFacts = { ...none, eventName: 'merge_group', mergeGroup: { baseSha: B, headSha: H } };
const push: EventFacts = { ...none, eventName: 'push', push: { before: A } };
const newBranch: EventFacts = { ...none, eventName: 'push', push: { before: ZEROS } };
const dispatch: EventFacts = { ...none, eventName: 'workflow_dispatch' };

describe('planBaseline', () => {
  it.each([
    { event: pullRequest, setting: 'auto', kind: 'pull-request' },
    { event: pullRequest, setting: 'true', kind: 'pull-request' },
    { event: pullRequest, setting: 'false', kind: 'none' },
    { event: mergeGroup, setting: 'auto', kind: 'commit' },
    { event: mergeGroup, setting: 'false', kind: 'none' },
    // A push is compared only when asked: on the default branch it fills the cache.
    { event: push, setting: 'auto', kind: 'none' },
    { event: push, setting: 'true', kind: 'commit' },
    { event: newBranch, setting: 'true', kind: 'none' },
    { event: dispatch, setting: 'auto', kind: 'none' },
    { event: dispatch, setting: 'true', kind: 'error' },
  ] as const)('$event.eventName with compare-base: $setting -> $kind', ({ event, setting, kind }) => {
    expect(planBaseline({ setting, revision: null, event }).kind).toBe(kind);
  });

  it('a merge queue compares merge_group.base_sha; a push its before commit', () => {
    expect(planBaseline({ setting: 'auto', revision: null, event: mergeGroup })).toEqual({
      kind: 'commit',
      sha: B,
      reason: 'merge-group-base',
    });
    expect(planBaseline({ setting: 'true', revision: null, event: push })).toEqual({
      kind: 'commit',
      sha: A,
      reason: 'push-before',
    });
  });

  it('says why a new branch has no base, and why compare-base: true without one is an error', () => {
    expect(planBaseline({ setting: 'true', revision: null, event: newBranch })).toMatchObject({
      why: expect.stringMatching(/created the branch/),
    });
    expect(planBaseline({ setting: 'true', revision: null, event: dispatch })).toMatchObject({
      error: expect.stringMatching(
        /compare-base is true, but this workflow_dispatch event names no base commit/,
      ),
    });
  });

  it('a revision given in compare-base wins on every event', () => {
    for (const event of [pullRequest, mergeGroup, push, dispatch]) {
      expect(planBaseline({ setting: 'true', revision: 'origin/main', event })).toEqual({
        kind: 'revision',
        revision: 'origin/main',
      });
    }
  });
});

describe('commitParents and mergeCommitBaseline', () => {
  const raw = (parents: string[]) =>
    [
      `tree ${'d'.repeat(40)}`,
      ...parents.map((p) => `parent ${p}`),
      'author x <x> 1 +0000',
      '',
      'parent not me',
    ].join('\n');

  it('reads the parents from the header only, first parent first', () => {
    expect(commitParents(raw([A, H]))).toEqual([A, H]);
    expect(commitParents(raw([]))).toEqual([]);
  });

  it.each([
    { parents: [A, H], expected: { sha: A, reason: 'merge-commit-first-parent' } },
    // A head checkout, or a merge of something else: the merge base decides.
    { parents: [A], expected: null },
    { parents: [A, B], expected: null },
    { parents: [A, B, H], expected: null },
  ])('parents $parents', ({ parents, expected }) => {
    expect(mergeCommitBaseline({ parents, prHeadSha: H })).toEqual(expected);
  });
});

describe('mergeQueuePullRequest', () => {
  it.each([
    { ref: `refs/heads/gh-readonly-queue/main/pr-42-${A}`, expected: 42 },
    { ref: `gh-readonly-queue/release/1.x/pr-7-${B.slice(0, 12)}`, expected: 7 },
    { ref: 'refs/heads/main', expected: null },
    { ref: null, expected: null },
  ])('$ref -> $expected', ({ ref, expected }) => {
    expect(mergeQueuePullRequest(ref)).toBe(expected);
  });
});
