// The tests a build makes much slower or faster (domain/slow-tests.ts), confirmed: each candidate
// rerun alone under the reference and under its variant, side by side, round after round, so a
// busy moment of the runner hits both sides of a pair or a single round, not the verdict.
import { join } from 'node:path';
import {
  confirmCandidate,
  durationCandidates,
  planReruns,
  SLOW_TEST_RULES,
  type Candidate,
} from '../domain/slow-tests.js';
import type { SlowTest, TestCase } from '../domain/report.js';
import type { ProcessRunner, Toolkit } from '../ports.js';
import { installPlugin, runAttempt, type AttemptContext } from './test-attempt.js';

export interface DurationSubject {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The normal run's per-test records. */
  readonly cases: readonly TestCase[];
}

// A lone rerun gets this many times the slower side's time, and at least a minute.
const RERUN_TIMEOUT_FACTOR = 4;
const MIN_RERUN_TIMEOUT_MS = 60_000;

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '_');
}

/** Confirmed slow (or fast) tests per variant name; variants with none are absent. */
export async function confirmSlowTests(options: {
  runner: ProcessRunner;
  toolkit: Toolkit;
  command: string;
  reference: string;
  subjects: readonly DurationSubject[];
  measureMinutes: number;
  timeoutMs: number;
  workRoot: string;
}): Promise<Map<string, SlowTest[]>> {
  const { toolkit } = options;
  const reference = options.subjects.find((s) => s.name === options.reference);
  const confirmed = new Map<string, SlowTest[]>();
  if (!reference) return confirmed;
  const others = options.subjects.filter((s) => s !== reference);
  const candidates = durationCandidates({ reference: reference.cases, variants: others });
  if (candidates.length === 0) return confirmed;
  const budgetMs = options.measureMinutes * 60_000 * SLOW_TEST_RULES.budgetShare;
  const { chosen, skipped } = planReruns({ candidates, budgetMs });
  for (const c of skipped)
    toolkit.info(
      `${c.id} under ${c.variant}: not rerun (at most ${SLOW_TEST_RULES.maxTests} tests, ${Math.round(budgetMs / 1000)} s)`,
    );
  if (chosen.length === 0) return confirmed;

  const contexts = new Map<string, AttemptContext>();
  const contextOf = (subject: DurationSubject): AttemptContext => {
    const known = contexts.get(subject.name);
    if (known) return known;
    const workDir = join(options.workRoot, 'durations', fileName(subject.name));
    const context: AttemptContext = {
      runner: options.runner,
      command: options.command,
      cwd: subject.cwd,
      env: subject.env,
      workDir,
      log: (line) => toolkit.info(line),
      pluginDir: installPlugin(workDir),
    };
    contexts.set(subject.name, context);
    return context;
  };
  const lone = async (subject: DurationSubject, c: Candidate, round: number): Promise<number | null> => {
    const context = contextOf(subject);
    if (context.pluginDir === null) return null;
    const slower = Math.max(c.referenceMs, c.variantMs);
    const timeoutMs = Math.min(
      options.timeoutMs,
      Math.max(MIN_RERUN_TIMEOUT_MS, slower * RERUN_TIMEOUT_FACTOR),
    );
    const label = `duration rerun ${round}/${SLOW_TEST_RULES.reruns} of ${c.id} alone under ${subject.name}`;
    const attempt = await runAttempt(context, { label, timeoutMs, only: [c.id] });
    const record = attempt.records.cases.find((x) => x.id === c.id);
    return record?.outcome === 'passed' && record.durationMs !== undefined ? record.durationMs : null;
  };

  return toolkit.group(`tests whose duration differs between builds: ${chosen.length} rerun`, async () => {
    const pairs = new Map<Candidate, { referenceMs: number | null; variantMs: number | null }[]>(
      chosen.map((c) => [c, []]),
    );
    // Interleaved: every candidate's pair once a round, before any gets its next.
    for (let round = 1; round <= SLOW_TEST_RULES.reruns; round += 1) {
      for (const c of chosen) {
        const subject = others.find((s) => s.name === c.variant)!;
        const referenceMs = await lone(reference, c, round);
        const variantMs = await lone(subject, c, round);
        pairs.get(c)!.push({ referenceMs, variantMs });
      }
    }
    for (const c of chosen) {
      const slow = confirmCandidate({ candidate: c, reruns: pairs.get(c)! });
      toolkit.info(
        `${c.id} under ${c.variant}: ${slow ? `confirmed, ${slow.agreed} reruns agree` : 'not confirmed by its reruns'}`,
      );
      if (slow) confirmed.set(c.variant, [...(confirmed.get(c.variant) ?? []), slow]);
    }
    return confirmed;
  });
}
