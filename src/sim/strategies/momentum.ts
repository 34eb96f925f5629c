// Momentum: follow the sign of the return over a lookback once it exceeds a threshold.

import { type Params, param, RISK_BOUNDS, type Strategy, type Target } from './types.ts';

const DEFAULTS = { lookback: 8, threshold: 0.01, stopLoss: 0.04, takeProfit: 0.08, risk: 0.025, maxExposure: 0.9 };

export const momentum: Strategy = {
  name: 'Momentum',
  description: 'lookback return above/below a threshold',
  defaults: DEFAULTS,
  bounds: {
    lookback: { min: 3, max: 60, integer: true },
    threshold: { min: 0.001, max: 0.1, integer: false },
    ...RISK_BOUNDS,
  },
  signal(h, p, side): Target {
    const lookback = param(p, 'lookback', DEFAULTS.lookback);
    const threshold = param(p, 'threshold', DEFAULTS.threshold);
    if (h.length < lookback + 1) return null;
    const r = h.back(0) / h.back(lookback) - 1;
    if (r > threshold) return 1;
    if (r < -threshold) return -1;
    // Momentum turned against the open position: get out rather than wait for the stop.
    if (side !== 0 && Math.sign(r) === -side) return 0;
    return null;
  },
  normalize(_p: Params): void {},
};
