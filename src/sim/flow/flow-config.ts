// Configuration of the background order flow: market makers, fundamentalists, trend followers, noise traders.

export interface FlowConfig {
  mmCount: number;
  mmLevels: number;
  /** Quote value per market maker per side over all its levels; level j holds (j + 1) units. */
  mmDepth: number;
  /** Half-spread of each market maker in units of the micro-step volatility. */
  mmHalfSpread: number[];
  /** Micro-steps between two requotes of each market maker (slower makers leave staler quotes). */
  mmEvery: number[];
  /** Level spacing in micro-step volatilities (rounded to a 1-2-5 number of ticks). */
  mmGrid: number;
  /** Share of the mid's last deviation from fair value the makers keep (impact persistence per micro-step). */
  mmMemory: number;
  /**
   * Inventory value at which a maker stops quoting the side that would grow it; quotes skew linearly up to it (by up to
   * two half-spreads), and past half of it the maker unloads a quarter of the excess with a market order each step.
   */
  mmInventoryCap: number;
  fundThreshold: number;
  fundSize: number;
  trendAlpha: number;
  trendThreshold: number;
  trendSize: number;
  trendProb: number;
  /** Market orders per micro-step: 1 + Poisson(noiseRate). */
  noiseRate: number;
  noiseSize: number;
  noiseSizeLogSd: number;
  limitRate: number;
  limitSize: number;
  limitCancelProb: number;
  limitMaxResting: number;
}

export const DEFAULT_FLOW_CONFIG: Readonly<FlowConfig> = {
  mmCount: 2,
  mmLevels: 8,
  mmDepth: 750_000,
  mmHalfSpread: [0.15, 0.25],
  mmEvery: [1, 2],
  mmGrid: 0.45,
  mmMemory: 0.5,
  mmInventoryCap: 400_000,
  fundThreshold: 0.3,
  fundSize: 40_000,
  trendAlpha: 0.1,
  trendThreshold: 0.5,
  trendSize: 15_000,
  trendProb: 0.5,
  noiseRate: 1.5,
  noiseSize: 5_000,
  noiseSizeLogSd: 1,
  limitRate: 2,
  limitSize: 3_000,
  limitCancelProb: 0.15,
  limitMaxResting: 60,
};
