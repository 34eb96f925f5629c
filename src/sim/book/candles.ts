// OHLCV candles per symbol built from trades: one interval spans a fixed number of market steps (one hour by default).

export interface CandleState {
  /** Simulated start time (ms) of the forming candle, null before the first interval opens. */
  start: number | null;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Traded lots in the interval. */
  lots: number;
  trades: number;
}

/** Forming candle; prices in ticks. An interval with no trades is flat at the previous close, volume 0. */
export class CandleBuilder {
  start: number | null;
  open: number;
  high: number;
  low: number;
  close: number;
  lots: number;
  trades: number;
  /** Whether a trade changed the candle since it was last published. */
  dirty = false;

  constructor(state?: CandleState) {
    this.start = state?.start ?? null;
    this.open = state?.open ?? 0;
    this.high = state?.high ?? 0;
    this.low = state?.low ?? 0;
    this.close = state?.close ?? 0;
    this.lots = state?.lots ?? 0;
    this.trades = state?.trades ?? 0;
  }

  /** Open a new interval at `start` from reference price `ticks` (the previous close). */
  openAt(start: number, ticks: number): void {
    this.start = start;
    this.open = ticks;
    this.high = ticks;
    this.low = ticks;
    this.close = ticks;
    this.lots = 0;
    this.trades = 0;
    this.dirty = false;
  }

  trade(ticks: number, lots: number): void {
    if (this.trades === 0) {
      this.open = ticks;
      this.high = ticks;
      this.low = ticks;
    } else {
      if (ticks > this.high) this.high = ticks;
      if (ticks < this.low) this.low = ticks;
    }
    this.close = ticks;
    this.lots += lots;
    this.trades++;
    this.dirty = true;
  }

  state(): CandleState {
    return {
      start: this.start,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      lots: this.lots,
      trades: this.trades,
    };
  }
}
