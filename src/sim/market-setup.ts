// How a market is assembled: instruments, the value process (factor model or replay) and its fresh or restored state.

import { type Instrument, instrumentFor } from './book/instrument.ts';
import { LatentModel } from './flow/latent.ts';
import { ReplayValue, replaySequences } from './flow/replay-value.ts';
import { mix32 } from './hash.ts';
import type { MarketConfig } from './market-config.ts';
import { freshMarketState, type MarketState } from './market-state.ts';
import type { PriceRow } from './price-csv.ts';
import { symbolProfile } from './symbols.ts';

/** What moves the market's value: the factor model, or the recorded prices in replay mode. */
export type ValueProcess = LatentModel | ReplayValue;

/** Everything a market is built from: its state, instruments, value process and (in replay mode) the replay. */
export interface MarketSetup {
  state: MarketState;
  insts: Instrument[];
  values: ValueProcess;
  replay: ReplayValue | null;
}

/** Setup of a new market over `symbols`, or over the CSV's symbols when `replayRows` is given. */
export function freshMarketSetup(
  seed: number,
  symbols: readonly string[],
  rngSeed: number,
  cfg: MarketConfig,
  replayRows?: readonly PriceRow[],
): MarketSetup {
  const latentSeed = mix32(rngSeed ^ 0x5eed1a7e);
  if (replayRows) {
    const { symbols: syms, series } = replaySequences(replayRows);
    const insts = syms.map((s, i) => instrumentFor(s, series[i]?.[0] ?? 1));
    const replay = new ReplayValue(series, cfg.subSteps);
    const state = freshMarketState(
      seed,
      'replay',
      syms,
      series.map((s) => s[0] ?? 1),
      insts,
      rngSeed,
      cfg,
      null,
      replay.state(),
    );
    return { state, insts, values: replay, replay };
  }
  const unique = [...new Set(symbols)];
  if (unique.length === 0) throw new RangeError('market needs at least one symbol');
  const profiles = unique.map((s) => symbolProfile(s, seed));
  const insts = profiles.map((p) => instrumentFor(p.symbol, p.startPrice));
  const latent = new LatentModel({ ...cfg }, profiles, latentSeed);
  const state = freshMarketState(
    seed,
    'sim',
    unique,
    profiles.map((p) => p.startPrice),
    insts,
    rngSeed,
    cfg,
    latent.state(),
    null,
  );
  return { state, insts, values: latent, replay: null };
}

/** Setup of a market restored from `state` (replay mode needs the same rows it was created with). */
export function restoredMarketSetup(
  state: MarketState,
  cfg: MarketConfig,
  replayRows?: readonly PriceRow[],
): MarketSetup {
  if (state.venues.length !== state.symbols.length) throw new RangeError('market state has no book per symbol');
  if (state.mode === 'replay') {
    if (!replayRows || !state.replay)
      throw new RangeError('snapshot was taken in replay mode; replay rows are required to restore it');
    const { symbols, series } = replaySequences(replayRows);
    if (symbols.join('\n') !== state.symbols.join('\n'))
      throw new RangeError('replay rows do not match the snapshot symbols');
    const insts = symbols.map((s, i) => instrumentFor(s, series[i]?.[0] ?? 1));
    const replay = new ReplayValue(series, cfg.subSteps, state.replay);
    return { state, insts, values: replay, replay };
  }
  if (!state.latent) throw new RangeError('market state has no latent value');
  // Instruments come from the symbols' start profiles (a pure function of seed-independent tables or the seed).
  const profiles = state.symbols.map((s) => symbolProfile(s, state.seed));
  const insts = profiles.map((p) => instrumentFor(p.symbol, p.startPrice));
  const latent = new LatentModel({ ...cfg }, profiles, state.latent);
  return { state, insts, values: latent, replay: null };
}
