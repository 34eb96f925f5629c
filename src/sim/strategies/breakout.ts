// Breakout: Donchian channel entries on new highs/lows, exits on a shorter opposite channel.

import { windowMax, windowMin } from './indicators.ts';
import { type Params, param, RISK_BOUNDS, type Strategy, type Target } from './types.ts';

const DEFAULTS = { entry: 15, exit: 7, stopLoss: 0.035, takeProfit: 0.09, risk: 0.02, maxExposure: 0.8 };

export const breakout: Strategy = {
  name: 'Breakout',
  description: 'enter on a break of the N-step channel, exit on the M-step opposite channel',
  defaults: DEFAULTS,
  bounds: {
    entry: { min: 5, max: 100, integer: true },
    exit: { min: 3, max: 50, integer: true },
    ...RISK_BOUNDS,
  },
  signal(h, p, side): Target {
    const entryN = param(p, 'entry', DEFAULTS.entry);
    const exitN = param(p, 'exit', DEFAULTS.exit);
    // Channels exclude the current price: a breakout is the current price leaving the prior range.
    const hi = windowMax(h, entryN, 1);
    const lo = windowMin(h, entryN, 1);
    if (Number.isNaN(hi) || Number.isNaN(lo)) return null;
    const price = h.back(0);
    if (price > hi) return 1;
    if (price < lo) return -1;
    if (side === 1 && price < windowMin(h, exitN, 1)) return 0;
    if (side === -1 && price > windowMax(h, exitN, 1)) return 0;
    return null;
  },
  normalize(p: Params): void {
    if (param(p, 'exit', DEFAULTS.exit) >= param(p, 'entry', DEFAULTS.entry))
      p.exit = Math.max(3, Math.floor(param(p, 'entry', DEFAULTS.entry) / 2));
  },
};
