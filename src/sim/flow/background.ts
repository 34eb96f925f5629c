// Background order flow (not ranked): market makers quoting ladders around a fair value with inventory control,
// fundamentalists trading the gap to the latent value, trend followers chasing the recent move, and noise traders
// (market orders plus resting limit orders that get cancelled). Chiarella-Iori / Lux-Marchesi style populations.

import { tickFactor } from '../book/instrument.ts';
import { ASK, BID, type BookSide, type RestingOrder } from '../book/order-book.ts';
import type { Venue } from '../book/venue.ts';
import type { Rng } from '../rng.ts';
import type { FlowConfig } from './flow-config.ts';

/** Ids of the background traders as they appear as buyer/seller of trades. */
export const MM_ID = (m: number): string => `bg-mm-${m + 1}`;
export const FUND_ID = 'bg-fund';
export const TREND_ID = 'bg-trend';
export const NOISE_ID = 'bg-noise';
export const LIQUIDITY_ID = 'bg-liquidity';

export interface SymbolFlowState {
  /** Inventory per market maker, in lots. */
  inventory: number[];
  /** Resting order ids per market maker. */
  quotes: number[][];
  /** Resting noise limit order ids, oldest first. */
  resting: number[];
  /** Trend followers' moving average of the log mid. */
  ema: number | null;
  /** Log fair value at the makers' last requote. */
  lastLogValue: number | null;
}

export function freshFlowState(mmCount: number): SymbolFlowState {
  return {
    inventory: new Array<number>(mmCount).fill(0),
    quotes: Array.from({ length: mmCount }, () => []),
    resting: [],
    ema: null,
    lastLogValue: null,
  };
}

