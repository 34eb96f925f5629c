// Rounding rules for published prices and percentages.

/** Round half-up to `decimals`; normalizes -0 to 0 so JSON output never shows "-0". */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

/** Smallest price the market will ever publish; keeps prices strictly positive after rounding. */
export const MIN_PUBLISHED_PRICE = 1e-8;

/** Decimals used for a price: 2 at or above 1, 6 in [0.01, 1), 8 below 0.01 (so sub-cent coins keep precision). */
export function priceDecimals(price: number): number {
  if (price >= 1) return 2;
  if (price >= 0.01) return 6;
  return 8;
}

export function roundPrice(price: number): number {
  const r = roundTo(price, priceDecimals(price));
  return Math.max(r, MIN_PUBLISHED_PRICE);
}

/**
 * change_percent: (price - previous) / previous * 100, both being published (rounded) prices of the
 * same symbol on consecutive ticks, rounded to 4 decimals.
 */
export function percentChange(previous: number, price: number): number {
  if (!(previous > 0)) return 0;
  return roundTo(((price - previous) / previous) * 100, 4);
}

/** Money amounts in reports are rounded to cents. */
export function roundMoney(x: number): number {
  return roundTo(x, 2);
}
