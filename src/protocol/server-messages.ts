// Every frame the server sends to clients, defined once as zod schemas; types are inferred from them.
import { z } from 'zod';
import { RequestId } from './client-messages.ts';
import { ErrorCodes } from './codes.ts';
import { RefreshedMessage, TokenExpiringMessage } from './credential-messages.ts';
import { BookDeltaData, BookSnapshotData, CandleData, OrderData, TradeData } from './market-data-payloads.ts';
import { Timestamp } from './timestamp.ts';

export { BookDeltaData, BookSnapshotData, CandleData, OrderData, TradeData } from './market-data-payloads.ts';
export { Timestamp } from './timestamp.ts';

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
/** Why the server dropped topics by itself: `forbidden_topic` = a `refresh`'s new token does not cover them. */
export const UnsubscribeReason = z.enum(['forbidden_topic']);
export const UnsubscribedMessage = z.object({
  event_type: z.literal('unsubscribed'),
  topics: z.array(z.string()),
  subscriptions: z.array(z.string()),
  /** Set when the server, not an `unsubscribe` op, dropped the topics. */
  reason: UnsubscribeReason.optional(),
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
  TokenExpiringMessage,
  RefreshedMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type WelcomeMessage = z.infer<typeof WelcomeMessage>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
export type ResumeFailedMessage = z.infer<typeof ResumeFailedMessage>;