/** Largest 1, 2 or 5 x 10^k not above x (at least 1). */
export function niceTicks(x: number): number {
  if (!(x > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return m >= 5 ? 5 * p : m >= 2 ? 2 * p : p;
}

function poisson(rng: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** The background population of one symbol. */
export class SymbolFlow {
  private readonly mmIds: string[];
  private readonly inventory: number[];
  private quotes: RestingOrder[][];
  private resting: RestingOrder[];
  private ema: number | null;
  private lastLogValue: number | null;
  /** Quote-currency value of one lot per price tick (lot size / tick factor). */
  private readonly lotPerTick: number;
  private readonly factor: number;
  private readonly haveScratch: [Float64Array, Float64Array];

  constructor(
    private readonly cfg: FlowConfig,
    private readonly venue: Venue,
    st: SymbolFlowState,
  ) {
    this.mmIds = Array.from({ length: cfg.mmCount }, (_, m) => MM_ID(m));
    this.factor = tickFactor(venue.inst);
    this.lotPerTick = venue.size(1) / this.factor;
    this.haveScratch = [new Float64Array(cfg.mmLevels), new Float64Array(cfg.mmLevels)];
    this.inventory = st.inventory.slice();
    this.ema = st.ema;
    this.lastLogValue = st.lastLogValue;
    const live =
      st.quotes.some((q) => q.length > 0) || st.resting.length > 0
        ? venue.book.ordersById()
        : new Map<number, RestingOrder>();
    const find = (id: number): RestingOrder => {
      const o = live.get(id);
      if (!o) throw new RangeError(`flow state names order ${id}, which is not resting`);
      return o;
    };
    this.quotes = Array.from({ length: cfg.mmCount }, (_, m) => (st.quotes[m] ?? []).map(find));
    this.resting = st.resting.map(find);
    const inv = this.inventory;
    venue.observer = (buyer, seller, lots) => {
      for (let m = 0; m < this.mmIds.length; m++) {
        const id = this.mmIds[m];
        if (buyer === id) inv[m] = (inv[m] ?? 0) + lots;
        else if (seller === id) inv[m] = (inv[m] ?? 0) - lots;
      }
    };
  }

  state(): SymbolFlowState {
    return {
      inventory: this.inventory.slice(),
      quotes: this.quotes.map((q) => q.filter((o) => o.lots > 0).map((o) => o.id)),
      resting: this.resting.filter((o) => o.lots > 0).map((o) => o.id),
      ema: this.ema,
      lastLogValue: this.lastLogValue,
    };
  }

  /** Value of one lot at `priceTicks`, in quote currency. */
  private lotValue(priceTicks: number): number {
    return this.lotPerTick * priceTicks;
  }

  private lotsFor(value: number, priceTicks: number): number {
    return Math.max(1, Math.round(value / this.lotValue(priceTicks)));
  }

  /**
   * Makers (re)quote around the latent value `logValue` (natural log of the price) given micro-step vol `sigma`;
   * `tick` counts micro-steps so slower makers requote every few steps (all makers quote when `tick` is 0).
   */
  requote(logValue: number, sigma: number, tick: number): void {
    const cfg = this.cfg;
    const f = this.factor;
    const sig = Math.max(sigma, 1e-5);
    const valueTicks = Math.exp(logValue) * f;
    const mid = this.venue.mid(valueTicks);
    const dev = this.lastLogValue === null ? 0 : Math.log(mid / f) - this.lastLogValue;
    this.lastLogValue = logValue;
    const grid = niceTicks(cfg.mmGrid * sig * valueTicks);
    for (let m = 0; m < cfg.mmCount; m++) {
      if (tick % (cfg.mmEvery[m] ?? 1) !== 0) continue;
      const h = Math.max((cfg.mmHalfSpread[m] ?? 0.2) * sig, 1 / valueTicks);
      const invValue = (this.inventory[m] ?? 0) * this.lotValue(valueTicks);
      const skew = invValue / cfg.mmInventoryCap;
      const center =
        valueTicks *
        Math.exp(cfg.mmMemory * Math.max(-0.5, Math.min(0.5, dev)) - 2 * Math.max(-1, Math.min(1, skew)) * h);
      const bestBid = Math.floor((center * (1 - h)) / grid) * grid;
      const bestAsk = Math.ceil((center * (1 + h)) / grid) * grid;
      const quoteBids = skew < 1;
      const quoteAsks = skew > -1;
      this.ladder(m, bestBid, bestAsk, grid, quoteBids, quoteAsks, valueTicks);
    }
    // Makers over half their inventory limit unload part of the excess (hedging flow).
    for (let m = 0; m < cfg.mmCount; m++) {
      const inv = this.inventory[m] ?? 0;
      const excess = Math.abs(inv * this.lotValue(valueTicks)) - cfg.mmInventoryCap / 2;
      if (excess > 0)
        this.venue.market(this.mmIds[m] ?? 'bg-mm', inv > 0 ? ASK : BID, this.lotsFor(excess / 4, valueTicks));
    }
  }

  private ladder(
    m: number,
    bestBid: number,
    bestAsk: number,
    grid: number,
    bids: boolean,
    asks: boolean,
    valueTicks: number,
  ): void {
    const cfg = this.cfg;
    const L = cfg.mmLevels;
    const book = this.venue.book;
    const unit = cfg.mmDepth / ((L * (L + 1)) / 2);
    const have = this.haveScratch;
    have[BID].fill(0);
    have[ASK].fill(0);
    const kept: RestingOrder[] = [];
    for (const o of this.quotes[m] ?? []) {
      if (!(o.lots > 0)) continue;
      const best = o.side === BID ? bestBid : bestAsk;
      const off = o.side === BID ? best - o.price : o.price - best;
      const j = off / grid;
      const wanted = o.side === BID ? bids : asks;
      if (!wanted || off < 0 || j >= L || !Number.isInteger(j) || (have[o.side][j] ?? 0) > 0) {
        book.cancel(o);
        continue;
      }
      const want = this.lotsFor(unit * (j + 1), valueTicks);
      // Refill a level eaten below half (losing its place in the queue); trim only a clearly oversized one.
      if (o.lots < want / 2) {
        book.cancel(o);
        continue;
      }
      if (o.lots > want * 1.3) book.reduce(o, want);
      have[o.side][j] = 1;
      kept.push(o);
    }
    const owner = this.mmIds[m] ?? 'bg-mm';
    for (const side of [BID, ASK] as const) {
      if (side === BID ? !bids : !asks) continue;
      for (let j = 0; j < L; j++) {
        if ((have[side][j] ?? 0) > 0) continue;
        const price = side === BID ? bestBid - j * grid : bestAsk + j * grid;
        if (price <= 0) break;
        const o = this.venue.limit(owner, side, price, this.lotsFor(unit * (j + 1), valueTicks));
        if (o) kept.push(o);
      }
    }
    this.quotes[m] = kept;
  }

  /** One micro-step of the takers and the resting-order traders. */
  trade(logValue: number, sigma: number, rng: Rng): void {
    const cfg = this.cfg;
    const sig = Math.max(sigma, 1e-5);
    const valueTicks = Math.exp(logValue) * this.factor;
    const v = this.venue;
    // Fundamentalists: trade the gap between the mid and the latent value once it is worth it.
    let mid = v.mid(valueTicks);
    const gap = Math.log(mid / valueTicks);
    if (Math.abs(gap) > cfg.fundThreshold * sig) {
      const size = cfg.fundSize * Math.min(Math.abs(gap) / sig, 4);
      v.market(FUND_ID, gap > 0 ? ASK : BID, this.lotsFor(size, mid));
    }
    // Trend followers: chase the mid's departure from its moving average.
    mid = v.mid(valueTicks);
    const lm = Math.log(mid);
    if (this.ema === null) this.ema = lm;
    const u = lm - this.ema;
    if (Math.abs(u) > cfg.trendThreshold * sig && rng.next() < cfg.trendProb) {
      v.market(TREND_ID, u > 0 ? BID : ASK, this.lotsFor(cfg.trendSize * Math.min(Math.abs(u) / sig, 3), mid));
    }
    this.ema += cfg.trendAlpha * (lm - this.ema);
    // Noise traders: at least one market order per micro-step, so every symbol trades several times per hour.
    const n = 1 + poisson(rng, cfg.noiseRate);
    for (let k = 0; k < n; k++) {
      const side: BookSide = rng.next() < 0.5 ? BID : ASK;
      const size = cfg.noiseSize * Math.exp(cfg.noiseSizeLogSd * rng.normal());
      v.market(NOISE_ID, side, this.lotsFor(size, v.mid(valueTicks)));
    }
    this.liquidity(valueTicks, sig, rng);
  }

  /** Resting limit orders at random distances from the mid, cancelled at random or when too many rest. */
  private liquidity(valueTicks: number, sig: number, rng: Rng): void {
    const cfg = this.cfg;
    const v = this.venue;
    const book = v.book;
    const kept: RestingOrder[] = [];
    const resting = this.resting;
    const excess = resting.length - cfg.limitMaxResting;
    for (let k = 0; k < resting.length; k++) {
      const o = resting[k];
      if (!o || !(o.lots > 0)) continue;
      if (k < excess || rng.next() < cfg.limitCancelProb) book.cancel(o);
      else kept.push(o);
    }
    const n = poisson(rng, cfg.limitRate);
    for (let k = 0; k < n; k++) {
      const side: BookSide = rng.next() < 0.5 ? BID : ASK;
      const dist = sig * (0.2 + 1.5 * Math.abs(rng.normal()));
      const mid = v.mid(valueTicks);
      const price = side === BID ? Math.floor(mid * (1 - dist)) : Math.ceil(mid * (1 + dist));
      const lots = this.lotsFor(cfg.limitSize * Math.exp(cfg.noiseSizeLogSd * rng.normal()), mid);
      if (price <= 0) continue;
      const o = v.limit(LIQUIDITY_ID, side, price, lots);
      if (o) kept.push(o);
    }
    this.resting = kept;
  }
}
