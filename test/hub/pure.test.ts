// Pure parts of the hub: history ring, subscription overlap, token bucket.
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { EventHistory } from '../../src/hub/history.ts';
import { TokenBucket } from '../../src/hub/rate-limit.ts';
import { eventTopics, nativeDiff, nativeTopics, wants } from '../../src/hub/subscriptions.ts';
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

describe('EventHistory', () => {
  test('keeps the last N in order and knows what it covers', () => {
    const h = new EventHistory(5);
    for (let s = 1; s <= 12; s++) h.append(ev(s));
    expect(h.length).toBe(5);
    expect(h.oldest).toBe(8);
    expect(h.sequence).toBe(12);
    expect(h.covers(7)).toBe(true);
    expect(h.covers(6)).toBe(false);
    expect(h.covers(13)).toBe(false);
    expect(h.at(h.indexAfter(9))?.sequence).toBe(10);
    expect(h.indexAfter(12)).toBe(5);
    expect(h.append(ev(12))).toBe(false);
  });

  test('property: indexAfter finds the first sequence greater than since', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 1000 }),
        (cap, gaps, since) => {
          const h = new EventHistory(cap);
          let s = 0;
          const all: number[] = [];
          for (const g of gaps) {
            s += g;
            h.append(ev(s));
            all.push(s);
          }
          const kept = all.slice(-cap);
          const i = h.indexAfter(since);
          const expected = kept.findIndex((x) => x > since);
          expect(i).toBe(expected === -1 ? kept.length : expected);
        },
      ),
    );
  });

  test('latest per key, retired agents removed', () => {
    const h = new EventHistory(10);
    h.append(ev(1, 'agent', 'A'));
    h.append(ev(2, 'agent', 'B'));
    h.append(ev(3, 'agent', 'A'));
    expect(h.latestFor('agent', null).map((e) => e.sequence)).toEqual([2, 3]);
    h.append({ ...ev(4, 'arena'), retired: ['A'] });
    expect(h.latestFor('agent', null).map((e) => e.key)).toEqual(['B']);
    expect([h.has('agent', 'A'), h.has('agent', 'B')]).toEqual([false, true]);
    expect(h.latestArena()?.sequence).toBe(4);
  });
});

describe('subscriptions', () => {
  test('a family covers its narrow topics', () => {
    expect([...nativeTopics(new Set(['market', 'market.BTC-USD', 'agent.X', 'arena']))].sort()).toEqual([
      'agent.X',
      'arena',
      'market',
    ]);
    expect(nativeDiff(new Set(['market.A']), new Set(['market']))).toEqual({
      subscribe: ['market'],
      unsubscribe: ['market.A'],
    });
    expect(wants(new Set(['market.A']), 'market', 'A')).toBe(true);
    expect(wants(new Set(['market.A']), 'market', 'B')).toBe(false);
    expect(eventTopics('market', 'A')).toEqual(['market', 'market.A']);
    expect(eventTopics('arena', null)).toEqual(['arena']);
  });
  test('property: each event reaches a holder through exactly one native topic', () => {
    const topic = fc.constantFrom('market', 'market.A', 'market.B', 'agent', 'agent.X', 'arena');
    fc.assert(
      fc.property(
        fc.uniqueArray(topic),
        fc.constantFrom<['market' | 'agent' | 'arena', string | null]>(
          ['market', 'A'],
          ['market', 'B'],
          ['agent', 'X'],
          ['agent', 'Y'],
          ['arena', null],
        ),
        (held, [family, key]) => {
          const natives = nativeTopics(new Set(held));
          const hits = eventTopics(family, key).filter((t) => natives.has(t)).length;
          expect(hits).toBe(wants(new Set(held), family, key) ? 1 : 0);
        },
      ),
    );
  });
});

describe('TokenBucket', () => {
  test('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket(3, 1, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(500)).toBe(false);
    expect(b.take(1000)).toBe(true);
  });
});
