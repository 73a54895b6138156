// What every leg of .github/workflows/e2e.yml asserts about the report.json it made: each
// requested variant is there, was built as named (free-threaded, JIT), ran tests that passed and
// has a startup figure. Prints one ::error:: per problem and exits 1 if there is any.
//
//   REPORT=path VARIANTS='3.13 3.13t' [VERDICT=pass CRASHES=0] node scripts/check-e2e-report.mjs
//
// VERDICT and CRASHES are the step's outputs; a leg in mode measure has no verdict to check.
import { readFileSync } from 'node:fs';
import console from 'node:console';
import process from 'node:process';

/** The problems with `report` for the variants asked for (`want`), each one line. */
export function reportProblems(report, options) {
  const problems = [];
  const got = report.variants.map((v) => v.name);
  if (got.join(' ') !== options.want.join(' '))
    problems.push(`variants ${got.join(' ')}, expected ${options.want.join(' ')}`);
  if (options.verdict !== undefined && (options.verdict !== 'pass' || report.verdict !== 'pass'))
    problems.push(`verdict ${options.verdict} / ${report.verdict}`);
  if (options.crashes !== undefined && options.crashes !== '0')
    problems.push(`crashes output ${options.crashes}`);
  for (const v of report.variants) {
    const i = v.interpreter ?? {};
    if (i.freeThreaded !== /^[0-9.]+t/.test(v.name))
      problems.push(`${v.name}: freeThreaded ${i.freeThreaded}`);
    if (i.jit !== v.name.includes('+jit')) problems.push(`${v.name}: jit ${i.jit}`);
    const t = v.tests ?? {};
    if (!(t.passed > 0) || (t.failed ?? 0) + (t.errors ?? 0) + (t.crashed ?? 0) !== 0)
      problems.push(`${v.name}: tests ${JSON.stringify(t)}`);
    // The interpreter's own start is measured for every variant on every platform.
    const start = (v.startup ?? []).find((m) => m.kind === 'interpreter');
    if (!start || typeof start.median !== 'number' || !(start.median > 0))
      problems.push(`${v.name}: no startup figure (${start?.error ?? 'python -c pass is missing'})`);
  }
  return problems;
}

// Run as a script (not imported by the tests): on Windows argv[1] has backslashes, so no URL compare.
if (process.argv[1]?.endsWith('check-e2e-report.mjs')) {
  const { REPORT, VARIANTS, VERDICT, CRASHES } = process.env;
  const report = JSON.parse(readFileSync(REPORT ?? '', 'utf8'));
  const problems = reportProblems(report, {
    want: (VARIANTS ?? '').split(/[\s,]+/).filter(Boolean),
    ...(VERDICT ? { verdict: VERDICT } : {}),
    ...(CRASHES ? { crashes: CRASHES } : {}),
  });
  for (const p of problems) console.log(`::error title=report.json::${p}`);
  if (problems.length === 0)
    console.log(`report.json agrees: ${report.variants.map((v) => v.name).join(', ')}`);
  process.exit(problems.length === 0 ? 0 : 1);
}
