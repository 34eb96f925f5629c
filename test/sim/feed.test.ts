// Tests for the quote cache and the faulty exchange feed: TTL staleness, retries, counters, skips.

import { describe, expect, test } from 'bun:test';
import { feedConfig, MarketFeed, type QuoteSource } from '../../src/sim/feed.ts';
import { Simulation } from '../../src/sim/model.ts';
import { resolveOptions } from '../../src/sim/options.ts';
import { QuoteCache } from '../../src/sim/quote-cache.ts';
import { feedRates } from '../../src/sim/rates.ts';

class FakeSource implements QuoteSource {
  tickAt: number | null = 0;
  prices = [100, 200];
  price(i: number): number {
    return this.prices[i] ?? Number.NaN;
  }
}

describe('QuoteCache', () => {
  test('hits while younger than the TTL, stale (miss) from age == TTL on', () => {
    const c = new QuoteCache(2, 1000);
    expect(c.lookup(0, 0)).toBeNull();
    c.store(0, 42, 0);
    expect(c.lookup(0, 999)).toBe(42);
    expect(c.lookup(0, 1000)).toBeNull();
    expect(c.lookup(1, 10)).toBeNull();
    expect(c.hits).toBe(1);
    expect(c.misses).toBe(3);
  });

  test('state round-trips through JSON', () => {
    const c = new QuoteCache(2, 500);
    c.store(1, 7, 100);
    c.lookup(1, 200);
    const d = new QuoteCache(2, 500, JSON.parse(JSON.stringify(c.state())));
    expect(d.lookup(1, 300)).toBe(7);
    expect(d.lookup(0, 300)).toBeNull();
    expect([d.hits, d.misses]).toEqual([2, 1]);
  });
});

describe('MarketFeed', () => {
  test('error rate 0: every request succeeds and repeat lookups hit the cache', () => {
    const src = new FakeSource();
    const feed = new MarketFeed(src, new QuoteCache(2, 5000), feedConfig(0, 20, 5000), 1);
    expect(feed.quote(0, 0)).toBe(100);
    expect(feed.quote(0, 10)).toBe(100);
    expect(feed.quote(1, 10)).toBe(200);
    expect([feed.requests, feed.successes, feed.failures]).toEqual([2, 2, 0]);
    expect([feed.cache.hits, feed.cache.misses]).toEqual([1, 2]);
  });

  test('error rate 1: retries up to the attempt limit, counts failures, returns no quote', () => {
    const feed = new MarketFeed(new FakeSource(), new QuoteCache(2, 5000), feedConfig(1, 20, 5000), 1);
    expect(feed.quote(0, 0)).toBeNull();
    expect([feed.requests, feed.successes, feed.failures]).toEqual([4, 0, 4]);
  });

  test('retries stop when the next attempt would exceed the budget (below one interval)', () => {
    const cfg = feedConfig(1, 1000, 5000);
    expect(cfg.budgetMs).toBeLessThan(5000);
    const feed = new MarketFeed(new FakeSource(), new QuoteCache(2, 5000), cfg, 1);
    feed.quote(0, 0);
    // attempts at 0-1000, 1025-2025, 2075-3075; a fourth would end at 4175 > 4000.
    expect(feed.requests).toBe(3);
  });

  test('the first attempt is made even when latency alone exceeds the budget, but no retry', () => {
    const ok = new MarketFeed(new FakeSource(), new QuoteCache(2, 20), feedConfig(0, 20, 20), 1);
    expect(ok.quote(0, 0)).toBe(100);
    const bad = new MarketFeed(new FakeSource(), new QuoteCache(2, 20), feedConfig(1, 20, 20), 1);
    expect(bad.quote(0, 0)).toBeNull();
    expect(bad.requests).toBe(1);
  });

  test('a stale cached quote is never returned when the exchange fails', () => {
    const src = new FakeSource();
    const cache = new QuoteCache(2, 1000);
    cache.store(0, 99, 0);
    const feed = new MarketFeed(src, cache, feedConfig(1, 20, 5000), 1);
    expect(feed.quote(0, 500)).toBe(99);
    expect(feed.quote(0, 1000)).toBeNull();
    expect(feed.quote(0, 50_000)).toBeNull();
  });

  test('a fresh fetch is stamped with the exchange tick time, not the fetch time', () => {
    const src = new FakeSource();
    src.tickAt = 1000;
    const cache = new QuoteCache(2, 1000);
    const feed = new MarketFeed(src, cache, feedConfig(0, 20, 5000), 1);
    expect(feed.quote(0, 1500)).toBe(100);
    src.prices[0] = 101;
    expect(feed.quote(0, 1999)).toBe(100);
    expect(feed.quote(0, 2000)).toBe(101);
  });

  test('moderate error rates produce a matching share of failed requests', () => {
    const feed = new MarketFeed(new FakeSource(), new QuoteCache(2, 0), feedConfig(0.3, 20, 5000), 9);
    for (let i = 0; i < 5000; i++) feed.quote(0, i);
    expect(feed.requests).toBe(feed.successes + feed.failures);
    expect(feed.failures / feed.requests).toBeGreaterThan(0.25);
    expect(feed.failures / feed.requests).toBeLessThan(0.35);
  });
});

