// The tests a build makes much slower or faster, and those the change makes much slower than its
// base commit (domain/slow-tests.ts), confirmed: each candidate rerun alone on both of its sides
// (reference and variant on head, or base and head under one variant), side by side, round after
// round, so a busy moment of the runner hits both sides of a pair or a single round, not the verdict.
import { join } from 'node:path';
import {
  allCandidates,
  baseCandidates,
  confirmBaseCandidate,
  confirmCandidate,
  durationCandidates,
  planReruns,
  SLOW_TEST_RULES,
  type Candidate,
  type RerunPair,
} from '../domain/slow-tests.js';
import type { SlowTest, SlowTestVsBase, TestCase } from '../domain/report.js';
import type { ProcessRunner, Toolkit } from '../ports.js';
import { installPlugin, runAttempt, type AttemptContext } from './test-attempt.js';

export interface DurationSubject {
  /** The variant's name. */
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The normal run's per-test records. */
  readonly cases: readonly TestCase[];
}

export interface ConfirmedDurations {
  /** By variant name; variants with none are absent. */
  readonly vsReference: Map<string, SlowTest[]>;
  readonly vsBase: Map<string, SlowTestVsBase[]>;
}

// A lone rerun gets this many times the slower side's time, and at least a minute.
const RERUN_TIMEOUT_FACTOR = 4;
const MIN_RERUN_TIMEOUT_MS = 60_000;

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '_');
}

function described(c: Candidate): string {
  return `${c.id} under ${c.variant}${c.against === 'base' ? ', head against the base commit' : ''}`;
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

export async function confirmSlowTests(options: {
  runner: ProcessRunner;
  toolkit: Toolkit;
  command: string;
  reference: string;
  /** Head's runs, one per variant. */
  subjects: readonly DurationSubject[];
  /** The base commit's runs, one per variant whose base tests ran (its worktree, its venv). */
  base: readonly DurationSubject[];
  /** What all the reruns together may take. */
  budgetMs: number;
  timeoutMs: number;
  workRoot: string;
}): Promise<ConfirmedDurations> {
  const { toolkit, budgetMs } = options;
  const confirmed: ConfirmedDurations = { vsReference: new Map(), vsBase: new Map() };
  const head = new Map(options.subjects.map((s) => [s.name, s]));
  const base = new Map(options.base.map((s) => [s.name, s]));
  const reference = head.get(options.reference);
  const builds = reference
    ? durationCandidates({
        reference: reference.cases,
        variants: options.subjects.filter((s) => s !== reference),
      })
    : [];
  const commits = baseCandidates(
    options.base.flatMap((b) => {
      const h = head.get(b.name);
      return h ? [{ name: b.name, head: h.cases, base: b.cases }] : [];
    }),
  );
  const candidates = allCandidates(builds, commits);
  if (candidates.length === 0) return confirmed;
  const { chosen, skipped } = planReruns({ candidates, budgetMs });
  for (const c of skipped)
    toolkit.info(
      `${described(c)}: not rerun (at most ${SLOW_TEST_RULES.maxTests} tests, ${Math.round(budgetMs / 1000)} s)`,
    );
  if (chosen.length === 0) return confirmed;

  const sides = (c: Candidate): { baseline: DurationSubject; candidate: DurationSubject } =>
    c.against === 'base'
      ? { baseline: base.get(c.variant)!, candidate: head.get(c.variant)! }
      : { baseline: reference!, candidate: head.get(c.variant)! };
  const contexts = new Map<DurationSubject, AttemptContext>();
  const contextOf = (subject: DurationSubject): AttemptContext => {
    const known = contexts.get(subject);
    if (known) return known;
    const onBase = base.get(subject.name) === subject;
    const workDir = join(options.workRoot, onBase ? 'durations-base' : 'durations', fileName(subject.name));
    const context: AttemptContext = {
      runner: options.runner,
      command: options.command,
      cwd: subject.cwd,
      env: subject.env,
      workDir,
      log: (line) => toolkit.info(line),
      pluginDir: installPlugin(workDir),
    };
    contexts.set(subject, context);
    return context;
  };
  const lone = async (rerun: {
    subject: DurationSubject;
    where: string;
    c: Candidate;
    round: number;
  }): Promise<number | null> => {
    const { subject, c } = rerun;
    const context = contextOf(subject);
    if (context.pluginDir === null) return null;
    const slower = Math.max(c.baselineMs, c.candidateMs);
    const timeoutMs = Math.min(
      options.timeoutMs,
      Math.max(MIN_RERUN_TIMEOUT_MS, slower * RERUN_TIMEOUT_FACTOR),
    );
    const label = `duration rerun ${rerun.round}/${SLOW_TEST_RULES.reruns} of ${c.id} alone ${rerun.where}`;
    const attempt = await runAttempt(context, { label, timeoutMs, only: [c.id] });
    const record = attempt.records.cases.find((x) => x.id === c.id);
    return record?.outcome === 'passed' && record.durationMs !== undefined ? record.durationMs : null;
  };

  return toolkit.group(`tests whose duration differs: ${chosen.length} rerun`, async () => {
    const pairs = new Map<Candidate, RerunPair[]>(chosen.map((c) => [c, []]));
    // Interleaved: every candidate's pair once a round, before any gets its next.
    for (let round = 1; round <= SLOW_TEST_RULES.reruns; round += 1) {
      for (const c of chosen) {
        const { baseline, candidate } = sides(c);
        const onBase = c.against === 'base';
        const baselineMs = await lone({
          subject: baseline,
          where: onBase ? `on the base commit under ${baseline.name}` : `under ${baseline.name}`,
          c,
          round,
        });
        const candidateMs = await lone({
          subject: candidate,
          where: onBase ? `on head under ${candidate.name}` : `under ${candidate.name}`,
          c,
          round,
        });
        pairs.get(c)!.push({ baselineMs, candidateMs });
      }
    }
    const said = (c: Candidate, agreed: string | undefined): void =>
      toolkit.info(
        `${described(c)}: ${agreed ? `confirmed, ${agreed} reruns agree` : 'not confirmed by its reruns'}`,
      );
    for (const c of chosen) {
      const reruns = pairs.get(c)!;
      if (c.against === 'base') {
        const found = confirmBaseCandidate({ candidate: c, reruns });
        said(c, found?.agreed);
        if (found) add(confirmed.vsBase, c.variant, found);
      } else {
        const found = confirmCandidate({ candidate: c, reruns });
        said(c, found?.agreed);
        if (found) add(confirmed.vsReference, c.variant, found);
      }
    }
    return confirmed;
  });
}
