// node scripts/bench-thread-stress.mjs (issue 15): thread stress, measured through the action as
// shipped (node dist/index.js; run `npm run bundle` first) on the real 3.13 and 3.13t builds.
// 1. The A/A twin of the glyphs pull request (head changes a comment), RUNS times: a same-code
//    pull request must get no thread finding in any run.
// 2. What stress costs: the 3.13t stress run of the suite (4 threads x 3 iterations) against the
//    normal run of the same suite, on the glyphs fixture and on examples/.
import { join } from 'node:path';
import type { Report } from '../src/domain/report.js';
import {
  copyProject,
  interpretersInput,
  pytoolsInstallCommand,
  ROOT,
  runAction,
} from '../__tests__/helpers/action.js';
import { glyphsRepository, runPullRequest } from '../__tests__/helpers/glyphs.js';
import { interpretersSkipReason, pytoolsPath, realInterpreters } from '../__tests__/helpers/interpreters.js';
import { wheelsSkipReason } from '../__tests__/helpers/wheels.js';

const RUNS = Number(process.env['CPV_BENCH_RUNS'] ?? 5);
const skip = interpretersSkipReason(['3.13', '3.13t']) ?? wheelsSkipReason();
if (skip !== null) {
  console.log(`thread stress bench skipped: ${skip}`);
  process.exit(0);
}

function threadFindings(report: Report | null): number {
  return (report?.findings ?? []).filter((f) => f.kind === 'thread-unsafe' || f.kind === 'new-thread-unsafe')
    .length;
}

function cost(label: string, report: Report | null): void {
  const v = report?.variants.find((x) => x.name === '3.13t');
  const s = v?.threadStress;
  if (!v || s?.status !== 'ran') {
    console.log(`${label}: no stress run (${s?.reason ?? 'no report'})`);
    return;
  }
  const ratio = s.runDurationMs / v.tests.durationMs;
  console.log(
    `${label}: normal run ${(v.tests.durationMs / 1000).toFixed(2)} s, stress run (${s.threads} threads x ${s.iterations}) ` +
      `${(s.runDurationMs / 1000).toFixed(2)} s = ${ratio.toFixed(2)}x; all stress work (install, run, repeats) ` +
      `${(s.durationMs / 1000).toFixed(2)} s; ${s.passed} passed, ${s.threadUnsafe} thread-unsafe, ${s.singleThreaded} single-threaded`,
  );
}

let clean = 0;
let last: Report | null = null;
for (let run = 1; run <= RUNS; run += 1) {
  const result = await runPullRequest(glyphsRepository('comment'));
  const found = threadFindings(result.report);
  if (found === 0 && result.exitCode === 0) clean += 1;
  console.log(`A/A run ${run}/${RUNS}: ${found} thread findings, exit ${result.exitCode}`);
  cost(`  glyphs fixture, 3.13t`, result.report);
  last = result.report;
}
console.log(`A/A twin: no thread finding and a passing step in ${clean} of ${RUNS} runs`);

const examples = await runAction({
  cwd: copyProject(join(ROOT, 'examples')),
  inputs: {
    variants: '3.13t',
    interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13t']),
    'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
    'test-command': 'python -m pytest -q',
    'measure-minutes': '0.1',
    comment: 'off',
  },
});
cost('examples/, 3.13t', examples.report);
if (last === null || clean < RUNS) process.exitCode = 1;
