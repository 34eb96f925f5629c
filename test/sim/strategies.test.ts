// Unit tests of each strategy's decision rule on constructed price paths.

import { describe, expect, test } from 'bun:test';
import { balanced, breakout, conservative, meanReversion, momentum } from '../../src/sim/strategies/index.ts';
import { mean, stdDev, windowMax, windowMin } from '../../src/sim/strategies/indicators.ts';
import { geometric, ring, wiggle } from './helpers.ts';

describe('indicators', () => {
  test('window statistics honour length and offset', () => {
    const h = ring([1, 2, 3, 4, 10]);
    expect(mean(h, 2)).toBe(7);
    expect(mean(h, 2, 1)).toBe(3.5);
    expect(windowMax(h, 3, 1)).toBe(4);
    expect(windowMin(h, 3)).toBe(3);
    expect(stdDev(ring([2, 4, 4, 4, 5, 5, 7, 9]), 8)).toBe(2);
    expect(mean(h, 6)).toBeNaN();
  });
});

describe('Momentum', () => {
  const p = { ...momentum.defaults };
  test('a rising path makes it buy, a falling one sell', () => {
    expect(momentum.signal(ring(geometric(100, 0.01, 20)), p, 0)).toBe(1);
    expect(momentum.signal(ring(geometric(100, -0.01, 20)), p, 0)).toBe(-1);
  });
  test('a flat path gives no signal and too little history gives none', () => {
    expect(momentum.signal(ring(new Array(20).fill(100)), p, 0)).toBeNull();
    expect(momentum.signal(ring(geometric(100, 0.05, 5)), p, 0)).toBeNull();
  });
  test('a reversal against an open long exits', () => {
    const path = [...new Array(10).fill(100), 99.8];
    expect(momentum.signal(ring(path), p, 1)).toBe(0);
  });
});

describe('Balanced (MA crossover)', () => {
  const p = { ...balanced.defaults };
  test('buys on the step the fast average crosses above the slow one', () => {
    const flat = new Array(20).fill(100);
    expect(balanced.signal(ring([...flat, 103]), p, 0)).toBe(1);
    expect(balanced.signal(ring([...flat, 97]), p, 0)).toBe(-1);
  });
  test('no signal while already above (no cross) or without enough history', () => {
    expect(balanced.signal(ring(geometric(100, 0.01, 40)), p, 1)).toBeNull();
    expect(balanced.signal(ring([100, 101, 102]), p, 0)).toBeNull();
  });
});

describe('MeanReversion', () => {
  const p = { ...meanReversion.defaults };
  const calm = wiggle(100, 0.002, 30);
  test('a spike above the mean makes it short, a crash below makes it buy', () => {
    expect(meanReversion.signal(ring([...calm, 104]), p, 0)).toBe(-1);
    expect(meanReversion.signal(ring([...calm, 96]), p, 0)).toBe(1);
  });
  test('back near the mean it exits an open position; flat history gives no signal', () => {
    expect(meanReversion.signal(ring([...calm, 100]), p, -1)).toBe(0);
    expect(meanReversion.signal(ring(new Array(30).fill(100)), p, 0)).toBeNull();
  });
});

describe('Breakout', () => {
  const p = { ...breakout.defaults };
  const range = wiggle(100, 0.01, 30);
  test('a close above the channel buys, below it sells', () => {
    expect(breakout.signal(ring([...range, 102]), p, 0)).toBe(1);
    expect(breakout.signal(ring([...range, 98]), p, 0)).toBe(-1);
  });
  test('inside the channel: hold, unless the exit channel is broken against the position', () => {
    expect(breakout.signal(ring([...range, 100]), p, 0)).toBeNull();
    // 15-step channel [95, 105]; the last 7 steps stay within [99, 101].
    const path = [100, 95, 105, 100, 100, 100, 100, 100, 99, 101, 99, 101, 99, 101, 100];
    expect(breakout.signal(ring([...path, 98.5]), p, 1)).toBe(0);
    expect(breakout.signal(ring([...path, 98.5]), p, 0)).toBeNull();
    expect(breakout.signal(ring([...path, 101.5]), p, -1)).toBe(0);
  });
});

describe('Conservative', () => {
  const p = { ...conservative.defaults };
  test('buys only in a rising trend with the price above its average', () => {
    expect(conservative.signal(ring(geometric(100, 0.003, 40)), p, 0)).toBe(1);
    expect(conservative.signal(ring(geometric(100, -0.003, 40)), p, 0)).toBeNull();
  });
  test('never shorts, and exits a long when the price drops under the average', () => {
    const down = geometric(100, -0.01, 40);
    expect(conservative.signal(ring(down), p, 0)).not.toBe(-1);
    expect(conservative.signal(ring([...geometric(100, 0.003, 40), 95]), p, 1)).toBe(0);
  });
});

describe('normalize keeps parameters consistent', () => {
  test('fast < slow, exit < entry, exitZ < entryZ', () => {
    const b = { ...balanced.defaults, fast: 30, slow: 10 };
    balanced.normalize(b);
    expect(b.fast).toBeLessThan(b.slow ?? 0);
    const k = { ...breakout.defaults, entry: 10, exit: 20 };
    breakout.normalize(k);
    expect(k.exit).toBeLessThan(k.entry ?? 0);
    const m = { ...meanReversion.defaults, entryZ: 1.2, exitZ: 1.5 };
    meanReversion.normalize(m);
    expect(m.exitZ).toBeLessThan(m.entryZ ?? 0);
  });
});
