// The simulated exchange's plain-JSON state, and the state of a fresh market before its first step.

import { type Instrument, priceToTicks, tickFactor } from './book/instrument.ts';
import type { VenueState } from './book/venue.ts';
import { freshFlowState, type SymbolFlowState } from './flow/background.ts';
import type { LatentState } from './flow/latent.ts';
import type { ReplayState } from './flow/replay-value.ts';
import type { MarketConfig } from './market-config.ts';
import { Rng, type RngState } from './rng.ts';

export interface MarketState {
  mode: 'sim' | 'replay';
  /** Seed of the symbol profiles (unknown symbols derive start price, vol and beta from it). */
  seed: number;
  symbols: string[];
  /** Published tick price per symbol. */
  price: number[];
  change: number[];
  tickAt: number | null;
  steps: number;
  micros: number;
  latent: LatentState | null;
  replay: ReplayState | null;
  venues: VenueState[];
  flow: SymbolFlowState[];
  rng: RngState;
  backstopFills: number;
}

/** State of a market that has not stepped yet: start prices on the tick grid, empty books, fresh flow. */
export function freshMarketState(
  seed: number,
  mode: 'sim' | 'replay',
  symbols: string[],
  start: number[],
  insts: Instrument[],
  rngSeed: number,
  cfg: MarketConfig,
  latent: LatentState | null,
  replay: ReplayState | null,
): MarketState {
  return {
    mode,
    seed,
    symbols,
    price: start.map((p, i) => {
      const inst = insts[i];
      return inst ? priceToTicks(inst, p) / tickFactor(inst) : p;
    }),
    change: start.map(() => 0),
    tickAt: null,
    steps: 0,
    micros: 0,
    latent,
    replay,
    venues: [],
    flow: symbols.map(() => freshFlowState(cfg.flow.mmCount)),
    rng: new Rng(rngSeed).state(),
    backstopFills: 0,
  };
}
