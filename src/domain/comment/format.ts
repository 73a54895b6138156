// How numbers and the collapsible sections are written, the same in every part of the comment.
import type { RatioSummary } from '../report.js';

/** Ratios read one way throughout: this time over the baseline's time, said in words. */
export function formatRatio(ratio: number): string {
  if (Math.abs(ratio - 1) < 0.005) return 'same';
  return ratio > 1 ? `${ratio.toFixed(2)}x slower` : `${(1 / ratio).toFixed(2)}x faster`;
}

/** Bold when compare.ts called it a change; ≈ when it showed there is none; ? when it could not tell. */
export function ratioText(summary: RatioSummary | undefined, untested?: number): string {
  if (summary === undefined) return untested === undefined ? '—' : `${formatRatio(untested)}?`;
  switch (summary.verdict) {
    case 'regression':
    case 'improvement':
      return `**${formatRatio(summary.ratio)}**`;
    case 'unchanged':
      return `≈ ${formatRatio(summary.ratio)}`;
    case 'inconclusive':
      return `${formatRatio(summary.ratio)}?`;
  }
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

export function seconds(value: number | null): string {
  if (value === null) return '—';
  const units: readonly [number, string][] = [
    [1, 's'],
    [1e-3, 'ms'],
    [1e-6, 'µs'],
    [1e-9, 'ns'],
  ];
  const [scale, unit] = units.find(([s]) => Math.abs(value) >= s) ?? [1e-9, 'ns'];
  return `${(value / scale).toPrecision(3)} ${unit}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A collapsible section whose body can show the first k of its items, so it can be cut. */
export interface Section {
  readonly summary: string;
  readonly count: number;
  readonly body: (k: number) => string;
}

export function section(s: Section, k: number): string {
  const more = k < s.count ? `\n\n_…and ${s.count - k} more in the full report._` : '';
  return `<details><summary>${s.summary}</summary>\n\n${s.body(k)}${more}\n\n</details>`;
}

export function excerpt(text: string): string {
  const lines = text.split('\n');
  const tail = lines.slice(-40).join('\n');
  return tail.length > 3000 ? `…${tail.slice(-3000)}` : tail;
}
