// Number and time formatting for the dashboard (pure; fixed en-US grouping so every viewer reads the same figures).

const money2 = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const money6 = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 4,
  maximumFractionDigits: 6,
});

/** `$45,150.32`; prices under 1 keep their quoted precision (`$0.585474`). */
export function formatPrice(price: number): string {
  return Math.abs(price) >= 1 ? money2.format(price) : money6.format(price);
}

/** `$115,000.50` */
export function formatMoney(value: number): string {
  return money2.format(value);
}

/** `+0.45%` / `−1.20%` (a true minus sign, so the columns of figures line up). */
export function formatPercent(value: number, digits = 2): string {
  const fixed = Math.abs(value).toFixed(digits);
  if (Number(fixed) === 0) return `${(0).toFixed(digits)}%`;
  return `${value > 0 ? '+' : '−'}${fixed}%`;
}

/** `62.1%` from a rate in [0, 1]. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** `14:30:45` in UTC, as the stream stamps it. */
export function formatClock(iso: string): string {
  const t = /T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return t ? (t[1] as string) : iso;
}
