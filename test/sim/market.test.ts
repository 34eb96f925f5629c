// Tests for the price model: start levels, change_percent, rounding, regimes/jumps bounds, replay looping.

import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { Market, DEFAULT_MARKET_CONFIG } from '../../src/sim/market.ts';
import { percentChange, priceDecimals, roundPrice } from '../../src/sim/rounding.ts';
import { symbolProfile } from '../../src/sim/symbols.ts';
import type { PriceRow } from '../../src/sim/price-csv.ts';

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

describe('GBM market', () => {
  test('first tick publishes the start price with change 0, later ticks move', () => {
    const m = Market.create(1, ['BTC-USD', 'ETH-USD'], 11);
    m.step(0);
    const first = m.ticks();
    expect(first).toEqual([
      { symbol: 'BTC-USD', price: 45000, change_percent: 0 },
      { symbol: 'ETH-USD', price: 2500, change_percent: 0 },
    ]);
    m.step(5000);
    const second = m.ticks();
    expect(second[0]?.price).not.toBe(45000);
    for (let i = 0; i < 2; i++) {
      const prev = first[i]?.price ?? 0;
      const t = second[i];
      expect(t?.change_percent).toBe(percentChange(prev, t?.price ?? 0));
    }
  });

  test('ticks have bounded decimals per the rounding rule', () => {
    const m = Market.create(3, ['BTC-USD', 'DOGE-USD', 'SHIB-USD'], 3);
    for (let i = 0; i < 200; i++) {
      m.step(i * 5000);
      for (const t of m.ticks()) {
        expect(decimalsOf(t.price)).toBeLessThanOrEqual(priceDecimals(t.price));
        expect(decimalsOf(t.change_percent)).toBeLessThanOrEqual(4);
      }
    }
  });

  test('duplicate symbols are collapsed and empty symbol lists rejected', () => {
    expect(Market.create(1, ['BTC-USD', 'BTC-USD'], 1).symbols).toEqual(['BTC-USD']);
    expect(() => Market.create(1, [], 1)).toThrow(RangeError);
  });

  test('same rng seed yields the same path; state restore continues it', () => {
    const a = Market.create(1, ['BTC-USD', 'SOL-USD'], 77);
    const b = Market.create(1, ['BTC-USD', 'SOL-USD'], 77);
    for (let i = 0; i < 30; i++) {
      a.step(i);
      b.step(i);
    }
    const c = Market.restore(JSON.parse(JSON.stringify(a.state())));
    for (let i = 30; i < 60; i++) {
      a.step(i);
      b.step(i);
      c.step(i);
      expect(c.ticks()).toEqual(a.ticks());
      expect(b.ticks()).toEqual(a.ticks());
    }
  });

  test('prices stay positive and finite under extreme volatility and jumps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (seed, volScale, jumpLogMean) => {
          const m = Market.create(seed, ['BTC-USD', 'SHIB-USD', 'NEW-USD'], seed, {
            volScale, jumpProbCalm: 0.5, jumpProbTurbulent: 0.9, jumpLogMean, jumpLogStd: 20, calmToTurbulent: 0.5,
          });
          for (let i = 0; i < 100; i++) {
            m.step(i);
            for (const t of m.ticks()) {
              if (!(t.price > 0) || !Number.isFinite(t.price) || !Number.isFinite(t.change_percent)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });

  test('turbulent regime and jumps raise realised volatility', () => {
    const realised = (cfg: object): number => {
      const m = Market.create(1, ['BTC-USD'], 5, cfg);
      let prev = 0;
      let ss = 0;
      for (let i = 0; i < 3000; i++) {
        m.step(i);
        const p = m.price(0);
        if (i > 0) ss += Math.log(p / prev) ** 2;
        prev = p;
      }
      return Math.sqrt(ss / 2999);
    };
    const calm = realised({ calmToTurbulent: 0, jumpProbCalm: 0 });
    const wild = realised({ calmToTurbulent: 1, turbulentToCalm: 0, jumpProbTurbulent: 0.2 });
    const expectedCalm = 0.6 * Math.sqrt(DEFAULT_MARKET_CONFIG.stepYears);
    expect(calm).toBeGreaterThan(expectedCalm * 0.9);
    expect(calm).toBeLessThan(expectedCalm * 1.1);
    expect(wild).toBeGreaterThan(calm * 2);
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

  test('CSV symbols define the list; each step advances per-symbol sequences and loops', () => {
    const m = Market.create(1, ['IGNORED'], 1, {}, rows);
    expect(m.symbols).toEqual(['AAA', 'BBB']);
    const seen: Array<[number, number]> = [];
    const changes: number[] = [];
    for (let i = 0; i < 5; i++) {
      m.step(i * 1000);
      const t = m.ticks();
      seen.push([t[0]?.price ?? 0, t[1]?.price ?? 0]);
      changes.push(t[0]?.change_percent ?? NaN);
    }
    expect(seen).toEqual([[10, 0.5], [11, 0.25], [12.5, 0.5], [10, 0.25], [11, 0.5]]);
    expect(changes).toEqual([0, 10, 13.6364, -20, 10]);
  });

  test('restoring a replay snapshot needs the same rows', () => {
    const m = Market.create(1, [], 1, {}, rows);
    m.step(0);
    m.step(1);
    const state = JSON.parse(JSON.stringify(m.state()));
    expect(() => Market.restore(state)).toThrow(RangeError);
    const r = Market.restore(state, {}, rows);
    m.step(2);
    r.step(2);
    expect(r.ticks()).toEqual(m.ticks());
  });
});
