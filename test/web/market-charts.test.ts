// The market charts' geometry (pure): depth accumulation and scaling, candle scaling, and the tape's figures.
import { describe, expect, test } from 'bun:test';
import { candleGeometry } from '../../src/web/candle-chart.ts';
import { depthGeometry, depthSteps, formatSize } from '../../src/web/depth-chart.ts';
import { formatSkill } from '../../src/web/leaderboard-view.ts';
import { formatTradeTime } from '../../src/web/trades-tape.ts';

/** The `x y` pairs of an SVG path made of M/L commands. */
const points = (d: string) =>
  [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);

describe('depthSteps', () => {
  test('running totals best first, rounded to the book’s precision', () => {
    expect(
      depthSteps([
        [101, 0.1],
        [100, 0.2],
        [99, 1.5],
      ]),
    ).toEqual([
      { price: 101, size: 0.1, total: 0.1 },
      { price: 100, size: 0.2, total: 0.3 },
      { price: 99, size: 1.5, total: 1.8 },
    ]);
    expect(depthSteps([])).toEqual([]);
  });
});

describe('depthGeometry', () => {
  const bids = depthSteps([
    [99, 1],
    [98, 2],
    [96, 1],
  ]);
  const asks = depthSteps([
    [101, 2],
    [102, 6],
  ]);

  test('centred on the mid price: both sides get the same span, bids left of the mid, asks right of it', () => {
    const g = depthGeometry(bids, asks, 400, 100, 0);
    // mid 100; the farthest level is the bid at 96, so the chart spans 96..104.
    expect([g.minPrice, g.maxPrice, g.midX]).toEqual([96, 104, 200]);
    expect(g.maxTotal).toBe(8);
    const b = points(g.bidLine);
    const a = points(g.askLine);
    expect(b.every(([x]) => x <= g.midX)).toBe(true);
    expect(a.every(([x]) => x >= g.midX)).toBe(true);
    // The bid staircase: up at the best bid (99 → x 150) to its size, out to 98 (x 100), up to the total, …
    expect(b).toEqual([
      [150, 100],
      [150, 87.5],
      [100, 87.5],
      [100, 62.5],
      [0, 62.5],
      [0, 50],
      [0, 50],
    ]);
    // … and the asks from 101 (x 250) to the right edge at the larger side's total (the top).
    expect(a).toEqual([
      [250, 100],
      [250, 75],
      [300, 75],
      [300, 0],
      [400, 0],
    ]);
    expect(g.askArea).toBe(`${g.askLine} L400 100 Z`);
    expect(g.bidArea).toBe(`${g.bidLine} L0 100 Z`);
  });

  test('the larger total reaches the top minus the padding; cumulative size never falls outwards', () => {
    const g = depthGeometry(bids, asks, 400, 100, 4);
    const ys = points(g.askLine).map(([, y]) => y);
    expect(Math.min(...ys)).toBe(4);
    for (let i = 1; i < ys.length; i++) expect(ys[i] as number).toBeLessThanOrEqual(ys[i - 1] as number);
  });

  test('one side empty, or a single price: still a drawable chart, never NaN', () => {
    const onlyBids = depthGeometry(bids, [], 400, 100);
    expect(onlyBids.askLine).toBe('');
    expect(onlyBids.bidLine).not.toContain('NaN');
    const single = depthGeometry(depthSteps([[50, 1]]), [], 400, 100);
    expect(single.bidLine).not.toContain('NaN');
    expect(single.minPrice).toBeLessThan(50);
    const none = depthGeometry([], [], 400, 100);
    expect(none).toMatchObject({ bidLine: '', askLine: '', maxTotal: 0 });
  });
});

describe('candleGeometry', () => {
  const c = (open: number, high: number, low: number, close: number) => ({ open, high, low, close });

  test('prices span the lowest low to the highest high; newest candle at the right edge, one slot each', () => {
    const g = candleGeometry([c(10, 12, 9, 11), c(11, 14, 10, 10)], 100, 110, 10, 5);
    expect([g.low, g.high]).toEqual([9, 14]);
    const [first, second] = g.shapes;
    // 10 slots of 10 units: the two candles take the last two, bodies 7 wide and centred.
    expect(first).toMatchObject({ cx: 85, x: 81.5, width: 7, up: true });
    expect(second).toMatchObject({ cx: 95, x: 91.5, width: 7, up: false });
    // y = 5 + (14 - p) / 5 * 100
    expect(first).toMatchObject({ wickTop: 45, wickBottom: 105, bodyTop: 65, bodyHeight: 20 });
    expect(second).toMatchObject({ wickTop: 5, wickBottom: 85, bodyTop: 65, bodyHeight: 20 });
  });

  test('only the newest `slots` are drawn; a flat range sits in the middle; a doji keeps a visible body', () => {
    const many = Array.from({ length: 15 }, (_, i) => c(i + 1, i + 2, i + 1, i + 1.5));
    const g = candleGeometry(many, 100, 100, 10, 0);
    expect(g.shapes).toHaveLength(10);
    expect(g.low).toBe(6);
    expect(g.shapes[0]?.x).toBe(1.5);
    const flat = candleGeometry([c(5, 5, 5, 5)], 100, 100, 10, 4);
    expect(flat.shapes[0]).toMatchObject({ wickTop: 50, wickBottom: 50, bodyTop: 50, bodyHeight: 1, up: true });
    expect(candleGeometry([], 100, 100)).toEqual({ shapes: [], low: 0, high: 0 });
  });
});

describe('figures', () => {
  test('skill with a sign and a true minus; trade time with milliseconds; sizes as quoted', () => {
    expect(formatSkill(0.1348)).toBe('+0.135');
    expect(formatSkill(-0.7738)).toBe('−0.774');
    expect(formatSkill(-0.0001)).toBe('0.000');
    expect(formatTradeTime('2026-12-02T10:55:06.340Z')).toBe('10:55:06.340');
    expect(formatSize(1234.56789)).toBe('1,234.56789');
    expect(formatSize(0.1)).toBe('0.1');
  });
});
