// Simulation options: the public shape, defaults, and validation.

import type { LineageRules } from './arena.ts';
import type { MarketDataOptions } from './book/market-data.ts';
import type { MarketConfig } from './market.ts';
import type { PriceRow } from './price-csv.ts';
import type { Params, StrategyName } from './strategies/types.ts';

export interface SimulationOptions {
  /** uint32 seed for every random stream. */
  seed: number;
  /** Ignored in replay mode (the CSV's symbols are used). */
  symbols: string[];
  /** Epoch ms; the first market step (and first agent report) is due at startTime. */
  startTime: number;
  marketIntervalMs: number;
  agentIntervalMs: number;
  arenaRoundMs: number;
  /** Population size, 3..5000; constant for the whole run. */
  agents: number;
  feedErrorRate: number;
  feedLatencyMs: number;
  /** Quote cache TTL; default marketIntervalMs so a quote serves every agent of its symbol within one step. */
  quoteTtlMs: number;
  replay?: { rows: PriceRow[] };
  /** Optional overrides of the price model (tests use this to stress extreme volatility). */
  marketConfig?: Partial<MarketConfig>;
  /** Opt-in market-data events (trades, book snapshots/deltas, candles); all off by default. */
  marketData?: MarketDataOptions;
  /** Experiments: selection control ('random') or no evolution at all (evaluation runs). Default: fitness, evolving. */
  lineage?: Partial<LineageRules>;
  /** Experiments: the initial population's strategies and parameters, in roster order (length = agents). */
  population?: Array<{ strategy: StrategyName; params: Params }>;
}

export const MIN_AGENTS = 3;
export const MAX_AGENTS = 5000;

export const SIMULATION_DEFAULTS = {
  marketIntervalMs: 5000,
  agentIntervalMs: 10000,
  arenaRoundMs: 180000,
  agents: 5,
  feedErrorRate: 0.01,
  feedLatencyMs: 20,
} as const;

/** Fill defaults (quoteTtlMs follows the resolved marketIntervalMs). */
export function resolveOptions(
  partial: Partial<SimulationOptions> & Pick<SimulationOptions, 'seed' | 'startTime'>,
): SimulationOptions {
  const marketIntervalMs = partial.marketIntervalMs ?? SIMULATION_DEFAULTS.marketIntervalMs;
  const out: SimulationOptions = {
    seed: partial.seed,
    symbols: partial.symbols ?? ['BTC-USD', 'ETH-USD', 'SOL-USD'],
    startTime: partial.startTime,
    marketIntervalMs,
    agentIntervalMs: partial.agentIntervalMs ?? SIMULATION_DEFAULTS.agentIntervalMs,
    arenaRoundMs: partial.arenaRoundMs ?? SIMULATION_DEFAULTS.arenaRoundMs,
    agents: partial.agents ?? SIMULATION_DEFAULTS.agents,
    feedErrorRate: partial.feedErrorRate ?? SIMULATION_DEFAULTS.feedErrorRate,
    feedLatencyMs: partial.feedLatencyMs ?? SIMULATION_DEFAULTS.feedLatencyMs,
    quoteTtlMs: partial.quoteTtlMs ?? marketIntervalMs,
  };
  if (partial.replay) out.replay = partial.replay;
  if (partial.marketConfig) out.marketConfig = partial.marketConfig;
  if (partial.marketData) out.marketData = partial.marketData;
  if (partial.lineage) out.lineage = partial.lineage;
  if (partial.population) out.population = partial.population;
  return out;
}

/** Intervals must be at least 1 ms: a sub-ulp interval would leave the schedule stuck at one time. */
function interval(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 1) throw new RangeError(`${name} must be a finite number of ms >= 1, got ${v}`);
}

/**
 * Throws RangeError describing the first invalid option. `restoring` skips the symbol and population
 * checks, which a snapshot supplies.
 */
export function validateOptions(o: SimulationOptions, restoring = false): void {
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
    throw new RangeError(`seed must be a uint32, got ${o.seed}`);
  if (!Number.isFinite(o.startTime)) throw new RangeError(`startTime must be finite, got ${o.startTime}`);
  interval('marketIntervalMs', o.marketIntervalMs);
  interval('agentIntervalMs', o.agentIntervalMs);
  interval('arenaRoundMs', o.arenaRoundMs);
  if (!restoring && (!Number.isInteger(o.agents) || o.agents < MIN_AGENTS || o.agents > MAX_AGENTS)) {
    throw new RangeError(`agents must be an integer in [${MIN_AGENTS}, ${MAX_AGENTS}], got ${o.agents}`);
  }
  if (!(o.feedErrorRate >= 0 && o.feedErrorRate <= 1))
    throw new RangeError(`feedErrorRate must be in [0, 1], got ${o.feedErrorRate}`);
  if (!(o.feedLatencyMs >= 0) || !Number.isFinite(o.feedLatencyMs))
    throw new RangeError(`feedLatencyMs must be >= 0, got ${o.feedLatencyMs}`);
  if (!(o.quoteTtlMs >= 0) || !Number.isFinite(o.quoteTtlMs))
    throw new RangeError(`quoteTtlMs must be >= 0, got ${o.quoteTtlMs}`);
  if (restoring) return;
  if (o.population && o.population.length !== o.agents)
    throw new RangeError(`population lists ${o.population.length} agents, agents is ${o.agents}`);
  if (!o.replay) {
    if (o.symbols.length === 0) throw new RangeError('symbols must not be empty');
    for (const s of o.symbols)
      if (typeof s !== 'string' || s.length === 0) throw new RangeError(`invalid symbol ${JSON.stringify(s)}`);
  } else if (o.replay.rows.length === 0) {
    throw new RangeError('replay.rows must not be empty');
  }
}
