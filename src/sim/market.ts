// The simulated exchange: per-symbol order books traded by the background flow around a latent value (factor model,
// or recorded prices in replay mode), hourly market ticks, micro-steps inside the hour, and agent order execution.

import { type Execution, executeOnVenue } from './book/agent-execution.ts';
import { type Instrument, priceToTicks } from './book/instrument.ts';
import {
  type MarketDataFlags,
  type MarketDataOptions,
  type MarketDataOut,
  marketDataFlags,
} from './book/market-data.ts';
import { Venue } from './book/venue.ts';
import { type VenueStats, venueStats } from './book/venue-stats.ts';
import { freshFlowState, SymbolFlow } from './flow/background.ts';
import { LatentModel } from './flow/latent.ts';
import { type ReplayValue, replaySequences } from './flow/replay-value.ts';
import { type MarketConfig, resolveMarketConfig } from './market-config.ts';
import { freshMarketSetup, type MarketSetup, restoredMarketSetup, type ValueProcess } from './market-setup.ts';
import type { MarketState } from './market-state.ts';
import { type MarketTick, marketTicks } from './market-tick.ts';
import type { PriceRow } from './price-csv.ts';
import { Rng } from './rng.ts';
import { percentChange } from './rounding.ts';

export type { Execution } from './book/agent-execution.ts';
export type { VenueStats } from './book/venue-stats.ts';
export { DEFAULT_MARKET_CONFIG, type MarketConfig } from './market-config.ts';
export type { MarketState } from './market-state.ts';
export type { MarketTick } from './market-tick.ts';
export { replaySequences };

export class Market {
  readonly symbols: readonly string[];
  private readonly cfg: MarketConfig;
  private readonly values: ValueProcess;
  private readonly replay: ReplayValue | null;
  private readonly venues: Venue[];
  private readonly flows: SymbolFlow[];
  private readonly rng: Rng;
  private readonly published: Float64Array;
  private readonly change: Float64Array;
  private lastTickAt: number | null;
  private stepCount: number;
  /** Flow micro-steps run so far. */
  private microCount: number;
  private readonly insts: Instrument[];
  private readonly candleLabel: string;
  private readonly seedOf: number;
  /** No book, trade, candle or order stream is on: a flow micro-step emits nothing (only the next tick shows it). */
  readonly silentMicro: boolean;
  /** Agent exits the books could not absorb, filled by the exchange backstop. */
  backstopFills: number;
  private readonly countBackstop = (): void => {
    this.backstopFills++;
  };

  private constructor(setup: MarketSetup, cfg: MarketConfig, flags: MarketDataFlags) {
    const { state, insts, values, replay } = setup;
    this.symbols = state.symbols.slice();
    this.cfg = cfg;
    this.values = values;
    this.replay = replay;
    this.insts = insts;
    this.rng = Rng.fromState(state.rng);
    this.published = Float64Array.from(state.price);
    this.change = Float64Array.from(state.change);
    this.lastTickAt = state.tickAt;
    this.stepCount = state.steps;
    this.microCount = state.micros;
    this.backstopFills = state.backstopFills;
    this.seedOf = state.seed;
    this.candleLabel = `${cfg.candleSteps}h`;
    this.silentMicro = !(flags.trades || flags.book || flags.candles || flags.orders);
    this.venues = insts.map((inst, i) => {
      const v = new Venue(inst, flags, state.venues[i]);
      v.setIntervalLabel(this.candleLabel);
      return v;
    });
    this.flows = this.venues.map(
      (v, i) => new SymbolFlow(cfg.flow, v, state.flow[i] ?? freshFlowState(cfg.flow.mmCount)),
    );
  }

  /** Simulated market over `symbols`, or over the CSV's symbols when `replayRows` is given. */
  static create(
    seed: number,
    symbols: readonly string[],
    rngSeed: number,
    config: Partial<MarketConfig> = {},
    replayRows?: readonly PriceRow[],
    marketData?: MarketDataOptions,
  ): Market {
    const cfg = resolveMarketConfig(config);
    const flags = marketDataFlags(marketData);
    return new Market(freshMarketSetup(seed, symbols, rngSeed, cfg, replayRows), cfg, flags);
  }

  static restore(
    state: MarketState,
    config: Partial<MarketConfig> = {},
    replayRows?: readonly PriceRow[],
    marketData?: MarketDataOptions,
  ): Market {
    const cfg = resolveMarketConfig(config);
    const flags = marketDataFlags(marketData);
    return new Market(restoredMarketSetup(state, cfg, replayRows), cfg, flags);
  }

