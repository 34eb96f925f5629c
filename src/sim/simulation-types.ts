// Types of what the simulation hands out: its events, one agent's detail, and its counters.

import type { AgentReport } from './agent.ts';
import type { RoundResult } from './arena.ts';
import type { MarketDataEvent } from './book/market-data.ts';
import type { MarketTick } from './market.ts';
import type { ScarRecord } from './scars.ts';

/** Model events; trade, book and candle events only when SimulationOptions.marketData asks for them. */
export type SimEvent =
  | { kind: 'market'; at: number; data: MarketTick }
  | { kind: 'agent'; at: number; data: AgentReport }
  | { kind: 'arena'; at: number; data: RoundResult }
  | MarketDataEvent;

export interface AgentDetail {
  report: AgentReport;
  scars: ScarRecord[];
  /** parent, grandparent, ... as far as live agents and the dead-agent record know them. */
  ancestry: string[];
  params: Record<string, number>;
  /** Life-long shrunk round fitness (the selection key), last round's fitness, rounds lived, founder (benchmark). */
  skill: number;
  fitness: number;
  rounds: number;
  founder: boolean;
}

export interface SimulationStats {
  cacheHits: number;
  cacheMisses: number;
  requests: number;
  successes: number;
  failures: number;
  trades: number;
  round: number;
  marketSteps: number;
  /** Decisions skipped because no fresh quote could be obtained. */
  skips: number;
  /** Trades printed on all books (background flow and agents). */
  bookTrades: number;
  /** Agent exits the books could not absorb, filled by the exchange backstop. */
  backstopFills: number;
}
