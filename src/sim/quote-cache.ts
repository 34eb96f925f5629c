// TTL cache of quotes per symbol index, counting hits and misses.

export interface QuoteCacheState {
  /** Per symbol: [price, quoteTime] or null when nothing is cached. */
  entries: Array<[number, number] | null>;
  hits: number;
  misses: number;
}

/**
 * A cached quote is fresh while `now - quoteTime < ttlMs`, where quoteTime is the exchange tick the
 * price belongs to (not when it was fetched). At age >= ttl it is stale and never returned, so with
 * ttl = market interval a quote can only serve agents within the same market step.
 */
export class QuoteCache {
  readonly ttlMs: number;
  private readonly price: Float64Array;
  private readonly at: Float64Array;
  hits = 0;
  misses = 0;

  constructor(symbolCount: number, ttlMs: number, state?: QuoteCacheState) {
    if (!(ttlMs >= 0) || !Number.isFinite(ttlMs))
      throw new RangeError(`ttl must be a finite number >= 0, got ${ttlMs}`);
    this.ttlMs = ttlMs;
    this.price = new Float64Array(symbolCount).fill(Number.NaN);
    this.at = new Float64Array(symbolCount).fill(Number.NaN);
    if (state) {
      for (let i = 0; i < symbolCount; i++) {
        const e = state.entries[i];
        if (e) {
          this.price[i] = e[0];
          this.at[i] = e[1];
        }
      }
      this.hits = state.hits;
      this.misses = state.misses;
    }
  }

  /** Fresh cached price for symbol `i` at `now`, or null (counted as a miss). */
  lookup(i: number, now: number): number | null {
    const at = this.at[i] ?? Number.NaN;
    // NaN (empty) fails the comparison, so empty slots fall through to a miss.
    if (now - at < this.ttlMs && now >= at) {
      this.hits++;
      return this.price[i] ?? null;
    }
    this.misses++;
    return null;
  }

  store(i: number, price: number, quoteTime: number): void {
    this.price[i] = price;
    this.at[i] = quoteTime;
  }

  state(): QuoteCacheState {
    const entries: Array<[number, number] | null> = [];
    for (let i = 0; i < this.price.length; i++) {
      const p = this.price[i] ?? Number.NaN;
      const at = this.at[i] ?? Number.NaN;
      entries.push(Number.isNaN(p) || Number.isNaN(at) ? null : [p, at]);
    }
    return { entries, hits: this.hits, misses: this.misses };
  }
}
