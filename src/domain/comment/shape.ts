// What the sections ask of the report's variants: which one each is compared with, its
// interpreter's start, the tests that fail under it.
import type { Report, StartupMetric, VariantReport } from '../report.js';

export function interpreterStartup(v: VariantReport): StartupMetric | undefined {
  return v.startup.find((s) => s.kind === 'interpreter');
}

export function failingIds(v: VariantReport | undefined): Set<string> {
  const ids = new Set<string>();
  for (const c of v?.tests.cases ?? []) if (c.outcome === 'failed' || c.outcome === 'error') ids.add(c.id);
  for (const c of v?.tests.crashes ?? []) if (c.test !== null) ids.add(c.test);
  return ids;
}

export interface Shape {
  readonly reference: VariantReport | undefined;
  /**
   * What a variant is compared with: its own report's reference, or, for a report's reference
   * in a merged report, the first report's (another machine: an untested ratio at most).
   * Undefined for the reference itself.
   */
  readonly baselineOf: (v: VariantReport) => VariantReport | undefined;
  readonly hasBase: boolean;
  readonly hasBenchmarks: boolean;
  readonly hasFreeThreaded: boolean;
  readonly legs: number;
}

export function shapeOf(report: Report): Shape {
  const byName = new Map(report.variants.map((v) => [v.name, v]));
  const reference = byName.get(report.reference);
  const legReference = new Map((report.legs ?? []).map((l) => [l.label, byName.get(l.reference)]));
  return {
    reference,
    baselineOf: (v) => {
      const own = v.leg === undefined ? undefined : legReference.get(v.leg);
      if (own !== undefined && own !== v) return own;
      return v === reference ? undefined : reference;
    },
    hasBase: report.variants.some((v) => v.base !== undefined),
    hasBenchmarks: report.variants.some((v) => v.benchmarks.length > 0),
    hasFreeThreaded: report.variants.some((v) => v.interpreter?.freeThreaded === true),
    legs: report.legs?.length ?? 0,
  };
}
