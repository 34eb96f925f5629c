// Tests for the exchange: start levels, change_percent, rounding, ticks = last trade, candles, books under stress,
// state round trips mid-hour, replay of recorded prices.

import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import type { MarketDataEvent } from '../../src/sim/book/market-data.ts';
import { DEFAULT_MARKET_CONFIG, Market } from '../../src/sim/market.ts';
import type { PriceRow } from '../../src/sim/price-csv.ts';
import { percentChange, priceDecimals, roundPrice } from '../../src/sim/rounding.ts';
import { symbolProfile } from '../../src/sim/symbols.ts';

function decimalsOf(x: number): number {
  const s = String(x);
  if (s.includes('e-')) return Number(s.split('e-')[1]) + (s.split('e-')[0]?.split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

describe('symbol profiles', () => {
  test('known symbols start at realistic levels', () => {
    expect(symbolProfile('BTC-USD', 1).startPrice).toBe(45000);
    expect(symbolProfile('ETH-USD', 1).startPrice).toBe(2500);
    expect(symbolProfile('SOL-USD', 1).startPrice).toBe(100);
    expect(symbolProfile('BTC-USD', 1).annualVol).toBeGreaterThan(0);
  });

  test('unknown symbols get deterministic, seed-dependent plausible profiles', () => {
    const a = symbolProfile('ZZZ-USD', 5);
    expect(symbolProfile('ZZZ-USD', 5)).toEqual(a);
    expect(a.startPrice).toBeGreaterThanOrEqual(0.05);
    expect(a.startPrice).toBeLessThanOrEqual(2000);
    expect(a.annualVol).toBeGreaterThanOrEqual(0.3);
    expect(a.annualVol).toBeLessThanOrEqual(1.2);
    const others = [6, 7, 8, 9].map((s) => symbolProfile('ZZZ-USD', s).startPrice);
    expect(others.some((p) => p !== a.startPrice)).toBe(true);
  });
});

describe('rounding', () => {
  test('prices >= 1 have 2 decimals, smaller prices keep more', () => {
    expect(roundPrice(45000.123456)).toBe(45000.12);
    expect(roundPrice(0.123456789)).toBe(0.123457);
    expect(roundPrice(0.000012345678)).toBe(0.00001235);
    expect(priceDecimals(1)).toBe(2);
    expect(priceDecimals(0.5)).toBe(6);
    expect(roundPrice(1e-20)).toBeGreaterThan(0);
  });

  test('change_percent is the rounded percent change vs the previous tick', () => {
    expect(percentChange(100, 101)).toBe(1);
    expect(percentChange(3, 2)).toBe(-33.3333);
    expect(percentChange(100, 100)).toBe(0);
    expect(Object.is(percentChange(100, 99.999999999), -0)).toBe(false);
  });
});

const K = DEFAULT_MARKET_CONFIG.subSteps;

/** One market step at hour h (5 s cadence) and its flow micro-steps. */
function hour(m: Market, h: number, out: MarketDataEvent[] = []): MarketDataEvent[] {
  m.step(h * 5000, out);
  for (let k = 1; k < K; k++) m.micro(h * 5000 + (k * 5000) / K, out);
  return out;
}

describe('simulated exchange', () => {
  test('first tick publishes the start price with change 0; later ticks are the last trade and move', () => {
    const m = Market.create(1, ['BTC-USD', 'ETH-USD'], 11, {}, undefined, { trades: true });
    const out = hour(m, 0);
    expect(m.ticks()).toEqual([
      { symbol: 'BTC-USD', price: 45000, change_percent: 0 },
      { symbol: 'ETH-USD', price: 2500, change_percent: 0 },
    ]);
    const first = m.ticks();
    m.step(5000, out);
    const second = m.ticks();
    expect(second[0]?.price).not.toBe(45000);
    for (let i = 0; i < 2; i++) {
      const t = second[i];
      expect(t?.change_percent).toBe(percentChange(first[i]?.price ?? 0, t?.price ?? 0));
      const lastTrade = out.filter((e) => e.kind === 'trade' && e.data.symbol === t?.symbol).at(-1);
      expect(lastTrade?.kind === 'trade' && lastTrade.data.price).toBe(t?.price ?? -1);
    }
  });

  test('ticks are on the tick grid of their instrument', () => {
    const m = Market.create(3, ['BTC-USD', 'DOGE-USD', 'SHIB-USD'], 3);
    for (let h = 0; h < 100; h++) {
      hour(m, h);
      m.ticks().forEach((t, i) => {
        expect(decimalsOf(t.price)).toBeLessThanOrEqual(m.instrument(i)?.tickDecimals ?? -1);
        expect(decimalsOf(t.change_percent)).toBeLessThanOrEqual(4);
      });
    }
  });

  test('every symbol trades on every micro-step; books are never crossed; candles agree with the trades', () => {
    const m = Market.create(5, ['BTC-USD', 'SOL-USD', 'NEW-USD'], 5, {}, undefined, { trades: true, candles: true });
    const perStep = new Map<string, number>();
    for (let h = 0; h < 30; h++) {
      m.step(h * 5000, []);
      for (let k = 1; k < K; k++) {
        const out: MarketDataEvent[] = [];
        m.micro(h * 5000 + (k * 5000) / K, out);
        expect(m.checkBooks()).toBeNull();
        const symbols = new Set(out.filter((e) => e.kind === 'trade').map((e) => e.data.symbol));
        expect(symbols.size).toBe(3);
        for (const s of symbols) perStep.set(s, (perStep.get(s) ?? 0) + 1);
      }
    }
    // Candles: OHLCV of the trades of each hour; the closing candle's close is the next tick.
    const all: MarketDataEvent[] = [];
    const m2 = Market.create(5, ['BTC-USD'], 5, {}, undefined, { trades: true, candles: true });
    for (let h = 0; h < 6; h++) hour(m2, h, all);
    m2.step(6 * 5000, all);
    const closed = all.filter((e) => e.kind === 'candle' && e.data.closed);
    expect(closed).toHaveLength(6);
    for (const c of closed) {
      if (c.kind !== 'candle') continue;
      const trades = all.filter((e) => e.kind === 'trade' && e.at >= c.data.start && e.at < c.data.start + 5000);
      const px = trades.map((e) => (e.kind === 'trade' ? e.data.price : 0));
      const vol = trades.reduce((s, e) => s + (e.kind === 'trade' ? e.data.size : 0), 0);
      expect(c.data.open).toBe(px[0] ?? -1);
      expect(c.data.close).toBe(px.at(-1) ?? -1);
      expect(c.data.high).toBe(Math.max(...px));
      expect(c.data.low).toBe(Math.min(...px));
      expect(c.data.volume).toBeCloseTo(vol, 6);
      expect(c.data.interval).toBe('1h');
    }
    expect(m2.price(0)).toBe(
      closed.at(-1)?.kind === 'candle' ? (closed.at(-1) as { data: { close: number } }).data.close : -1,
    );
    const forming = all.filter((e) => e.kind === 'candle' && !e.data.closed);
    expect(forming.length).toBeGreaterThan(0);
    expect(forming.length).toBeLessThanOrEqual(6 * (K - 1) + 1);
  });

  test('duplicate symbols are collapsed and empty symbol lists rejected', () => {
    expect(Market.create(1, ['BTC-USD', 'BTC-USD'], 1).symbols).toEqual(['BTC-USD']);
    expect(() => Market.create(1, [], 1)).toThrow(RangeError);
  });

  test('same rng seed yields the same path; a mid-hour state restore continues it', () => {
    const a = Market.create(1, ['BTC-USD', 'SOL-USD'], 77);
    const b = Market.create(1, ['BTC-USD', 'SOL-USD'], 77);
    for (let h = 0; h < 5; h++) {
      hour(a, h);
      hour(b, h);
    }
    a.step(25_000, []);
    b.step(25_000, []);
    a.micro(25_250, []);
    b.micro(25_250, []);
    const c = Market.restore(JSON.parse(JSON.stringify(a.state())));
    expect(c.state()).toEqual(a.state());
    for (let k = 2; k < K; k++) {
      for (const m of [a, b, c]) m.micro(25_000 + k * 250, []);
    }
    for (let h = 6; h < 9; h++) for (const m of [a, b, c]) hour(m, h);
    expect(c.state()).toEqual(a.state());
    expect(b.ticks()).toEqual(a.ticks());
    expect(c.checkBooks()).toBeNull();
  });

  test('prices stay positive and finite, books sound, under extreme volatility', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        (seed, volScale) => {
          const m = Market.create(seed, ['BTC-USD', 'SHIB-USD', 'NEW-USD'], seed, { volScale });
          for (let h = 0; h < 12; h++) {
            hour(m, h);
            for (const t of m.ticks())
              if (!(t.price > 0) || !Number.isFinite(t.price) || !Number.isFinite(t.change_percent)) return false;
            if (m.checkBooks() !== null) return false;
          }
          return true;
        },
      ),
      { numRuns: 15 },
    );
  });

  test('a market order moves the mid more the larger it is, and less than proportionally (concave impact)', () => {
    // Mean over books of ten seeds, three hours into the run, of the mid's log move right after a market buy.
    const impact = (notional: number): number => {
      let sum = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const m = Market.create(seed, ['BTC-USD'], seed);
        for (let h = 0; h < 3; h++) hour(m, h);
        const before = m.venueStats()[0];
        const mid0 = ((before?.bestBid ?? 0) + (before?.bestAsk ?? 0)) / 2;
        m.execute(0, 'probe', 1, notional / mid0);
        const after = m.venueStats()[0];
        sum += Math.log(((after?.bestBid ?? 0) + (after?.bestAsk ?? 0)) / 2 / mid0);
      }
      return sum / 10;
    };
    const sizes = [50_000, 100_000, 200_000, 400_000, 800_000];
    const moves = sizes.map(impact);
    expect(moves[0] ?? 0).toBeGreaterThan(0);
    for (let i = 1; i < moves.length; i++) {
      expect(moves[i] ?? 0).toBeGreaterThan(moves[i - 1] ?? 0);
      // Twice the size moves the mid by less than twice as much.
      expect(moves[i] ?? 0).toBeLessThan(2 * (moves[i - 1] ?? 0));
    }
  });
});

