// Sparkline geometry and the dashboard's number formats.
import { describe, expect, test } from 'bun:test';
import { formatClock, formatMoney, formatPercent, formatPrice, formatRate } from '../../src/web/format.ts';
import { sparklinePaths } from '../../src/web/sparkline.ts';

describe('sparklinePaths', () => {
  test('scales the series into the box: lowest at the bottom pad, highest at the top pad', () => {
    const p = sparklinePaths([1, 3, 2], 100, 30, 2);
    expect(p.line).toBe('M0 28 L50 2 L100 15');
    expect(p.area).toBe('M0 28 L50 2 L100 15 L100 30 L0 30 Z');
    expect(p.end).toEqual({ x: 100, y: 15 });
  });

  test('empty, single and flat series', () => {
    expect(sparklinePaths([], 100, 30)).toEqual({ line: '', area: '', end: null });
    expect(sparklinePaths([5], 100, 30).line).toBe('M0 15 L100 15');
    expect(sparklinePaths([2, 2, 2], 100, 30).line).toBe('M0 15 L50 15 L100 15');
  });

  test('coordinates stay inside the box for any values', () => {
    const values = Array.from({ length: 240 }, (_, i) => Math.sin(i) * 1e6 + 1e-3 * i);
    const { line } = sparklinePaths(values, 120, 36, 2);
    const coords = [...line.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(coords).toHaveLength(240);
    for (const [x, y] of coords) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(120);
      expect(y).toBeGreaterThanOrEqual(2);
      expect(y).toBeLessThanOrEqual(34);
    }
  });
});

describe('format', () => {
  test('prices, money, percents, rates and clock', () => {
    expect(formatPrice(45150.324)).toBe('$45,150.32');
    expect(formatPrice(0.585474)).toBe('$0.585474');
    expect(formatPrice(0.5)).toBe('$0.5000');
    expect(formatMoney(115000.5)).toBe('$115,000.50');
    expect(formatPercent(0.451)).toBe('+0.45%');
    expect(formatPercent(-1.2)).toBe('−1.20%');
    expect(formatPercent(-0.0001)).toBe('0.00%');
    expect(formatRate(0.621)).toBe('62.1%');
    expect(formatClock('2026-02-03T14:30:45.123Z')).toBe('14:30:45');
  });
});
