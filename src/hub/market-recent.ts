// The recent trades and candles of each symbol, for the REST API (`/api/trades/:symbol`, `/api/candles/:symbol`):
// bounded per symbol, taken from the stream as it passes, so a gateway serves them too. Pure.
import type { PublishedEvent } from '../protocol/worker-messages.ts';

/** Trades kept per symbol (the largest `?limit=`). */
export const TRADES_KEPT = 1000;
/** Closed candles kept per symbol. */
export const CANDLES_KEPT = 500;

/** A bounded list, oldest first; trimmed in steps so a push costs O(1) amortised. */
class Recent {
  private items: PublishedEvent[] = [];

  constructor(private readonly capacity: number) {}

  push(e: PublishedEvent): void {
    this.items.push(e);
    if (this.items.length >= 2 * this.capacity) this.items = this.items.slice(-this.capacity);
  }

  last(n: number): PublishedEvent[] {
    return this.items.slice(-Math.min(n, this.capacity));
  }
}

export class MarketRecent {
  private readonly trades = new Map<string, Recent>();
  private readonly closed = new Map<string, Recent>();
  /** The forming candle (the latest candle event when it is not closed). */
  private readonly forming = new Map<string, PublishedEvent>();

  take(e: PublishedEvent): void {
    if (e.key === null) return;
    if (e.family === 'trades') listOf(this.trades, e.key, TRADES_KEPT).push(e);
    else if (e.family === 'candles') {
      if (e.json.includes('"closed":true')) {
        listOf(this.closed, e.key, CANDLES_KEPT).push(e);
        this.forming.delete(e.key);
      } else this.forming.set(e.key, e);
    }
  }

  /** The last `limit` trades of `symbol`, oldest first. */
  recentTrades(symbol: string, limit: number): PublishedEvent[] {
    return this.trades.get(symbol)?.last(limit) ?? [];
  }

  /** The last `limit` candles of `symbol`, oldest first; the forming one (if any) last. */
  recentCandles(symbol: string, limit: number): PublishedEvent[] {
    const forming = this.forming.get(symbol);
    const closed = this.closed.get(symbol)?.last(forming ? limit - 1 : limit) ?? [];
    return forming ? [...(limit > 1 ? closed : []), forming] : closed;
  }

  clear(): void {
    this.trades.clear();
    this.closed.clear();
    this.forming.clear();
  }
}

function listOf(map: Map<string, Recent>, key: string, capacity: number): Recent {
  let list = map.get(key);
  if (list === undefined) {
    list = new Recent(capacity);
    map.set(key, list);
  }
  return list;
}
