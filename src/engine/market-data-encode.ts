// Wire text of the opt-in market-data events (trade, book snapshot/delta, candle), field order fixed, serialized once.
import { isoTimestamp } from '../protocol/encode.ts';
import type { BookData, CandleData, MarketDataEvent, OrderData, TradeData } from '../sim/book/market-data.ts';

export function encodeTradeEvent(t: TradeData, at: number, sequence: number, keySeq?: number): string {
  const trade = {
    symbol: t.symbol,
    trade_id: t.trade_id,
    price: t.price,
    size: t.size,
    side: t.side,
    timestamp: isoTimestamp(at),
    buyer: t.buyer,
    seller: t.seller,
  };
  return JSON.stringify({ event_type: 'trade', trade, sequence, key_seq: keySeq });
}

/** Snapshot: `{"book":{symbol,bids,asks,update_id,timestamp},"snapshot":true}`; delta: `{"book":{symbol,update_id,changes,timestamp}}`. */
export function encodeBookEvent(b: BookData, at: number, sequence: number, keySeq?: number): string {
  const timestamp = isoTimestamp(at);
  if (b.snapshot) {
    return JSON.stringify({
      event_type: 'book',
      book: { symbol: b.symbol, bids: b.bids, asks: b.asks, update_id: b.update_id, timestamp },
      sequence,
      key_seq: keySeq,
      snapshot: true,
    });
  }
  return JSON.stringify({
    event_type: 'book',
    book: { symbol: b.symbol, update_id: b.update_id, changes: b.changes, timestamp },
    sequence,
    key_seq: keySeq,
  });
}

export function encodeCandleEvent(c: CandleData, sequence: number, keySeq?: number): string {
  const candle = {
    symbol: c.symbol,
    interval: c.interval,
    start: isoTimestamp(c.start),
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    closed: c.closed,
  };
  return JSON.stringify({ event_type: 'candle', candle, sequence, key_seq: keySeq });
}

/** One step of an agent's order (private: `orders.<AGENT_ID>`). */
export function encodeOrderEvent(o: OrderData, at: number, sequence: number, keySeq?: number): string {
  const order = {
    agent_id: o.agent_id,
    order_id: o.order_id,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    status: o.status,
    size: o.size,
    filled: o.filled,
    avg_price: o.avg_price,
    fill_price: o.fill_price,
    fill_size: o.fill_size,
    backstop: o.backstop,
    timestamp: isoTimestamp(at),
  };
  return JSON.stringify({ event_type: 'order', order, sequence, key_seq: keySeq });
}

/** Any market-data event; `at` is the event's simulated time. */
export function encodeMarketDataEvent(e: MarketDataEvent, sequence: number, keySeq?: number): string {
  switch (e.kind) {
    case 'trade':
      return encodeTradeEvent(e.data, e.at, sequence, keySeq);
    case 'book':
      return encodeBookEvent(e.data, e.at, sequence, keySeq);
    case 'candle':
      return encodeCandleEvent(e.data, sequence, keySeq);
    case 'order':
      return encodeOrderEvent(e.data, e.at, sequence, keySeq);
  }
}
