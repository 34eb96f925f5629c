// Strategy registry in roster order (this order defines default ids and round-robin assignment).

import { balanced } from './balanced.ts';
import { breakout } from './breakout.ts';
import { conservative } from './conservative.ts';
import { meanReversion } from './mean-reversion.ts';
import { momentum } from './momentum.ts';
import type { Strategy, StrategyName } from './types.ts';

export const STRATEGY_ORDER: readonly StrategyName[] = [
  'Balanced',
  'Momentum',
  'Conservative',
  'MeanReversion',
  'Breakout',
];

const REGISTRY: Readonly<Record<StrategyName, Strategy>> = {
  Balanced: balanced,
  Momentum: momentum,
  Conservative: conservative,
  MeanReversion: meanReversion,
  Breakout: breakout,
};

export function getStrategy(name: StrategyName): Strategy {
  return REGISTRY[name];
}

export { balanced, breakout, conservative, meanReversion, momentum };
