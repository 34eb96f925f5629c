// Plain-JSON snapshot of a whole simulation, and a structural check before restoring one.

import type { AgentSnapshot } from './agent.ts';
import type { FeedState } from './feed.ts';
import type { DeadRecord } from './lineage.ts';
import type { MarketState } from './market.ts';
import type { QuoteCacheState } from './quote-cache.ts';
import type { RngState } from './rng.ts';

/** 2: order books, background flow, latent value, micro-step schedule, pending decisions, fitness. */
export const SNAPSHOT_VERSION = 2;

export interface SimulationSnapshot {
  version: typeof SNAPSHOT_VERSION;
  seed: number;
  schedule: {
    nextMarketAt: number;
    nextAgentAt: number;
    nextArenaAt: number;
    /** Time of a market step whose agent decisions have not run yet, else null. */
    pendingDecisions: number | null;
    /** Time of the current market step and the index (1..subSteps-1) of its next flow micro-step. */
    hourAt: number | null;
    microIndex: number;
  };
  round: number;
  marketSteps: number;
  trades: number;
  skips: number;
  births: number;
  market: MarketState;
  cache: QuoteCacheState;
  feed: FeedState;
  lineageRng: RngState;
  execRng: RngState;
  agents: AgentSnapshot[];
  dead: DeadRecord[];
}

/** Cheap shape check so a corrupt or foreign file fails loudly instead of producing NaN prices. */
export function assertSnapshot(s: unknown): asserts s is SimulationSnapshot {
  const o = s as Partial<SimulationSnapshot> | null;
  if (!o || typeof o !== 'object') throw new TypeError('snapshot is not an object');
  if (o.version !== SNAPSHOT_VERSION) throw new TypeError(`unsupported snapshot version ${String(o.version)}`);
  const sch = o.schedule;
  if (!sch || ![sch.nextMarketAt, sch.nextAgentAt, sch.nextArenaAt].every(Number.isFinite))
    throw new TypeError('snapshot schedule is invalid');
  if (!o.market || !Array.isArray(o.market.symbols) || o.market.symbols.length === 0)
    throw new TypeError('snapshot market is invalid');
  if (!Array.isArray(o.agents) || o.agents.length === 0) throw new TypeError('snapshot has no agents');
  if (!o.cache || !o.feed || !o.lineageRng || !o.execRng || !Array.isArray(o.dead))
    throw new TypeError('snapshot is missing state');
  if (!Array.isArray(o.market.venues) || o.market.venues.length !== o.market.symbols.length)
    throw new TypeError('snapshot has no book per symbol');
  if (!Number.isInteger(sch.microIndex)) throw new TypeError('snapshot schedule is invalid');
  for (const a of o.agents) {
    if (a.symbolIndex < 0 || a.symbolIndex >= o.market.symbols.length)
      throw new TypeError(`agent ${a.id} has an invalid symbol index`);
  }
}
