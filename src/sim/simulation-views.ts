// Read-only views of a running simulation: the population's reports, one agent's detail, and the run's counters.

import { type AgentReport, type AgentState, agentReport, agentSkill } from './agent.ts';
import type { MarketFeed } from './feed.ts';
import { ancestry, type DeadRecord } from './lineage.ts';
import type { Market } from './market.ts';
import type { QuoteCache } from './quote-cache.ts';
import type { AgentDetail, SimulationStats } from './simulation-types.ts';

/** Counters the simulation keeps itself (the cache, the feed and the market count the rest). */
export interface SimulationCounters {
  trades: number;
  round: number;
  marketSteps: number;
  skips: number;
}

/** Reports for `population`, each agent marked at its symbol's published price. */
export function agentReports(population: readonly AgentState[], market: Market): AgentReport[] {
  return population.map((a) => agentReport(a, market.price(a.symbolIndex)));
}

/** Detail for agent `id` of `population`, its ancestry from live agents and `dead`; undefined when not in `population`. */
export function agentDetailOf(
  population: readonly AgentState[],
  dead: readonly DeadRecord[],
  market: Market,
  id: string,
): AgentDetail | undefined {
  const a = population.find((x) => x.id === id);
  if (!a) return undefined;
  const parents = new Map<string, string | null>();
  for (const d of dead) parents.set(d.agent_id, d.parent);
  for (const x of population) parents.set(x.id, x.parent);
  return {
    report: agentReport(a, market.price(a.symbolIndex)),
    scars: a.scars.map((s) => ({ ...s })),
    ancestry: ancestry(a.parent, (x) => parents.get(x)),
    params: { ...a.params },
    skill: agentSkill(a),
    fitness: a.fitness,
    rounds: a.rounds,
    founder: a.founder,
  };
}

/** The run's counters: the quote cache's, the feed's, the simulation's own and the books'. */
export function simulationStats(
  cache: QuoteCache,
  feed: MarketFeed,
  market: Market,
  counters: SimulationCounters,
): SimulationStats {
  return {
    cacheHits: cache.hits,
    cacheMisses: cache.misses,
    requests: feed.requests,
    successes: feed.successes,
    failures: feed.failures,
    trades: counters.trades,
    round: counters.round,
    marketSteps: counters.marketSteps,
    skips: counters.skips,
    bookTrades: market.venueStats().reduce((sum, v) => sum + v.trades, 0),
    backstopFills: market.backstopFills,
  };
}
