// Derived feed health rates (percentages) from the raw simulation counters.

export interface FeedCounters {
  cacheHits: number;
  cacheMisses: number;
  requests: number;
  successes: number;
  failures: number;
}

export interface FeedRates {
  /** 100 * hits / (hits + misses); 0 before any lookup. */
  cache_hit_rate: number;
  /** 100 * successes / requests; 100 before any request, since nothing has failed yet. */
  request_success_rate: number;
  api_errors_total: number;
}

export function feedRates(c: FeedCounters): FeedRates {
  const lookups = c.cacheHits + c.cacheMisses;
  return {
    cache_hit_rate: lookups === 0 ? 0 : Math.round((10000 * c.cacheHits) / lookups) / 100,
    request_success_rate: c.requests === 0 ? 100 : Math.round((10000 * c.successes) / c.requests) / 100,
    api_errors_total: c.failures,
  };
}
