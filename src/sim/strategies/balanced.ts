// Balanced: moving-average crossover, long or short, acting only on the step the averages cross.

import { mean } from './indicators.ts';
import { type Params, param, RISK_BOUNDS, type Strategy, type Target } from './types.ts';

const DEFAULTS = { fast: 5, slow: 15, band: 0.0005, stopLoss: 0.03, takeProfit: 0.06, risk: 0.02, maxExposure: 0.8 };

export const balanced: Strategy = {
  name: 'Balanced',
  description: 'fast/slow moving-average crossover',
  defaults: DEFAULTS,
  bounds: {
    fast: { min: 2, max: 30, integer: true },
    slow: { min: 5, max: 100, integer: true },
    band: { min: 0, max: 0.01, integer: false },
    ...RISK_BOUNDS,
  },
  signal(h, p): Target {
    const fastN = param(p, 'fast', DEFAULTS.fast);
    const slowN = param(p, 'slow', DEFAULTS.slow);
    const band = param(p, 'band', DEFAULTS.band);
    // Acting only on the cross (not on "fast above slow") avoids re-entering right after a stop-out.
    const fNow = mean(h, fastN);
    const sNow = mean(h, slowN);
    const fPrev = mean(h, fastN, 1);
    const sPrev = mean(h, slowN, 1);
    if (Number.isNaN(sPrev) || Number.isNaN(sNow) || Number.isNaN(fNow) || Number.isNaN(fPrev)) return null;
    const diffNow = fNow - sNow;
    const diffPrev = fPrev - sPrev;
    const margin = band * sNow;
    if (diffPrev <= margin && diffNow > margin) return 1;
    if (diffPrev >= -margin && diffNow < -margin) return -1;
    return null;
  },
  normalize(p: Params): void {
    // fast <= 30 < slow's max of 100, so pushing slow up always restores fast < slow.
    const fast = param(p, 'fast', DEFAULTS.fast);
    if (param(p, 'slow', DEFAULTS.slow) <= fast) p.slow = fast + 3;
  },
};
