// Conservative: long-only trend follower with low exposure and tight stops.

import { mean } from './indicators.ts';
import { type Params, param, type Strategy, type Target } from './types.ts';

const DEFAULTS = {
  trend: 20,
  slope: 5,
  band: 0.002,
  stopLoss: 0.015,
  takeProfit: 0.03,
  risk: 0.005,
  maxExposure: 0.25,
};

export const conservative: Strategy = {
  name: 'Conservative',
  description: 'long-only: price above a rising moving average, tight stops, small size',
  defaults: DEFAULTS,
  bounds: {
    trend: { min: 10, max: 100, integer: true },
    slope: { min: 2, max: 20, integer: true },
    band: { min: 0, max: 0.02, integer: false },
    stopLoss: { min: 0.005, max: 0.05, integer: false },
    takeProfit: { min: 0.01, max: 0.1, integer: false },
    risk: { min: 0.001, max: 0.02, integer: false },
    maxExposure: { min: 0.05, max: 0.4, integer: false },
  },
  signal(h, p, side): Target {
    const trendN = param(p, 'trend', DEFAULTS.trend);
    const slopeN = param(p, 'slope', DEFAULTS.slope);
    const band = param(p, 'band', DEFAULTS.band);
    const ma = mean(h, trendN);
    const maBefore = mean(h, trendN, slopeN);
    if (Number.isNaN(ma) || Number.isNaN(maBefore)) return null;
    const price = h.back(0);
    if (side === 0 && price > ma * (1 + band) && ma > maBefore) return 1;
    if (side !== 0 && price < ma) return 0;
    return null;
  },
  normalize(_p: Params): void {},
};
