// Number formatting for the report (thousands separators, fixed digits, a dash for missing figures, ranges over rounds).
import { figureOf } from '../harness/figures.ts';
import type { Figures } from '../harness/result.ts';
import type { Spread } from '../stats/spread.ts';

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

/** A figure with its range over the rounds, `1.23 (1.10–1.40)`; only the value when there was one round or they agree. */
export function withRange(
  value: number | null | undefined,
  spread: Spread | undefined,
  fmt: (n: number | null | undefined) => string = short,
): string {
  const v = fmt(value);
  if (spread === undefined || spread.n < 2) return v;
  const lo = fmt(spread.min);
  const hi = fmt(spread.max);
  return lo === hi ? v : `${v} (${lo}–${hi})`;
}

/** A figure of a row by key, with its range when the row is a summary over rounds. */
export function cell(
  r: Figures & { spread?: Record<string, Spread> },
  key: string,
  fmt: (n: number | null | undefined) => string = short,
): string {
  return withRange(figureOf(key).get(r), r.spread?.[key], fmt);
}

/** A per-round ratio: `1.19× (1.05–1.31×)`. */
export function ratioRange(s: Spread): string {
  if (s.n === 0) return '–';
  const v = `${short(s.median)}×`;
  const lo = short(s.min);
  const hi = short(s.max);
  return s.n < 2 || lo === hi ? v : `${v} (${lo}–${hi}×)`;
}

/** A per-round change in percent from a ratio spread: `+12.0% (+3.1 – +20.5%)`. */
export function changeRange(s: Spread): string {
  if (s.n === 0) return '–';
  const v = pct((s.median - 1) * 100);
  const lo = pct((s.min - 1) * 100);
  const hi = pct((s.max - 1) * 100);
  return s.n < 2 || lo === hi ? v : `${v} (${lo} … ${hi})`;
}

export function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '_Not in this run._';
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** `, after 1 practice storm` for the workload line (nothing for old results without practice runs, or with none). */
export function practice(count: number | undefined, what: string): string {
  return count === undefined || count === 0
    ? ''
    : `, after ${num(count)} untimed practice ${what}${count === 1 ? '' : 's'}`;
}
