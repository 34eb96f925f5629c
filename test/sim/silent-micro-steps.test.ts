// Silent flow micro-steps: with no book, trade, candle or order stream the worker need not wake for each micro-step;
// the next eventful step runs them first, and the model's story is the same as waking for every one.

import { describe, expect, test } from 'bun:test';
import { type SimEvent, Simulation } from '../../src/sim/model.ts';
import { resolveOptions, type SimulationOptions } from '../../src/sim/options.ts';

const START = 1_700_000_000_000;
const INTERVAL = 100;
const base = (over: Partial<SimulationOptions> = {}): SimulationOptions =>
  resolveOptions({
    seed: 7,
    startTime: START,
    agents: 6,
    symbols: ['BTC-USD', 'ETH-USD', 'SOL-USD'],
    marketIntervalMs: INTERVAL,
    agentIntervalMs: 730,
    arenaRoundMs: 3_000,
    ...over,
  });
const TRADES_ON = { trades: true, book: false, candles: false, orders: false, bookDepth: 10 };

/** Run to `until`, waking only at the times the worker would wait for (`eventful` as the worker passes it). */
function wakeAt(sim: Simulation, until: number, eventful: boolean): { events: SimEvent[]; wakes: number } {
  const events: SimEvent[] = [];
  let wakes = 0;
  for (let now = sim.nextDueAt(eventful); now <= until; now = sim.nextDueAt(eventful)) {
    wakes++;
    for (const e of sim.advanceTo(now)) events.push(e);
  }
  return { events, wakes };
}

describe('silent flow micro-steps', () => {
  test('without market-data streams, the next eventful step after a market step is the next market step', () => {
    const sim = new Simulation(base());
    sim.advanceTo(START);
    // The first micro-step of the hour is due at 1/20 of the interval; nothing it does is visible.
    expect(sim.nextDueAt()).toBe(START + INTERVAL / 20);
    expect(sim.nextDueAt(true)).toBe(START + INTERVAL);
  });

  test('with a stream on (trades), every micro-step is eventful and is waited for', () => {
    const sim = new Simulation(base({ marketData: TRADES_ON }));
    sim.advanceTo(START);
    expect(sim.nextDueAt(true)).toBe(START + INTERVAL / 20);
    expect(sim.nextDueAt(true)).toBe(sim.nextDueAt());
  });

  test('waking only for eventful steps gives the same events and state, with far fewer wake-ups', () => {
    const until = START + 20 * 3_000 + 57;
    const every = new Simulation(base());
    const eventful = new Simulation(base());
    const a = wakeAt(every, until, false);
    const b = wakeAt(eventful, until, true);
    expect(a.events.length).toBeGreaterThan(500);
    expect(b.events).toEqual(a.events);
    // The micro-steps due before `until` have all run in both.
    every.advanceTo(until);
    eventful.advanceTo(until);
    expect(eventful.snapshot()).toEqual(every.snapshot());
    // 20 sub-steps per interval: every wake-up but the market steps, reports and rounds is gone.
    expect(b.wakes * 10).toBeLessThan(a.wakes);
  });

  test('with a stream on, the wake-ups are the same as waking for every step', () => {
    const until = START + 3_000;
    const a = wakeAt(new Simulation(base({ marketData: TRADES_ON })), until, false);
    const b = wakeAt(new Simulation(base({ marketData: TRADES_ON })), until, true);
    expect(b.wakes).toBe(a.wakes);
    expect(b.events).toEqual(a.events);
    expect(a.events.some((e) => e.kind === 'trade')).toBe(true);
  });
});
