// The payloads of the market-data families (trades, book, candles) and of an agent's private orders, as zod schemas.
import { z } from 'zod';
import { Timestamp } from './timestamp.ts';

/** A trade on one symbol's book; `trade_id` is consecutive per symbol. */
export const TradeData = z.object({
  symbol: z.string(),
  trade_id: z.number().int().positive(),
  price: z.number().positive(),
  size: z.number().positive(),
  /** The aggressor's side. */
  side: z.enum(['buy', 'sell']),
  timestamp: Timestamp,
  buyer: z.string(),
  seller: z.string(),
});
export type TradeData = z.infer<typeof TradeData>;

/** `[price, size]`, best first. */
const Level = z.tuple([z.number().positive(), z.number().positive()]);
/** The top levels of one symbol's book at `update_id` (a snapshot). */
export const BookSnapshotData = z.object({
  symbol: z.string(),
  bids: z.array(Level),
  asks: z.array(Level),
  update_id: z.number().int().nonnegative(),
  timestamp: Timestamp,
});
/** What changed since `update_id - 1`: `[side, price, size]`, size 0 removes the level. */
export const BookDeltaData = z.object({
  symbol: z.string(),
  update_id: z.number().int().positive(),
  changes: z.array(z.tuple([z.enum(['bid', 'ask']), z.number().positive(), z.number().nonnegative()])),
  timestamp: Timestamp,
});
export type BookSnapshotData = z.infer<typeof BookSnapshotData>;
export type BookDeltaData = z.infer<typeof BookDeltaData>;

/** One OHLCV candle; the forming one updates, and a `closed: true` one ends each interval. */
export const CandleData = z.object({
  symbol: z.string(),
  interval: z.string(),
  start: Timestamp,
  open: z.number().positive(),
  high: z.number().positive(),
  low: z.number().positive(),
  close: z.number().positive(),
  volume: z.number().nonnegative(),
  closed: z.boolean(),
});
export type CandleData = z.infer<typeof CandleData>;

/** One step of an agent's market order: `new`, its fills, and `cancelled` for what was left (private per agent). */
export const OrderData = z.object({
  agent_id: z.string(),
  order_id: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.literal('market'),
  status: z.enum(['new', 'partially_filled', 'filled', 'cancelled']),
  size: z.number().positive(),
  filled: z.number().nonnegative(),
  avg_price: z.number().positive().nullable(),
  fill_price: z.number().positive().nullable(),
  fill_size: z.number().positive().nullable(),
  /** Filled by the exchange's backstop (an exit the book could not absorb). */
  backstop: z.boolean(),
  timestamp: Timestamp,
});
export type OrderData = z.infer<typeof OrderData>;
