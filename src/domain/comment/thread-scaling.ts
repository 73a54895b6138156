// Thread scaling: a table per workload, and the lines under the summary table that say whether
// free-threading pays off.
import { markdownTable } from 'markdown-table';
import { codeSpan } from '../escape.js';
import type { Report, ThreadPoint, ThreadScaling, VariantReport } from '../report.js';
import { formatRatio, plural, ratioText, seconds, type Section } from './format.js';
import { shapeOf, type Shape } from './shape.js';

/** The variant a `best` was decided against: the reference of the variant's own report. */
function bestBaseline(report: Report, shape: Shape, v: VariantReport): string {
  return codeSpan(shape.baselineOf(v)?.name ?? report.reference, { maxLength: 60 });
}

export function scalingSection(report: Report, shape: Shape): Section | null {
  const names = [...new Set(report.variants.flatMap((v) => (v.threadScaling ?? []).map((s) => s.name)))];
  if (names.length === 0) return null;
  const { reference } = shape;
  const refName = shape.legs > 1 ? 'its reference' : codeSpan(report.reference, { maxLength: 60 });
  const tables = names.map((name) => {
    const curves = report.variants.map((v) => v.threadScaling?.find((s) => s.name === name));
    // Sorted once per variant; each row looks its thread count up in them.
    const sorted: readonly (readonly ThreadPoint[])[] = curves.map((c) =>
      [...(c?.points ?? [])].sort((a, b) => a.threads - b.threads),
    );
    const counts = [...new Set(sorted.flatMap((points) => points.map((p) => p.threads)))].sort(
      (a, b) => a - b,
    );
    const rows = counts.map((threads) => [
      String(threads),
      ...report.variants.map((v, i) => {
        const points = sorted[i] ?? [];
        const point = points.find((p) => p.threads === threads);
        const first = points[0];
        if (!point || !first) return '—';
        const vsFirst = first === point ? '' : ` (${formatRatio(point.seconds / first.seconds)})`;
        const metric = v === reference ? undefined : v.benchmarks.find((b) => b.name === point.benchmark);
        const vsReference = metric?.vsReference ? ` · ${ratioText(metric.vsReference)}` : '';
        return `${seconds(point.seconds)}${vsFirst}${vsReference}`;
      }),
    ]);
    const header = [
      `${codeSpan(name, { maxLength: 120 })}: threads`,
      ...report.variants.map((v) => codeSpan(v.name, { maxLength: 60 })),
    ];
    const bests = report.variants.flatMap((v, i) => {
      const best = curves[i]?.best;
      return best
        ? [
            `- ${codeSpan(v.name, { maxLength: 60 })} ${bestAgainstBest(best, bestBaseline(report, shape, v))}`,
          ]
        : [];
    });
    const table = markdownTable([header, ...rows], { alignDelimiters: false });
    return bests.length > 0 ? `${table}\n\nEach at its fastest:\n${bests.join('\n')}` : table;
  });
  return {
    summary: `🧵 Thread scaling (${names.length})`,
    count: tables.length,
    body: (k) =>
      `The same work at each thread count, median seconds per run; in brackets, against that variant's fewest threads; after ·, against ${refName} at the same thread count.\n\n${tables.slice(0, k).join('\n\n')}`,
  };
}

/** "at 4 threads is **1.90x faster** than `3.13` at its fastest (1 thread)". */
function bestAgainstBest(best: NonNullable<ThreadScaling['best']>, refName: string): string {
  const ratio = ratioText(best.vsReference);
  // "≈ same than" reads wrong: a ratio of 1 is "as fast as".
  const words = ratio.endsWith('same') ? `${ratio.slice(0, -'same'.length)}as fast as` : `${ratio} than`;
  return `at ${plural(best.threads, 'thread')} is ${words} ${refName} at its fastest (${plural(best.referenceThreads, 'thread')})`;
}

const SCALING_LINES = 3;

/**
 * Under the table, one line per free-threaded variant and workload: the question people switch
 * to 3.13t for, answered by each build at its fastest thread count.
 */
export function scalingLines(report: Report): string[] {
  const shape = shapeOf(report);
  const lines = report.variants
    .filter((v) => v.interpreter?.freeThreaded)
    .flatMap((v) =>
      (v.threadScaling ?? []).flatMap((s) => {
        if (!s.best) return [];
        const lead = {
          improvement: 'Free-threading pays off for',
          regression: 'Free-threading does not pay off for',
          unchanged: 'Free-threading makes no clear difference for',
          inconclusive: 'Not enough runs to tell whether free-threading pays off for',
        }[s.best.vsReference.verdict];
        const variant = codeSpan(v.name, { maxLength: 60 });
        return [
          `🧵 ${lead} ${codeSpan(s.name, { maxLength: 120 })}: ${variant} ${bestAgainstBest(s.best, bestBaseline(report, shape, v))}.`,
        ];
      }),
    );
  if (lines.length <= SCALING_LINES) return lines;
  return [
    ...lines.slice(0, SCALING_LINES),
    `🧵 …and ${lines.length - SCALING_LINES} more under Thread scaling.`,
  ];
}