describe('feed inside the simulation', () => {
  const steps = 40;
  const run = (feedErrorRate: number, agents = 6) => {
    const o = resolveOptions({ seed: 3, startTime: 0, agents, feedErrorRate, symbols: ['BTC-USD', 'ETH-USD'] });
    const sim = new Simulation(o);
    sim.advanceTo((steps - 1) * o.marketIntervalMs);
    return sim;
  };

  test('error rate 1.0: nobody trades, every decision is skipped, failures are counted', () => {
    const sim = run(1);
    const s = sim.stats();
    expect(s.trades).toBe(0);
    expect(sim.agents().every((a) => a.trades_executed === 0 && a.position === 0)).toBe(true);
    expect(s.successes).toBe(0);
    expect(s.failures).toBe(s.requests);
    expect(s.failures).toBeGreaterThan(0);
    expect(s.skips).toBe(6 * steps);
    expect(s.cacheHits).toBe(0);
  });

  test('error rate 0: every streamed tick lands in the cache, so every read is a hit and no request is needed', () => {
    const sim = run(0);
    const s = sim.stats();
    expect(s.failures).toBe(0);
    expect(s.requests).toBe(0);
    expect(s.skips).toBe(0);
    expect(s.cacheMisses).toBe(0);
    expect(s.cacheHits).toBeGreaterThan(0);
    expect(s.cacheHits).toBeLessThanOrEqual(6 * steps);
    expect(s.trades).toBeGreaterThan(0);
  });

  test('a lost streamed tick is a miss that falls back to a request; the hit rate tracks the loss rate', () => {
    const sim = run(0.2);
    const s = sim.stats();
    const hitRate = s.cacheHits / (s.cacheHits + s.cacheMisses);
    // About 20% of pushes are lost; the first reader of a lost symbol misses and refills the cache for the others.
    expect(s.cacheMisses).toBeGreaterThan(0.1 * 2 * steps);
    expect(s.cacheMisses).toBeLessThan(0.3 * 2 * steps);
    expect(hitRate).toBeLessThan(0.97);
    expect(s.requests).toBeGreaterThanOrEqual(s.cacheMisses);
    expect(s.successes + s.failures).toBe(s.requests);
  });
});

describe('feedRates', () => {
  test('percentages in [0, 100] with sensible values before any traffic', () => {
    expect(feedRates({ cacheHits: 0, cacheMisses: 0, requests: 0, successes: 0, failures: 0 })).toEqual({
      cache_hit_rate: 0,
      request_success_rate: 100,
      api_errors_total: 0,
    });
    expect(feedRates({ cacheHits: 3, cacheMisses: 1, requests: 3, successes: 2, failures: 1 })).toEqual({
      cache_hit_rate: 75,
      request_success_rate: 66.67,
      api_errors_total: 1,
    });
  });
});
