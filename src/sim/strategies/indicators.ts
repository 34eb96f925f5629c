// Window statistics over a price ring; `offset` skips the most recent values (offset 1 = exclude current).

import type { PriceRing } from '../price-ring.ts';

/** Mean of `n` values ending `offset` back from the latest; NaN if the history is too short. */
export function mean(h: PriceRing, n: number, offset = 0): number {
  if (n < 1 || h.length < n + offset) return Number.NaN;
  let sum = 0;
  for (let k = offset; k < offset + n; k++) sum += h.back(k);
  return sum / n;
}

/** Population standard deviation over the same window as `mean`. */
export function stdDev(h: PriceRing, n: number, offset = 0): number {
  const m = mean(h, n, offset);
  if (Number.isNaN(m)) return Number.NaN;
  let ss = 0;
  for (let k = offset; k < offset + n; k++) {
    const d = h.back(k) - m;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

export function windowMax(h: PriceRing, n: number, offset = 0): number {
  if (n < 1 || h.length < n + offset) return Number.NaN;
  let m = -Infinity;
  for (let k = offset; k < offset + n; k++) {
    const v = h.back(k);
    if (v > m) m = v;
  }
  return m;
}

export function windowMin(h: PriceRing, n: number, offset = 0): number {
  if (n < 1 || h.length < n + offset) return Number.NaN;
  let m = Infinity;
  for (let k = offset; k < offset + n; k++) {
    const v = h.back(k);
    if (v < m) m = v;
  }
  return m;
}
