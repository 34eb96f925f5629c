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
 * The risk parameters every strategy carries besides its own, with the bounds four of the five share (Conservative
 * tightens them): stopLoss / takeProfit (fractions of entry price), risk (fraction of capital risked per trade, the
 * initial risk budget) and maxExposure (cap on position notional as a fraction of capital).
 */
export const RISK_BOUNDS: Readonly<Record<'stopLoss' | 'takeProfit' | 'risk' | 'maxExposure', ParamSpec>> = {
  stopLoss: { min: 0.005, max: 0.15, integer: false },
  takeProfit: { min: 0.01, max: 0.3, integer: false },
  risk: { min: 0.002, max: 0.05, integer: false },
  maxExposure: { min: 0.1, max: 1, integer: false },
};

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

export const HISTORY_CAPACITY = 128;

/** Read a parameter with a fallback; params are plain records so lineage can mutate them generically. */
export function param(params: Params, key: string, fallback: number): number {
  const v = params[key];
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
