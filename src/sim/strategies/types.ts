// Shared strategy contracts: parameters, bounds for mutation, and the target-position signal.

import type { PriceRing } from '../price-ring.ts';

export type StrategyName = 'Balanced' | 'Momentum' | 'Conservative' | 'MeanReversion' | 'Breakout';

/** Desired position direction: long, short, flat, or null = no opinion (keep whatever is held). */
export type Target = -1 | 0 | 1 | null;

export type Side = -1 | 0 | 1;

export type Params = Record<string, number>;

export interface ParamSpec {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * Every strategy carries these risk parameters in addition to its own:
 * stopLoss / takeProfit (fractions of entry price), risk (fraction of capital risked per trade,
 * the initial risk budget) and maxExposure (cap on position notional as a fraction of capital).
 */
export const COMMON_PARAM_KEYS = ['stopLoss', 'takeProfit', 'risk', 'maxExposure'] as const;

export interface Strategy {
  readonly name: StrategyName;
  readonly description: string;
  readonly defaults: Readonly<Params>;
  readonly bounds: Readonly<Record<string, ParamSpec>>;
  /** Decide from the agent's own history (latest value = current quote). Must not allocate. */
  signal(history: PriceRing, params: Params, side: Side): Target;
  /** Repair cross-parameter constraints (e.g. fast < slow) after mutation. */
  normalize(params: Params): void;
}

/** Longest lookback any strategy may use; price histories hold at least this many values plus one. */
export const MAX_LOOKBACK = 100;
export const HISTORY_CAPACITY = 128;

/** Read a parameter with a fallback; params are plain records so lineage can mutate them generically. */
export function param(params: Params, key: string, fallback: number): number {
  const v = params[key];
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
