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

  test("a family's snapshot is built once per change, and every change is in the next one", () => {
    const h = new EventHistory(16);
    h.append(ev(1, 'market', 'BTC-USD'));
    h.append(ev(2, 'market', 'ETH-USD'));
    h.append(ev(3, 'agent', 'A'));
    h.append(ev(4, 'agent', 'B'));
    const first = h.latestFor('market', null);
    // The same array while nothing changed: a connect storm sorts the family once, not once per connect.
    expect(h.latestFor('market', null)).toBe(first);
    expect(first.map((e) => e.sequence)).toEqual([1, 2]);
    const agents = h.latestFor('agent', null);
    // A market event changes the market family's snapshot only.
    h.append(ev(5, 'market', 'BTC-USD'));
    expect(h.latestFor('market', null).map((e) => e.sequence)).toEqual([2, 5]);
    expect(h.latestFor('agent', null)).toBe(agents);
    // An event that retires an agent takes it out of the agents' snapshot.
    h.append({ ...ev(6, 'market', 'ETH-USD'), retired: ['A'] });
    expect(h.latestFor('agent', null).map((e) => e.key)).toEqual(['B']);
    expect(h.latestFor('market', null).map((e) => e.sequence)).toEqual([5, 6]);
    // An authoritative snapshot replaces every family's.
    h.replaceLatest([ev(9, 'agent', 'C')]);
    expect([h.latestFor('market', null), h.latestFor('agent', null).map((e) => e.key)]).toEqual([[], ['C']]);
    h.reset(20);
    expect(h.latestFor('agent', null)).toEqual([]);
  });
});
