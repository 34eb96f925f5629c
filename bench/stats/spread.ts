// A figure over rounds: its median, with the smallest and largest round, so a reader sees how far one run can move it.

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Rounds with a finite value (the others did not produce this figure). */
  n: number;
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median and range of the finite values (nulls and NaN are rounds without the figure). */
export function spreadOf(values: readonly (number | null | undefined)[]): Spread {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/** `null` for a figure no round produced, else its median (what a summary row carries). */
export function medianOrNull(values: readonly (number | null | undefined)[]): number | null {
  const s = spreadOf(values);
  return s.n === 0 ? null : s.median;
}
