// The history's latest state outlives the resume ring: the latest round survives the ring wrapping, a gap keeps it.
import { describe, expect, test } from 'bun:test';
import { EventHistory } from '../../src/hub/history.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';

const ev = (
  sequence: number,
  family: 'market' | 'agent' | 'arena' = 'market',
  key: string | null = 'BTC-USD',
): PublishedEvent => ({
  sequence,
  family,
  key: family === 'arena' ? null : key,
  json: `{"sequence":${sequence}}`,
  created_at: 0,
});

describe('EventHistory latest state', () => {
  test('the latest round survives the ring wrapping', () => {
    const h = new EventHistory(16);
    h.append(ev(1, 'arena'));
    for (let s = 2; s <= 100; s++) h.append(ev(s));
    expect(h.oldest).toBe(85);
    expect(h.latestArena()?.sequence).toBe(1);
    expect(h.latestAll().map((e) => e.sequence)).toEqual([100, 1]);
  });

  test('clearRing forgets what can be resumed, not what exists; reset forgets both', () => {
    const h = new EventHistory(16);
    h.append(ev(1, 'agent', 'A'));
    h.append(ev(2, 'arena'));
    h.append(ev(3));
    h.clearRing(10);
    expect([h.length, h.sequence, h.oldest]).toEqual([0, 10, 11]);
    expect(h.has('agent', 'A')).toBe(true);
    expect(h.latestArena()?.sequence).toBe(2);
    expect(h.append(ev(11))).toBe(true);
    h.reset(20);
    expect([h.has('agent', 'A'), h.latestArena(), h.latestFor('market', null)]).toEqual([false, undefined, []]);
  });

  test('replaceLatest takes an authoritative snapshot', () => {
    const h = new EventHistory(16);
    h.append(ev(1, 'agent', 'Gone'));
    h.replaceLatest([ev(5, 'agent', 'A'), ev(6, 'arena'), ev(7, 'market', 'ETH-USD')]);
    expect(h.has('agent', 'Gone')).toBe(false);
    expect(h.has('agent', 'A')).toBe(true);
    expect(h.latestArena()?.sequence).toBe(6);
    expect(h.latestOf('market.ETH-USD')?.sequence).toBe(7);
    expect(h.length).toBe(1);
  });
});
