import { describe, expect, test } from 'bun:test';
import { KeySeqTracker } from '../../src/client/key-seq-tracker.ts';
import type { StreamEvent } from '../../src/protocol/index.ts';

const market = (symbol: string, keySeq: number) =>
  ({
    event_type: 'market',
    market: { symbol, price: 1, timestamp: '2026-01-01T00:00:00.000Z', change_percent: 0 },
    sequence: keySeq,
    key_seq: keySeq,
  }) as StreamEvent;

describe('KeySeqTracker', () => {
  test('consecutive per key; a skip is a gap naming what is missing; keys are independent', () => {
    const t = new KeySeqTracker();
    expect(t.accept(market('A', 4), true, false)).toBeNull();
    expect(t.accept(market('A', 5), false, false)).toBeNull();
    expect(t.accept(market('B', 90), false, false)).toBeNull();
    expect(t.accept(market('A', 8), false, false)).toEqual({ key: 'market.A', expected: 6, got: 8 });
    expect(t.accept(market('B', 91), false, false)).toBeNull();
    expect(t.gaps).toBe(1);
  });

  test('conflated events and snapshots move the key without a gap; an old number is not a gap', () => {
    const t = new KeySeqTracker();
    t.accept(market('A', 1), false, false);
    expect(t.accept(market('A', 9), false, true)).toBeNull();
    expect(t.accept(market('A', 10), false, false)).toBeNull();
    expect(t.accept(market('A', 10), false, false)).toBeNull();
    expect(t.accept(market('A', 3), true, false)).toBeNull();
    expect(t.accept(market('A', 4), false, false)).toBeNull();
    t.reset();
    expect(t.accept(market('A', 100), false, false)).toBeNull();
    expect(t.gaps).toBe(0);
  });

  test('retake: a key taken again starts afresh, by key or by family; other keys keep their place', () => {
    const t = new KeySeqTracker();
    const agent = (id: string, keySeq: number) =>
      ({
        event_type: 'agent',
        agent: {
          agent_id: id,
          capital: 1,
          trades_executed: 0,
          win_rate: 0,
          status: 'active',
          timestamp: '2026-01-01T00:00:00.000Z',
        },
        sequence: keySeq,
        key_seq: keySeq,
      }) as StreamEvent;
    t.accept(market('A', 1), false, false);
    t.accept(market('B', 1), false, false);
    t.accept(agent('X', 1), false, false);
    expect(t.retake(['market.A'])).toEqual(['market.A']);
    expect(t.accept(market('A', 50), false, false)).toBeNull();
    expect(t.accept(market('B', 3), false, false)).toEqual({ key: 'market.B', expected: 2, got: 3 });
    t.retake(['market']);
    expect(t.accept(market('A', 90), false, false)).toBeNull();
    expect(t.accept(market('B', 90), false, false)).toBeNull();
    expect(t.accept(agent('X', 5), false, false)).toEqual({ key: 'agent.X', expected: 2, got: 5 });
  });
});
