// Messages between the main thread and the simulation worker (and the shape of one published event).
import { z } from 'zod';
import { DbQuery } from './reader-messages.ts';
import { TOPIC_FAMILIES } from './topics.ts';

/** One event as the hub routes it: serialized once, with what is needed to pick its topics. */
export const PublishedEvent = z.object({
  /** Positive for a stream event; 0 for a state restated before the stream's first event (a book at start). */
  sequence: z.number().int().nonnegative(),
  family: z.enum(TOPIC_FAMILIES),
  /** Symbol or agent id; null for arena events. */
  key: z.string().nullable(),
  /** The exact text frame sent to every subscriber. */
  json: z.string(),
  /** Epoch ms (with fraction) when the event was created, for fan-out latency. */
  created_at: z.number(),
  /** Agent ids that died with this event; their snapshots are retired. */
  retired: z.array(z.string()).optional(),
});
export type PublishedEvent = z.infer<typeof PublishedEvent>;

/** Cumulative model counters and the live population, posted every second for the metrics. */
export const SimStats = z.object({
  cache_hits: z.number(),
  cache_misses: z.number(),
  requests: z.number(),
  successes: z.number(),
  failures: z.number(),
  trades: z.number(),
  /** Arena rounds completed. */
  rounds: z.number(),
  skips: z.number(),
  /** Simulation step durations (ms) since the last stats message. */
  step_ms: z.array(z.number()),
  /** Of those, the steps that match orders (ms): flow micro-steps, and agent decision steps with their market orders. */
  matching_ms: z.object({ flow: z.array(z.number()), agents: z.array(z.number()) }),
  /** Each symbol's book now (bounded by the configured symbols); prices and spread are null while a side is empty. */
  venues: z.array(
    z.object({
      symbol: z.string(),
      best_bid: z.number().nullable(),
      best_ask: z.number().nullable(),
      spread: z.number().nullable(),
      spread_bps: z.number().nullable(),
      /** Resting size per side, base units. */
      bid_depth: z.number(),
      ask_depth: z.number(),
      /** Cumulative trades and traded volume (base units) on the book. */
      trades: z.number(),
      volume: z.number(),
      resting_orders: z.number(),
    }),
  ),
  agents: z.array(
    z.object({
      agent_id: z.string(),
      capital: z.number(),
      trades_executed: z.number(),
      win_rate: z.number(),
      scars: z.number(),
      wins: z.number(),
      final_capital: z.number().nullable(),
    }),
  ),
});
export type SimStats = z.infer<typeof SimStats>;

/** Worker → main. */
export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    epoch: z.string(),
    sequence: z.number().int().nonnegative(),
    /** The seed of the story in the database (a restored database keeps its own). */
    seed: z.number().int(),
    restored: z.boolean(),
    /** Events regenerated from the checkpoint and found equal to the journal's. */
    replayed: z.number().int().nonnegative(),
    /** Why the database's story could not be continued and a new epoch began; null when it continued (or is new). */
    newEpochReason: z.string().nullable(),
    symbols: z.array(z.string()),
    /** State the history cannot rebuild from events: each symbol's book as it stands at `sequence`. */
    latest: z.array(PublishedEvent),
  }),
  z.object({ type: z.literal('events'), events: z.array(PublishedEvent) }),
  /** Journaled events from before a restart, sent before `ready`, to refill the resume history. */
  z.object({ type: z.literal('history'), events: z.array(PublishedEvent) }),
  z.object({
    type: z.literal('reply'),
    id: z.number().int(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('stats'), stats: SimStats }),
  z.object({ type: z.literal('stopped') }),
  /** Something an operator should read (e.g. the database is locked by another process and commits are retried). */
  z.object({ type: z.literal('notice'), message: z.string() }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
  /** The answer to `new_epoch`: the database's new epoch (a failure comes as a `reply` with `ok: false`). */
  z.object({ type: z.literal('new_epoch'), id: z.number().int(), epoch: z.string().min(1) }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;

export const WorkerStartOptions = z.object({
  seed: z.number().int().nonnegative(),
  symbols: z.array(z.string()),
  marketIntervalMs: z.number().int().positive(),
  agentIntervalMs: z.number().int().positive(),
  arenaRoundMs: z.number().int().positive(),
  agents: z.number().int().positive(),
  feedErrorRate: z.number().min(0).max(1),
  feedLatencyMs: z.number().nonnegative(),
  replayCsv: z.string().nullable(),
  db: z.string(),
  history: z.number().int().positive(),
  checkpointMs: z.number().int().positive(),
  /** Which market-data streams the model emits (trades, book deltas, candles), and the book depth they show. */
  marketData: z.object({
    trades: z.boolean(),
    book: z.boolean(),
    candles: z.boolean(),
    orders: z.boolean(),
    bookDepth: z.number().int().positive(),
  }),
  /** Test-only knobs (never set from the configuration). */
  testing: z
    .object({
      /** The worker's wall clock steps by `wallStepByMs` once `wallStepAfterMs` have passed (monotonic). */
      wallStepAfterMs: z.number().nonnegative(),
      wallStepByMs: z.number(),
      /** How long commits are retried against a locked database before the worker gives up. */
      lockGiveUpMs: z.number().int().positive(),
      /** Every step that makes events also spins this long, as a heavy model would. */
      slowStepMs: z.number().nonnegative(),
    })
    .partial()
    .optional(),
});
export type WorkerStartOptions = z.infer<typeof WorkerStartOptions>;

/** Largest page of /api/agents. */
export const MAX_AGENTS_PAGE = 1000;

/** Questions only the live model can answer; each is bounded (a page of agents, one agent). */
export const LiveQuery = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('agents'),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().positive().max(MAX_AGENTS_PAGE),
  }),
  z.object({ kind: z.literal('agent'), id: z.string() }),
]);
export type LiveQuery = z.infer<typeof LiveQuery>;

/** Read-only questions the HTTP API asks: live ones go to the simulation worker, database ones to the reader. */
export const WorkerQuery = z.discriminatedUnion('kind', [...LiveQuery.options, ...DbQuery.options]);
export type WorkerQuery = z.infer<typeof WorkerQuery>;

/** Main → worker. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), options: WorkerStartOptions }),
  z.object({ type: z.literal('query'), id: z.number().int(), query: WorkerQuery }),
  z.object({ type: z.literal('stop') }),
  /** Give the database a fresh epoch (its published history was ahead of it: it is an older copy). */
  z.object({ type: z.literal('new_epoch'), id: z.number().int() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;
