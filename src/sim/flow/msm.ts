// Markov-switching multifractal volatility (Calvet-Fisher): a product of two-state multipliers with geometric durations.

import type { Rng } from '../rng.ts';

export interface MsmSpec {
  components: number;
  /** Multipliers are m0 or 2 - m0 with equal probability, so each has mean 1 (1 < m0 < 2). */
  m0: number;
  /** Expected life of the fastest and slowest component, in market steps (hours). */
  shortestSteps: number;
  longestSteps: number;
}

/** Per-step redraw probability of each component, slowest first (durations spaced geometrically). */
export function msmRates(spec: MsmSpec): number[] {
  const k = spec.components;
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const life = spec.longestSteps * (spec.shortestSteps / spec.longestSteps) ** (k === 1 ? 1 : j / (k - 1));
    out.push(Math.min(1, 1 / life));
  }
  return out;
}

/** Stationary draw: each component high (1) or low (0) with probability 1/2. */
export function msmInit(spec: MsmSpec, rng: Rng): number[] {
  const out: number[] = [];
  for (let j = 0; j < spec.components; j++) out.push(rng.next() < 0.5 ? 1 : 0);
  return out;
}

/** One step: each component is redrawn with its rate (a redraw may land on the same state). */
export function msmStep(states: number[], rates: readonly number[], rng: Rng): void {
  for (let j = 0; j < states.length; j++) {
    if (rng.next() < (rates[j] ?? 0)) states[j] = rng.next() < 0.5 ? 1 : 0;
  }
}

/** Variance multiplier: product of the components' multipliers (mean 1 under the stationary law). */
export function msmVariance(states: readonly number[], m0: number): number {
  let v = 1;
  for (const s of states) v *= s === 1 ? m0 : 2 - m0;
  return v;
}
