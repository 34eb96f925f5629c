import { describe, expect, test } from 'bun:test';
import { EventEncoder } from '../../src/engine/event-encoder.ts';
import { KeySequences } from '../../src/engine/key-sequences.ts';
import { resolveOptions, type SimEvent, Simulation } from '../../src/sim/index.ts';

describe('key sequences', () => {
  test('counted keys number from 1; self-numbered ones keep their own; state round-trips; retired keys go', () => {
    const k = new KeySequences();
    expect(k.next('market.A', 10)).toBe(1);
    expect(k.next('market.A', 12)).toBe(2);
    expect(k.next('trades.A', 13, 77)).toBe(77);
    const copy = new KeySequences(k.state());
    expect(copy.next('market.A', 20)).toBe(3);
    expect(copy.lastSequence('trades.A')).toBe(13);
    copy.retire(['market.A']);
    expect(copy.next('market.A', 21)).toBe(1);
  });

  test('an encoder restored from a mid-stream state writes the same frames as one that ran through', () => {
    const options = {
      seed: 3,
      startTime: 0,
      symbols: ['BTC-USD'],
      agents: 5,
      marketIntervalMs: 1000,
      agentIntervalMs: 1000,
      arenaRoundMs: 5000,
      marketData: { trades: true, book: true, bookSnapshots: false, candles: true },
    };
    const run = (sim: Simulation, encoder: EventEncoder, until: number) => {
      const out: string[] = [];
      const events: SimEvent[] = [];
      while (sim.stepOnce(until, events)) {
        for (const e of events) out.push(encoder.encode(e, 0).json);
        events.length = 0;
      }
      return out;
    };
    const straight = new Simulation(resolveOptions(options));
    const all = run(straight, new EventEncoder(0), 12_000);
    const first = new Simulation(resolveOptions(options));
    const encoder = new EventEncoder(0);
    const head = run(first, encoder, 6000);
    const restored = Simulation.restore(JSON.parse(JSON.stringify(first.snapshot())), resolveOptions(options));
    const { sequence, keys } = JSON.parse(JSON.stringify(encoder.state()));
    const tail = run(restored, new EventEncoder(sequence, keys), 12_000);
    expect([...head, ...tail]).toEqual(all);
    // Every family carries key_seq; arena rounds retire dead agents' keys.
    const types = new Set(all.map((j) => (JSON.parse(j) as { event_type: string }).event_type));
    expect(types).toEqual(new Set(['market', 'agent', 'arena', 'trade', 'book', 'candle']));
    expect(all.every((j) => /"key_seq":\d+/.test(j))).toBe(true);
  });
});