describe('replay market', () => {
  const rows: PriceRow[] = [
    { timestamp: 1, symbol: 'AAA', price: 10 },
    { timestamp: 1, symbol: 'BBB', price: 0.5 },
    { timestamp: 2, symbol: 'AAA', price: 11 },
    { timestamp: 3, symbol: 'AAA', price: 12.5 },
    { timestamp: 2, symbol: 'BBB', price: 0.25 },
  ];

  test('CSV symbols define the list; ticks follow the recorded sequences and loop; the books trade around them', () => {
    const m = Market.create(1, ['IGNORED'], 1, {}, rows, { trades: true });
    expect(m.symbols).toEqual(['AAA', 'BBB']);
    const seen: Array<[number, number]> = [];
    const changes: number[] = [];
    for (let h = 0; h < 5; h++) {
      const out = hour(m, h);
      const t = m.ticks();
      seen.push([t[0]?.price ?? 0, t[1]?.price ?? 0]);
      changes.push(t[0]?.change_percent ?? NaN);
      const last = out.filter((e) => e.kind === 'trade' && e.data.symbol === 'AAA').at(-1);
      // By the hour's end the value has reached the next row and the book trades near it.
      const next = [11, 12.5, 10, 11, 12.5][h] ?? 0;
      expect(last?.kind === 'trade' ? Math.abs(Math.log(last.data.price / next)) : 1).toBeLessThan(0.02);
    }
    expect(seen).toEqual([
      [10, 0.5],
      [11, 0.25],
      [12.5, 0.5],
      [10, 0.25],
      [11, 0.5],
    ]);
    expect(changes).toEqual([0, 10, 13.6364, -20, 10]);
  });

  test('restoring a replay snapshot needs the same rows', () => {
    const m = Market.create(1, [], 1, {}, rows);
    hour(m, 0);
    hour(m, 1);
    const state = JSON.parse(JSON.stringify(m.state()));
    expect(() => Market.restore(state)).toThrow(RangeError);
    const r = Market.restore(state, {}, rows);
    hour(m, 2);
    hour(r, 2);
    expect(r.ticks()).toEqual(m.ticks());
    expect(r.state()).toEqual(m.state());
  });
});
