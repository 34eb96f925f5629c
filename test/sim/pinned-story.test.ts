// A seeded run pinned to digests of its events and final state: a change to the book, the flow or the schedule made
// for speed must keep every outcome, and any that does not fails here. A change that is meant to alter the story
// updates the digests in the same commit and says so.

import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { Simulation } from '../../src/sim/model.ts';
import { resolveOptions } from '../../src/sim/options.ts';

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('pinned story', () => {
  test('seed 42, 3 symbols, every market-data stream, 30 s at 100 ms steps: the same events and state', () => {
    const sim = new Simulation(
      resolveOptions({
        seed: 42,
        startTime: 0,
        agents: 5,
        symbols: ['BTC-USD', 'ETH-USD', 'SOL-USD'],
        marketIntervalMs: 100,
        agentIntervalMs: 1000,
        arenaRoundMs: 10_000,
        marketData: { trades: true, book: true, candles: true, orders: true, bookDepth: 10 },
      }),
    );
    const events = sim.advanceTo(30_000);
    const kinds = new Set(events.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['agent', 'arena', 'book', 'candle', 'market', 'order', 'trade']);
    expect(events.length).toBe(161_317);
    expect(digest(events)).toBe('0478cd3ad0a03e66a58ed1d099006f7fbed8e537ede3f55c64053a1aa9e8db8f');
    expect(digest(sim.snapshot())).toBe('95124402a79198a625cf6374f6be1e89c20fd6d8e44ae674a77f80d97ee5c2ce');
  });
});
