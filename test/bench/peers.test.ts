// The reference servers' event source: Lineage's schedule (scheduled-time stamps, catch-up) and a resumable ring.
import { describe, expect, test } from 'bun:test';
import { type FeedEvent, MarketFeed } from '../../bench/peers/market-feed.ts';
import { connectParams } from '../../bench/peers/peer-session.ts';

describe('MarketFeed', () => {
  test('one event per symbol per step, contiguous sequence, stamped with the scheduled time', () => {
    const events: FeedEvent[] = [];
    const feed = new MarketFeed({ symbols: ['A', 'B'], intervalMs: 100, history: 100, publish: (e) => events.push(e) });
    feed.schedule(1_000_000);
    feed.advanceTo(1_000_250); // steps due at 1,000,000, 1,000,100 and 1,000,200
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.map((e) => JSON.parse(e.json).market.timestamp)).toEqual(
      [1_000_000, 1_000_000, 1_000_100, 1_000_100, 1_000_200, 1_000_200].map((t) => new Date(t).toISOString()),
    );
    expect(events.map((e) => e.symbol)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
  });

  test('the ring replays what came after `since`, and knows what it no longer has', () => {
    const feed = new MarketFeed({ symbols: ['A'], intervalMs: 10, history: 16, publish: () => {} });
    for (let i = 0; i < 20; i++) feed.step(i * 10);
    expect(feed.oldest).toBe(5);
    expect([...feed.after(17)].map((e) => e.sequence)).toEqual([18, 19, 20]);
    expect(feed.covers(4)).toBe(true);
    expect(feed.covers(3)).toBe(false);
    expect(feed.covers(21)).toBe(false);
  });

  test('connect parameters: topics (default market,agent) and since', () => {
    expect(connectParams(new URL('ws://x/?topics=market%2Carena&since=12'))).toEqual({
      topics: ['market', 'arena'],
      since: 12,
    });
    expect(connectParams(new URL('ws://x/'))).toEqual({ topics: ['market', 'agent'], since: null });
    expect(connectParams(new URL('ws://x/?since=-1')).since).toBeNull();
  });
});
