// MeanReversion: fade z-score extremes of the price against its recent mean, exit near the mean.

import { mean, stdDev } from './indicators.ts';
import { type Params, param, RISK_BOUNDS, type Strategy, type Target } from './types.ts';

const DEFAULTS = {
  lookback: 15,
  entryZ: 2,
  exitZ: 0.5,
  stopLoss: 0.04,
  takeProfit: 0.05,
  risk: 0.015,
  maxExposure: 0.7,
};

export const meanReversion: Strategy = {
  name: 'MeanReversion',
  description: 'z-score of price vs. recent mean: short spikes, buy dips, exit near the mean',
  defaults: DEFAULTS,
  bounds: {
    lookback: { min: 5, max: 100, integer: true },
    entryZ: { min: 1, max: 4, integer: false },
    exitZ: { min: 0, max: 1.5, integer: false },
    ...RISK_BOUNDS,
  },
  signal(h, p, side): Target {
    const n = param(p, 'lookback', DEFAULTS.lookback);
    const entryZ = param(p, 'entryZ', DEFAULTS.entryZ);
    const exitZ = param(p, 'exitZ', DEFAULTS.exitZ);
    // Statistics over the previous n prices (excluding the current one) so a single spike stands out fully.
    const m = mean(h, n, 1);
    const sd = stdDev(h, n, 1);
    if (Number.isNaN(m) || !(sd > 0)) return null;
    const z = (h.back(0) - m) / sd;
    if (z > entryZ) return -1;
    if (z < -entryZ) return 1;
    if (side !== 0 && Math.abs(z) < exitZ) return 0;
    return null;
  },
  normalize(p: Params): void {
    if (param(p, 'exitZ', DEFAULTS.exitZ) >= param(p, 'entryZ', DEFAULTS.entryZ))
      p.exitZ = param(p, 'entryZ', DEFAULTS.entryZ) / 2;
  },
};
