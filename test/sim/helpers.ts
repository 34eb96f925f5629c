// Shared test helpers: price rings from arrays, agents and decision contexts.

import { type AgentState, createAgent, type DecisionContext, ELIMINATION_FLOOR } from '../../src/sim/agent.ts';
import { DEFAULT_COSTS } from '../../src/sim/portfolio.ts';
import { PriceRing } from '../../src/sim/price-ring.ts';
import { DEFAULT_SCAR_POLICY } from '../../src/sim/scars.ts';
import { getStrategy } from '../../src/sim/strategies/index.ts';
import { HISTORY_CAPACITY, type Params, type StrategyName } from '../../src/sim/strategies/types.ts';

export function ring(values: readonly number[]): PriceRing {
  return PriceRing.from(values, HISTORY_CAPACITY);
}

export function makeAgent(strategy: StrategyName, params: Params = {}, id: string = strategy): AgentState {
  return createAgent({
    id,
    strategy,
    params: { ...getStrategy(strategy).defaults, ...params },
    symbol: 'BTC-USD',
    symbolIndex: 0,
    generation: 1,
    parent: null,
  });
}

export function makeCtx(step = 1): DecisionContext {
  return {
    step,
    at: step * 5000,
    round: 1,
    costs: { ...DEFAULT_COSTS },
    scarPolicy: { ...DEFAULT_SCAR_POLICY },
    floor: ELIMINATION_FLOOR,
  };
}

/** n prices rising (or falling) geometrically by `rate` per step from `start`. */
export function geometric(start: number, rate: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start * (1 + rate) ** i);
}

/** n prices oscillating around `level` with relative amplitude `amp` (deterministic). */
export function wiggle(level: number, amp: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => level * (1 + amp * Math.sin(i * 1.7)));
}
