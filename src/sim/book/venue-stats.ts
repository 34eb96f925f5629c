// Figures of one venue for metrics: best quotes, spread, depth, trade count, volume and resting orders.

import { ASK, BID } from './order-book.ts';
import type { Venue } from './venue.ts';

export interface VenueStats {
  symbol: string;
  bestBid: number | null;
  bestAsk: number | null;
  /** Ask - bid in price units and in bps of the mid (null while one side is empty). */
  spread: number | null;
  spreadBps: number | null;
  /** Resting size per side (base units) and its value at the mid. */
  bidDepth: number;
  askDepth: number;
  trades: number;
  volume: number;
  restingOrders: number;
  /** Latent value the flow trades around. */
  value: number;
}

export function venueStats(v: Venue, value: number): VenueStats {
  const b = v.book.bestBid();
  const a = v.book.bestAsk();
  const bid = b >= 0 ? v.price(b) : null;
  const ask = a >= 0 ? v.price(a) : null;
  const spread = bid !== null && ask !== null ? ask - bid : null;
  return {
    symbol: v.inst.symbol,
    bestBid: bid,
    bestAsk: ask,
    spread,
    spreadBps: spread !== null && bid !== null && ask !== null ? (1e4 * spread) / ((ask + bid) / 2) : null,
    bidDepth: v.size(v.book.depth(BID)),
    askDepth: v.size(v.book.depth(ASK)),
    trades: v.tradeId,
    volume: v.size(v.volumeLots),
    restingOrders: v.book.orderCount,
    value,
  };
}
