// Number formatting for the report (thousands separators, fixed digits, a dash for missing figures).

export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Two significant-ish digits for latencies and ratios: 0.84, 3.1, 27, 1,204. */
export function short(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  return num(n, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

export function ratio(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : `${short(n)}×`;
}

export function pct(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return `${n >= 0 ? '+' : ''}${num(n, 1)}%`;
}
