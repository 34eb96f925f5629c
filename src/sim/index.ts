// Public API of the pure simulation core.

export { Simulation, type AgentDetail, type SimEvent, type SimulationStats } from './model.ts';
export { resolveOptions, validateOptions, SIMULATION_DEFAULTS, MIN_AGENTS, MAX_AGENTS, type SimulationOptions } from './options.ts';
export { SNAPSHOT_VERSION, assertSnapshot, type SimulationSnapshot } from './snapshot.ts';
export { parsePriceCsv, PriceCsvError, type PriceRow } from './price-csv.ts';
export { Market, DEFAULT_MARKET_CONFIG, type MarketConfig, type MarketTick, type MarketState } from './market.ts';
export { symbolProfile, type SymbolProfile } from './symbols.ts';
export { Rng, type RngState } from './rng.ts';
export { roundPrice, percentChange, priceDecimals } from './rounding.ts';
export { QuoteCache } from './quote-cache.ts';
export { MarketFeed, feedConfig, type FeedConfig, type QuoteSource } from './feed.ts';
export { START_CAPITAL, ELIMINATION_FLOOR, type AgentReport, type AgentStatus } from './agent.ts';
export { DEFAULT_SCAR_POLICY, type ScarRecord, type ScarKind, type ScarPolicy } from './scars.ts';
export type { RoundResult, RankingEntry } from './arena.ts';
export { AGENT_ID_RE, offspringId, type Birth, type Death } from './lineage.ts';
export { STRATEGY_ORDER } from './strategies/index.ts';
export type { StrategyName } from './strategies/types.ts';
export { feedRates, type FeedRates, type FeedCounters } from './rates.ts';