  get mode(): 'sim' | 'replay' {
    return this.replay ? 'replay' : 'sim';
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

  get subSteps(): number {
    return this.cfg.subSteps;
  }

  /** Last published price of symbol `i` (the market tick); this is the price used for quotes and marks. */
  price(i: number): number {
    return this.published[i] ?? Number.NaN;
  }

  indexOf(symbol: string): number {
    return this.symbols.indexOf(symbol);
  }

  instrument(i: number): Instrument | undefined {
    return this.insts[i];
  }

  /** Latent value of symbol `i` (what the flow trades around). */
  value(i: number): number {
    return Math.exp(this.values.logValue(i));
  }

  /**
   * Market step at `at`: the hour's volatility and trend move, every symbol publishes its tick (the last trade, or
   * the recorded price in replay mode; the start price on the first step, when the makers first fill the books),
   * candles roll, and book snapshots go out. Candle and book events are pushed to `out`; ticks come from ticks().
   */
  step(at: number, out: MarketDataOut): void {
    const first = this.lastTickAt === null;
    if (!first) this.values.hour();
    const roll = this.stepCount % Math.max(1, this.cfg.candleSteps) === 0;
    for (let i = 0; i < this.symbols.length; i++) {
      const v = this.venues[i];
      const flow = this.flows[i];
      if (!v || !flow) continue;
      let price: number;
      if (first) {
        flow.requote(this.values.logValue(i), this.values.sigmaMicro(i), 0);
        price = this.published[i] ?? 0;
      } else if (this.replay) {
        price = this.replay.recorded(i);
      } else {
        price = v.price(v.lastTrade >= 0 ? v.lastTrade : Math.round(v.mid(1)));
      }
      this.publish(i, price);
      if (roll) v.rollCandle(at, this.candleLabel, out, priceToTicks(v.inst, this.published[i] ?? 0));
      if (v.flags.bookSnapshots) v.pushSnapshot(at, out);
    }
    this.lastTickAt = at;
    this.stepCount++;
  }

  /** One background-flow micro-step at `at` on every symbol: values move, makers requote, takers trade. */
  micro(at: number, out: MarketDataOut): void {
    this.values.micro();
    this.microCount++;
    const rng = this.rng;
    for (let i = 0; i < this.symbols.length; i++) {
      const v = this.venues[i];
      const flow = this.flows[i];
      if (!v || !flow) continue;
      const lv = this.values.logValue(i);
      const sig = this.values.sigmaMicro(i);
      flow.requote(lv, sig, this.microCount);
      flow.trade(lv, sig, rng);
      v.flush(at, out);
    }
  }

  /** Push what agent orders did to the books (trades, deltas, candle updates), stamped `at`. */
  flush(at: number, out: MarketDataOut): void {
    for (const v of this.venues) v.flush(at, out);
  }

  /**
   * Agent market order on symbol `i` for `qty` units (side 1 buy, -1 sell). `budget` caps a buy's value (cash);
   * `maxShare` caps the order at that share of the opposite side's resting size (participation limit for entries).
   * `mustFill` (exits): what the book cannot absorb is filled by the exchange's backstop at the worst price the
   * order reached, 1% worse, so a position can always be closed. Returns units filled and their average price.
   */
  execute(
    i: number,
    owner: string,
    side: 1 | -1,
    qty: number,
    budget = Infinity,
    maxShare = 1,
    mustFill = false,
  ): Execution {
    const v = this.venues[i];
    if (!v) return { qty: 0, price: 0 };
    return executeOnVenue(v, this.price(i), owner, side, qty, budget, maxShare, mustFill, this.countBackstop);
  }

  private publish(i: number, p: number): void {
    const prev = this.published[i] ?? 0;
    this.published[i] = p;
    this.change[i] = this.lastTickAt === null ? 0 : percentChange(prev, p);
  }

  /** Current tick per symbol (fresh objects; callers may keep them). */
  ticks(): MarketTick[] {
    return marketTicks(this.symbols, this.published, this.change, this.lastTickAt);
  }

  /** Every symbol's book as it stands (top levels at its current update id), stamped `at`. */
  bookSnapshots(at: number, out: MarketDataOut): void {
    for (const v of this.venues) v.pushSnapshot(at, out);
  }

  /** Book figures per symbol for metrics: spread, depth, trade count, resting orders. */
  venueStats(): VenueStats[] {
    return this.venues.map((v, i) => venueStats(v, this.value(i)));
  }

  /** Structural check of every book (tests): null when every book is sound. */
  checkBooks(): string | null {
    for (const v of this.venues) {
      const e = v.book.checkInvariants();
      if (e) return `${v.inst.symbol}: ${e}`;
    }
    return null;
  }

  state(): MarketState {
    return {
      mode: this.mode,
      seed: this.seedOf,
      symbols: this.symbols.slice(),
      price: Array.from(this.published),
      change: Array.from(this.change),
      tickAt: this.lastTickAt,
      steps: this.stepCount,
      micros: this.microCount,
      latent: this.values instanceof LatentModel ? this.values.state() : null,
      replay: this.replay ? this.replay.state() : null,
      venues: this.venues.map((v) => v.state()),
      flow: this.flows.map((f) => f.state()),
      rng: this.rng.state(),
      backstopFills: this.backstopFills,
    };
  }
}
