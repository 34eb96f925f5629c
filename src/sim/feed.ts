// Market-data access for agents: TTL cache in front of a faulty, latent simulated exchange API.

import type { QuoteCache } from './quote-cache.ts';
import { Rng, type RngState } from './rng.ts';

/** What the exchange API serves: the latest published price per symbol and the tick it belongs to. */
export interface QuoteSource {
  price(i: number): number;
  readonly tickAt: number | null;
}

export interface FeedConfig {
  /** Probability that a single request fails. */
  errorRate: number;
  /** Simulated round-trip time of one request. */
  latencyMs: number;
  maxAttempts: number;
  /** Backoff before retry k (0-based) is backoffBaseMs * 2^k. */
  backoffBaseMs: number;
  /** Simulated time one lookup may spend on retries and backoff; kept below one market interval. */
  budgetMs: number;
}

export interface FeedState {
  requests: number;
  successes: number;
  failures: number;
  rng: RngState;
}

/** Retry policy derived from the market interval: 4 attempts, 25 ms doubling backoff, budget 80% of a step. */
export function feedConfig(errorRate: number, latencyMs: number, marketIntervalMs: number): FeedConfig {
  return {
    errorRate,
    latencyMs,
    maxAttempts: 4,
    backoffBaseMs: Math.max(1, Math.min(25, Math.floor(marketIntervalMs / 100))),
    budgetMs: Math.floor(marketIntervalMs * 0.8),
  };
}

export class MarketFeed {
  requests = 0;
  successes = 0;
  failures = 0;
  private readonly rng: Rng;

  constructor(
    private readonly source: QuoteSource,
    readonly cache: QuoteCache,
    private readonly cfg: FeedConfig,
    rngOrState: number | RngState,
    counters?: { requests: number; successes: number; failures: number },
  ) {
    this.rng = typeof rngOrState === 'number' ? new Rng(rngOrState) : Rng.fromState(rngOrState);
    if (counters) {
      this.requests = counters.requests;
      this.successes = counters.successes;
      this.failures = counters.failures;
    }
  }

  /**
   * Price for symbol `i` as seen by an agent deciding at `now`: a fresh cached quote, else a request
   * with retries. Returns null when every attempt failed within the budget; the caller must then skip
   * its decision rather than fall back to a stale or invented price.
   */
  quote(i: number, now: number): number | null {
    const cached = this.cache.lookup(i, now);
    if (cached !== null) return cached;
    const { errorRate, latencyMs, maxAttempts, backoffBaseMs, budgetMs } = this.cfg;
    let elapsed = 0;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      this.requests++;
      elapsed += latencyMs;
      // The first attempt is always made (even if latency alone exceeds the budget, e.g. 20 ms
      // latency at a 20 ms cadence); only retries must fit in the budget.
      const failed = errorRate > 0 && (errorRate >= 1 || this.rng.next() < errorRate);
      if (!failed) {
        const tickAt = this.source.tickAt;
        const price = this.source.price(i);
        if (tickAt === null || !(price > 0)) {
          // Nothing published yet: the exchange answers, but with no usable quote.
          this.failures++;
          return null;
        }
        this.successes++;
        this.cache.store(i, price, tickAt);
        return price;
      }
      this.failures++;
      const backoff = backoffBaseMs * 2 ** attempt;
      if (elapsed + backoff + latencyMs > budgetMs) break;
      elapsed += backoff;
    }
    return null;
  }

  /**
   * The exchange streams every tick into the cache; each pushed update is lost with the fault rate, and an agent
   * that then finds no fresh quote falls back to a request (with retries). This is what makes the cache hit rate
   * measure the health of the stream, as in a real quote cache fed by a market-data stream with a REST fallback.
   */
  pushTick(symbolCount: number): void {
    const tickAt = this.source.tickAt;
    if (tickAt === null) return;
    const { errorRate } = this.cfg;
    for (let i = 0; i < symbolCount; i++) {
      const lost = errorRate > 0 && (errorRate >= 1 || this.rng.next() < errorRate);
      if (!lost) this.cache.store(i, this.source.price(i), tickAt);
    }
  }

  state(): FeedState {
    return { requests: this.requests, successes: this.successes, failures: this.failures, rng: this.rng.state() };
  }
}
