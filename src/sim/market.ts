// Simulated exchange prices: regime-switching GBM with jumps, or replay of recorded CSV prices.

import type { PriceRow } from './price-csv.ts';
import { Rng, type RngState } from './rng.ts';
import { percentChange, roundPrice } from './rounding.ts';
import { symbolProfile } from './symbols.ts';

export interface MarketTick {
  symbol: string;
  price: number;
  change_percent: number;
}

export interface MarketConfig {
  /** Simulated time covered by one market step, in years; fixed so dynamics do not depend on wall cadence. */
  stepYears: number;
  /** Annual drift of the GBM. */
  drift: number;
  /** Multiplies every symbol's volatility (tests use huge values to stress the floors). */
  volScale: number;
  turbulentVolMultiplier: number;
  /** Per-step Markov transition probabilities between the calm and turbulent regimes. */
  calmToTurbulent: number;
  turbulentToCalm: number;
  /** Per-step jump probabilities (Bernoulli per step approximates a Poisson process with small rate). */
  jumpProbCalm: number;
  jumpProbTurbulent: number;
  /** Jump multiplier is exp(N(jumpLogMean, jumpLogStd)): log-normal, slightly down-skewed like crashes. */
  jumpLogMean: number;
  jumpLogStd: number;
}

/** One step is one simulated hour: a 180 s round at 5 s cadence then spans 36 h of market movement. */
export const DEFAULT_MARKET_CONFIG: Readonly<MarketConfig> = {
  stepYears: 1 / (365 * 24),
  drift: 0.05,
  volScale: 1,
  turbulentVolMultiplier: 2.5,
  calmToTurbulent: 0.01,
  turbulentToCalm: 0.05,
  jumpProbCalm: 0.002,
  jumpProbTurbulent: 0.01,
  jumpLogMean: -0.01,
  jumpLogStd: 0.05,
};

/** Internal price bounds; log-prices are clamped so prices stay positive and finite whatever the vol. */
const LOG_FLOOR = Math.log(1e-6);
const LOG_CEIL = Math.log(1e12);

export interface MarketState {
  mode: 'gbm' | 'replay';
  symbols: string[];
  logPrice: number[];
  annualVol: number[];
  /** 0 = calm, 1 = turbulent. */
  regime: number[];
  price: number[];
  change: number[];
  /** Replay position per symbol (index of the currently published row). */
  cursor: number[];
  tickAt: number | null;
  steps: number;
  rng: RngState;
}

/** Per-symbol price sequences from CSV rows, in file order; symbols ordered by first appearance. */
export function replaySequences(rows: readonly PriceRow[]): { symbols: string[]; series: Float64Array[] } {
  const bySymbol = new Map<string, number[]>();
  for (const row of rows) {
    let list = bySymbol.get(row.symbol);
    if (!list) {
      list = [];
      bySymbol.set(row.symbol, list);
    }
    list.push(row.price);
  }
  if (bySymbol.size === 0) throw new RangeError('replay needs at least one price row');
  return { symbols: [...bySymbol.keys()], series: [...bySymbol.values()].map((l) => Float64Array.from(l)) };
}

export class Market {
  readonly symbols: readonly string[];
  private readonly cfg: MarketConfig;
  private readonly rng: Rng;
  private readonly series: Float64Array[] | null;
  private readonly logPrice: Float64Array;
  private readonly annualVol: Float64Array;
  private readonly regime: Uint8Array;
  private readonly published: Float64Array;
  private readonly change: Float64Array;
  private readonly cursor: Int32Array;
  private lastTickAt: number | null;
  private stepCount: number;

  private constructor(state: MarketState, cfg: MarketConfig, series: Float64Array[] | null) {
    this.symbols = state.symbols.slice();
    this.cfg = cfg;
    this.series = series;
    this.rng = Rng.fromState(state.rng);
    this.logPrice = Float64Array.from(state.logPrice);
    this.annualVol = Float64Array.from(state.annualVol);
    this.regime = Uint8Array.from(state.regime);
    this.published = Float64Array.from(state.price);
    this.change = Float64Array.from(state.change);
    this.cursor = Int32Array.from(state.cursor);
    this.lastTickAt = state.tickAt;
    this.stepCount = state.steps;
  }

  /** Simulated market over `symbols`, or over the CSV's symbols when `replayRows` is given. */
  static create(seed: number, symbols: readonly string[], rngSeed: number, config: Partial<MarketConfig> = {}, replayRows?: readonly PriceRow[]): Market {
    const cfg = { ...DEFAULT_MARKET_CONFIG, ...config };
    if (replayRows) {
      const { symbols: syms, series } = replaySequences(replayRows);
      const n = syms.length;
      const state: MarketState = {
        mode: 'replay', symbols: syms, logPrice: new Array<number>(n).fill(0), annualVol: new Array<number>(n).fill(0),
        regime: new Array<number>(n).fill(0), price: series.map((s) => roundPrice(s[0] ?? 1)), change: new Array<number>(n).fill(0),
        cursor: new Array<number>(n).fill(0), tickAt: null, steps: 0, rng: new Rng(rngSeed).state(),
      };
      return new Market(state, cfg, series);
    }
    const unique = [...new Set(symbols)];
    if (unique.length === 0) throw new RangeError('market needs at least one symbol');
    const profiles = unique.map((s) => symbolProfile(s, seed));
    const state: MarketState = {
      mode: 'gbm', symbols: unique, logPrice: profiles.map((p) => Math.log(p.startPrice)), annualVol: profiles.map((p) => p.annualVol),
      regime: profiles.map(() => 0), price: profiles.map((p) => roundPrice(p.startPrice)), change: profiles.map(() => 0),
      cursor: profiles.map(() => 0), tickAt: null, steps: 0, rng: new Rng(rngSeed).state(),
    };
    return new Market(state, cfg, null);
  }

