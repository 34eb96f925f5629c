// Public API of the pure simulation core.

export { type AgentReport, type AgentStatus, ELIMINATION_FLOOR, START_CAPITAL } from './agent.ts';
export type { RankingEntry, RoundResult } from './arena.ts';
export { type FeedConfig, feedConfig, MarketFeed, type QuoteSource } from './feed.ts';
export { AGENT_ID_RE, type Birth, type Death, offspringId } from './lineage.ts';
export { DEFAULT_MARKET_CONFIG, Market, type MarketConfig, type MarketState, type MarketTick } from './market.ts';
export { type AgentDetail, type SimEvent, Simulation, type SimulationStats } from './model.ts';
export {
  MAX_AGENTS,
  MIN_AGENTS,
  resolveOptions,
  SIMULATION_DEFAULTS,
  type SimulationOptions,
  validateOptions,
} from './options.ts';
export { PriceCsvError, type PriceRow, parsePriceCsv } from './price-csv.ts';
export { QuoteCache } from './quote-cache.ts';
export { type FeedCounters, type FeedRates, feedRates } from './rates.ts';
export { Rng, type RngState } from './rng.ts';
export { percentChange, priceDecimals, roundPrice } from './rounding.ts';
export { DEFAULT_SCAR_POLICY, type ScarKind, type ScarPolicy, type ScarRecord } from './scars.ts';
export { STEP_KINDS, type StepKind } from './schedule.ts';
export { assertSnapshot, type SimulationSnapshot, SNAPSHOT_VERSION } from './snapshot.ts';
export { STRATEGY_ORDER } from './strategies/index.ts';
export type { StrategyName } from './strategies/types.ts';
export { type SymbolProfile, symbolProfile } from './symbols.ts';
