// REST routes of the market: one symbol's book (`/api/book/:symbol?depth=N`), recent trades
// (`/api/trades/:symbol?limit=N`) and candles (`/api/candles/:symbol?limit=N`), read from the node's stream state (a
// gateway serves them too). Every answer is bounded.
import type { BookMirror } from '../protocol/book-mirror.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { intParam } from './paging.ts';
import { httpError, json } from './responses.ts';
import type { Router } from './router.ts';

/** What the market routes read (the hub satisfies it). */
export interface MarketView {
  readonly known: { symbol(key: string): boolean };
  readonly history: {
    readonly books: { mirror(symbol: string): BookMirror | undefined };
    readonly market: {
      recentTrades(symbol: string, limit: number): PublishedEvent[];
      recentCandles(symbol: string, limit: number): PublishedEvent[];
    };
  };
}

export const MAX_BOOK_DEPTH = 500;
export const MAX_TRADES = 1000;
export const MAX_CANDLES = 500;

/** The `trade` / `candle` payloads of stored frames. */
function payloads(events: readonly PublishedEvent[], field: 'trade' | 'candle'): unknown[] {
  return events.map((e) => (JSON.parse(e.json) as Record<string, unknown>)[field]);
}

export function addMarketRoutes(router: Router, view: MarketView): Router {
  const unknown = (symbol: string) => httpError(404, 'not_found', `no symbol "${symbol.slice(0, 64)}"`);
  return router
    .get('/api/book/:symbol', (_req, params, url) => {
      const symbol = params.symbol ?? '';
      if (!view.known.symbol(symbol)) return unknown(symbol);
      const depth = intParam(url, 'depth', 20, 1, MAX_BOOK_DEPTH);
      if (typeof depth === 'string') return httpError(400, 'bad_request', depth);
      const book = view.history.books.mirror(symbol);
      if (book === undefined) return httpError(503, 'not_ready', `the book of ${symbol} has not been received yet`);
      const { bids, asks } = book.levels(depth);
      return json({
        symbol,
        bids,
        asks,
        update_id: book.updateId,
        timestamp: book.timestamp,
        sequence: book.sequence,
      });
    })
    .get('/api/trades/:symbol', (_req, params, url) => {
      const symbol = params.symbol ?? '';
      if (!view.known.symbol(symbol)) return unknown(symbol);
      const limit = intParam(url, 'limit', 100, 1, MAX_TRADES);
      if (typeof limit === 'string') return httpError(400, 'bad_request', limit);
      return json({ symbol, trades: payloads(view.history.market.recentTrades(symbol, limit), 'trade') });
    })
    .get('/api/candles/:symbol', (_req, params, url) => {
      const symbol = params.symbol ?? '';
      if (!view.known.symbol(symbol)) return unknown(symbol);
      const limit = intParam(url, 'limit', 100, 1, MAX_CANDLES);
      if (typeof limit === 'string') return httpError(400, 'bad_request', limit);
      return json({ symbol, candles: payloads(view.history.market.recentCandles(symbol, limit), 'candle') });
    });
}