  static restore(state: MarketState, config: Partial<MarketConfig> = {}, replayRows?: readonly PriceRow[]): Market {
    const cfg = { ...DEFAULT_MARKET_CONFIG, ...config };
    if (state.mode === 'replay') {
      if (!replayRows) throw new RangeError('snapshot was taken in replay mode; replay rows are required to restore it');
      const { symbols, series } = replaySequences(replayRows);
      if (symbols.join('\n') !== state.symbols.join('\n')) throw new RangeError('replay rows do not match the snapshot symbols');
      return new Market(state, cfg, series);
    }
    return new Market(state, cfg, null);
  }

  get mode(): 'gbm' | 'replay' {
    return this.series ? 'replay' : 'gbm';
  }

  /** Time of the last tick, or null before the first step. */
  get tickAt(): number | null {
    return this.lastTickAt;
  }

  get steps(): number {
    return this.stepCount;
  }

  get symbolCount(): number {
    return this.symbols.length;
  }

  /** Last published (rounded) price of symbol `i`; this is the exchange price used for quotes and marks. */
  price(i: number): number {
    return this.published[i] ?? Number.NaN;
  }

  indexOf(symbol: string): number {
    return this.symbols.indexOf(symbol);
  }

  /**
   * Advance every symbol one step at time `at`. The first step publishes the starting price
   * (change 0). Replay: each step moves a symbol to its next recorded row; after its last row the
   * symbol loops back to its first row (change_percent is then measured against the last row).
   */
  step(at: number): void {
    if (this.lastTickAt !== null) {
      if (this.series) this.stepReplay();
      else this.stepGbm();
    }
    this.lastTickAt = at;
    this.stepCount++;
  }

  private stepReplay(): void {
    const series = this.series ?? [];
    for (let i = 0; i < this.symbols.length; i++) {
      const s = series[i];
      if (!s || s.length === 0) continue;
      const next = ((this.cursor[i] ?? 0) + 1) % s.length;
      this.cursor[i] = next;
      this.publish(i, s[next] ?? this.price(i));
    }
  }

  private stepGbm(): void {
    const c = this.cfg;
    const dt = c.stepYears;
    const sqrtDt = Math.sqrt(dt);
    const rng = this.rng;
    for (let i = 0; i < this.symbols.length; i++) {
      let regime = this.regime[i] ?? 0;
      const u = rng.next();
      if (regime === 0 ? u < c.calmToTurbulent : u < c.turbulentToCalm) regime = 1 - regime;
      this.regime[i] = regime;
      const sigma = (this.annualVol[i] ?? 0) * c.volScale * (regime === 1 ? c.turbulentVolMultiplier : 1);
      let logReturn = (c.drift - 0.5 * sigma * sigma) * dt + sigma * sqrtDt * rng.normal();
      if (rng.next() < (regime === 1 ? c.jumpProbTurbulent : c.jumpProbCalm)) {
        logReturn += c.jumpLogMean + c.jumpLogStd * rng.normal();
      }
      if (!Number.isFinite(logReturn)) logReturn = 0;
      let lp = (this.logPrice[i] ?? 0) + logReturn;
      if (lp < LOG_FLOOR) lp = LOG_FLOOR;
      else if (lp > LOG_CEIL) lp = LOG_CEIL;
      this.logPrice[i] = lp;
      this.publish(i, Math.exp(lp));
    }
  }

  private publish(i: number, raw: number): void {
    const prev = this.published[i] ?? 0;
    const p = roundPrice(raw);
    this.published[i] = p;
    this.change[i] = percentChange(prev, p);
  }

  /** Current tick per symbol (fresh objects; callers may keep them). */
  ticks(): MarketTick[] {
    const out: MarketTick[] = new Array(this.symbols.length);
    for (let i = 0; i < this.symbols.length; i++) {
      out[i] = { symbol: this.symbols[i] ?? '', price: this.published[i] ?? 0, change_percent: this.lastTickAt === null ? 0 : (this.change[i] ?? 0) };
    }
    return out;
  }

  state(): MarketState {
    return {
      mode: this.mode,
      symbols: this.symbols.slice(),
      logPrice: Array.from(this.logPrice),
      annualVol: Array.from(this.annualVol),
      regime: Array.from(this.regime),
      price: Array.from(this.published),
      change: Array.from(this.change),
      cursor: Array.from(this.cursor),
      tickAt: this.lastTickAt,
      steps: this.stepCount,
      rng: this.rng.state(),
    };
  }
}
