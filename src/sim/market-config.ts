// Configuration of the simulated exchange: time grid, latent-value model, background flow, candles.

import { DEFAULT_FLOW_CONFIG, type FlowConfig } from './flow/flow-config.ts';
import type { LatentConfig } from './flow/latent.ts';

export interface MarketConfig extends Omit<LatentConfig, 'subSteps'> {
  /**
   * Sub-steps per market step: sub-step 0 is the market step itself (tick, candle close, agent orders), sub-steps
   * 1..K-1 are background-flow micro-steps spread evenly over the market interval.
   */
  subSteps: number;
  /** Market steps per candle (1 = hourly candles). */
  candleSteps: number;
  flow: FlowConfig;
}

/** One market step is one simulated hour; 20 sub-steps = a book update every 250 ms at the default 5 s cadence. */
export const DEFAULT_MARKET_CONFIG: Readonly<MarketConfig> = {
  stepYears: 1 / (365 * 24),
  subSteps: 20,
  drift: 0.05,
  volScale: 1,
  marketVol: { components: 8, m0: 1.45, shortestSteps: 2, longestSteps: 2000 },
  idioVol: { components: 6, m0: 1.45, shortestSteps: 2, longestSteps: 1000 },
  trendShare: 2e-3,
  trendSteps: 120,
  valueSd: 0.5,
  bound: 1000,
  candleSteps: 1,
  flow: DEFAULT_FLOW_CONFIG,
};

export function resolveMarketConfig(config: Partial<MarketConfig>): MarketConfig {
  return { ...DEFAULT_MARKET_CONFIG, ...config, flow: { ...DEFAULT_FLOW_CONFIG, ...config.flow } };
}
