// Messages between the main thread and the simulation worker (and the shape of one published event).
import { z } from 'zod';

/** One event as the hub routes it: serialized once, with what is needed to pick its topics. */
export const PublishedEvent = z.object({
  sequence: z.number().int().positive(),
  family: z.enum(['market', 'agent', 'arena']),
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
    seed: z.number().int(),
    restored: z.boolean(),
    symbols: z.array(z.string()),
  }),
  z.object({ type: z.literal('events'), events: z.array(PublishedEvent) }),
  /** Journaled events from before a restart, sent before `ready`, to refill the resume history. */
  z.object({ type: z.literal('history'), events: z.array(PublishedEvent) }),
  z.object({ type: z.literal('reply'), id: z.number().int(), ok: z.boolean(), result: z.unknown().optional(), error: z.string().optional() }),
  z.object({ type: z.literal('stats'), stats: SimStats }),
  z.object({ type: z.literal('stopped') }),
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
});
export type WorkerStartOptions = z.infer<typeof WorkerStartOptions>;

/** Read-only questions the HTTP API asks the single writer. */
export const WorkerQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agents') }),
  z.object({ kind: z.literal('agent'), id: z.string() }),
  z.object({ kind: z.literal('rounds'), limit: z.number().int().positive(), before: z.number().int().positive().optional() }),
]);
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
