// Market-data events the books produce when asked (opt-in): trades, L2 book snapshots and deltas, candles.

import type { L2Change, L2Level } from './l2.ts';

export interface TradeData {
  symbol: string;
  /** Consecutive per symbol, from 1. */
  trade_id: number;
  price: number;
  size: number;
  /** Aggressor (taker) side. */
  side: 'buy' | 'sell';
  /** Agent id or background trader id (`bg-...`). */
  buyer: string;
  seller: string;
}

/** One step of an agent's market order (private: topic `orders.<AGENT_ID>`). */
export interface OrderData {
  agent_id: string;
  /** `<SYMBOL>-<n>`, consecutive per symbol. */
  order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market';
  status: 'new' | 'partially_filled' | 'filled' | 'cancelled';
  /** Size asked for. */
  size: number;
  /** Size filled so far, and their average price (null before any fill). */
  filled: number;
  avg_price: number | null;
  /** This fill's price and size (null for `new` and `cancelled`). */
  fill_price: number | null;
  fill_size: number | null;
  /** Filled by the exchange's backstop (an exit the book could not absorb), not by a resting order. */
  backstop: boolean;
}

export interface BookSnapshotData {
  symbol: string;
  snapshot: true;
  bids: L2Level[];
  asks: L2Level[];
  update_id: number;
}

export interface BookDeltaData {
  symbol: string;
  snapshot: false;
  update_id: number;
  changes: L2Change[];
}

export type BookData = BookSnapshotData | BookDeltaData;

export interface CandleData {
  symbol: string;
  /** e.g. "1h": one interval per simulated hour (market step) by default. */
  interval: string;
  /** Simulated time (epoch ms) the interval starts. */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  closed: boolean;
}

export type MarketDataEvent =
  | { kind: 'trade'; at: number; data: TradeData }
  | { kind: 'book'; at: number; data: BookData }
  | { kind: 'candle'; at: number; data: CandleData }
  | { kind: 'order'; at: number; data: OrderData };

/** Which market-data events the model emits; all off by default so the classic stream is unchanged. */
export interface MarketDataOptions {
  trades?: boolean;
  /** Book snapshots at every market step, plus deltas after every change unless `bookDeltas` is false. */
  book?: boolean;
  bookDeltas?: boolean;
  /** Book snapshots in the stream at every market step (default true; a server makes its own per subscriber). */
  bookSnapshots?: boolean;
  candles?: boolean;
  /** Agents' order lifecycles (new, fills, cancel): private, per agent. */
  orders?: boolean;
  /** Levels per side in book events (default 10). */
  bookDepth?: number;
}

export interface MarketDataFlags {
  trades: boolean;
  book: boolean;
  bookDeltas: boolean;
  bookSnapshots: boolean;
  candles: boolean;
  orders: boolean;
  bookDepth: number;
}

export function marketDataFlags(o: MarketDataOptions | undefined): MarketDataFlags {
  const book = o?.book === true;
  return {
    trades: o?.trades === true,
    book,
    bookDeltas: book && o?.bookDeltas !== false,
    bookSnapshots: book && o?.bookSnapshots !== false,
    candles: o?.candles === true,
    orders: o?.orders === true,
    bookDepth: o?.bookDepth ?? 10,
  };
}

/** Where the market pushes its events (a SimEvent[] qualifies). */
export interface MarketDataOut {
  push(e: MarketDataEvent): unknown;
}
