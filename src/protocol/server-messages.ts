// Every frame the server sends to clients, defined once as zod schemas; types are inferred from them.
import { z } from 'zod';
import { RequestId } from './client-messages.ts';
import { ErrorCodes } from './codes.ts';

/** ISO-8601 UTC with milliseconds, e.g. `2026-02-03T14:30:45.123Z`. */
export const Timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const Sequence = z.number().int().nonnegative();

export const AgentStatus = z.enum(['active', 'paused', 'eliminated']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** The seed's market payload (names and types are a contract), plus optional extras. */
export const MarketData = z.object({
  symbol: z.string(),
  price: z.number().positive(),
  timestamp: Timestamp,
  /** Percent change against the previous tick of the same symbol (0 on the first tick). */
  change_percent: z.number(),
});
export type MarketData = z.infer<typeof MarketData>;

/** The seed's agent payload, plus lineage extras. */
export const AgentData = z.object({
  agent_id: z.string(),
  capital: z.number(),
  trades_executed: z.number().int().nonnegative(),
  win_rate: z.number().min(0).max(1),
  status: AgentStatus,
  timestamp: Timestamp,
  strategy: z.string().optional(),
  generation: z.number().int().nonnegative().optional(),
  parent: z.string().nullable().optional(),
  scars: z.number().int().nonnegative().optional(),
  wins: z.number().int().nonnegative().optional(),
  symbol: z.string().optional(),
});
export type AgentData = z.infer<typeof AgentData>;

export const ArenaRanking = z.object({
  rank: z.number().int().positive(),
  agent_id: z.string(),
  capital: z.number(),
  strategy: z.string(),
  generation: z.number().int().nonnegative(),
});
export const ArenaData = z.object({
  round: z.number().int().positive(),
  winner: z.string(),
  timestamp: Timestamp,
  ranking: z.array(ArenaRanking),
  births: z.array(
    z.object({ agent_id: z.string(), parent: z.string(), generation: z.number().int(), strategy: z.string() }),
  ),
  deaths: z.array(z.object({ agent_id: z.string(), reason: z.string(), capital: z.number() })),
});
export type ArenaData = z.infer<typeof ArenaData>;

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

const snapshotFlag = { snapshot: z.literal(true).optional() };
/** Set on a conflated delivery: how many events of its key it replaced. */
const conflatedCount = { conflated: z.number().int().nonnegative().optional() };
/**
 * Consecutive per topic key (`market.<SYMBOL>`, `agent.<ID>`, `arena`, `trades.<SYMBOL>`, …) within an epoch, so a
 * client holding only some topics can prove it missed nothing of them. A book's is its `update_id`, a trade's its
 * `trade_id`.
 */
const keySeq = { key_seq: z.number().int().nonnegative().optional() };

export const MarketEvent = z.object({
  event_type: z.literal('market'),
  market: MarketData,
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
  ...conflatedCount,
});
export const AgentEvent = z.object({
  event_type: z.literal('agent'),
  agent: AgentData,
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
  ...conflatedCount,
});
export const ArenaEvent = z.object({
  event_type: z.literal('arena'),
  arena: ArenaData,
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
});
export const TradeEvent = z.object({
  event_type: z.literal('trade'),
  trade: TradeData,
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
});
/** A snapshot (`snapshot: true`, bids and asks) or a delta (changes) of one symbol's book. */
export const BookEvent = z.object({
  event_type: z.literal('book'),
  book: z.union([BookSnapshotData, BookDeltaData]),
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
  ...conflatedCount,
});
export const CandleEvent = z.object({
  event_type: z.literal('candle'),
  candle: CandleData,
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
  ...conflatedCount,
});
export const OrderEvent = z.object({
  event_type: z.literal('order'),
  order: OrderData,
  sequence: Sequence,
  ...keySeq,
  ...snapshotFlag,
});
export type OrderEvent = z.infer<typeof OrderEvent>;
export type TradeEvent = z.infer<typeof TradeEvent>;
export type BookEvent = z.infer<typeof BookEvent>;
export type CandleEvent = z.infer<typeof CandleEvent>;
export type MarketEvent = z.infer<typeof MarketEvent>;
export type AgentEvent = z.infer<typeof AgentEvent>;
export type ArenaEvent = z.infer<typeof ArenaEvent>;

/** Events that carry a global `sequence` and can be resumed. */
export const StreamEvent = z.discriminatedUnion('event_type', [
  MarketEvent,
  AgentEvent,
  ArenaEvent,
  TradeEvent,
  BookEvent,
  CandleEvent,
  OrderEvent,
]);
export type StreamEvent = z.infer<typeof StreamEvent>;

export const WELCOME_MESSAGE = 'Connected to Lineage WebSocket broadcast server';

export const WelcomeMessage = z.object({
  event_type: z.literal('welcome'),
  message: z.string(),
  version: z.string(),
  /** Identifies this sequence space; `sequence` only compares within one epoch. */
  epoch: z.string(),
  /** The newest sequence published so far. */
  sequence: Sequence,
  /** The oldest sequence `resume` can still replay. */
  oldest_sequence: Sequence,
  topics: z.array(z.string()),
  subscriptions: z.array(z.string()),
});
/** Replies to an op echo its `id`. */
const echoed = { id: RequestId.optional() };
/** Held topics delivered conflated, with their interval in ms. */
const conflation = { conflation: z.record(z.string(), z.number().int().positive()).optional() };

export const SubscribedMessage = z.object({
  event_type: z.literal('subscribed'),
  topics: z.array(z.string()),
  subscriptions: z.array(z.string()),
  ...conflation,
  ...echoed,
});
export const UnsubscribedMessage = z.object({
  event_type: z.literal('unsubscribed'),
  topics: z.array(z.string()),
  subscriptions: z.array(z.string()),
  ...echoed,
});
/** The answer to `list_subscriptions`. */
export const SubscriptionsMessage = z.object({
  event_type: z.literal('subscriptions'),
  subscriptions: z.array(z.string()),
  ...conflation,
  ...echoed,
});
export const ErrorMessage = z.object({
  event_type: z.literal('error'),
  code: z.enum(Object.keys(ErrorCodes) as [keyof typeof ErrorCodes, ...(keyof typeof ErrorCodes)[]]),
  message: z.string(),
  topic: z.string().optional(),
  /** Every bad topic of the request (up to 16) when one error stands for several. */
  topics: z.array(z.string()).optional(),
  ...echoed,
});
export const PongMessage = z.object({
  event_type: z.literal('pong'),
  ...echoed,
  sequence: Sequence,
  timestamp: Timestamp,
});
export const ResumedMessage = z.object({
  event_type: z.literal('resumed'),
  since: Sequence,
  sequence: Sequence,
  replayed: z.number().int().nonnegative(),
  ...echoed,
});
export const ResumeFailedMessage = z.object({
  event_type: z.literal('resume_failed'),
  since: Sequence,
  reason: z.enum(['too_old', 'ahead', 'epoch_mismatch', 'fell_behind']),
  oldest_sequence: Sequence,
  sequence: Sequence,
  ...echoed,
});

/** Sent to every client right before the server closes it with 1001 on shutdown. */
export const ShutdownMessage = z.object({
  event_type: z.literal('shutdown'),
  retry_after_ms: z.number().int().nonnegative(),
});

/** Every frame a client can receive. */
export const ServerMessage = z.discriminatedUnion('event_type', [
  MarketEvent,
  AgentEvent,
  ArenaEvent,
  TradeEvent,
  BookEvent,
  CandleEvent,
  OrderEvent,
  WelcomeMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  SubscriptionsMessage,
  ErrorMessage,
  PongMessage,
  ResumedMessage,
  ResumeFailedMessage,
  ShutdownMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type WelcomeMessage = z.infer<typeof WelcomeMessage>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
export type ResumeFailedMessage = z.infer<typeof ResumeFailedMessage>;
