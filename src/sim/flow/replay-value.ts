// Recorded prices as the latent value: each market step publishes the next row; between two rows the value moves
// geometrically toward the next one, so the books trade around the recording.

import type { PriceRow } from '../price-csv.ts';

export interface ReplayState {
  /** Row of the currently published price, per symbol. */
  cursor: number[];
  /** Flow micro-steps taken since the last market step. */
  sub: number;
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

export class ReplayValue {
  private readonly cursor: Int32Array;
  private sub: number;
  private readonly sigma: Float64Array;

  constructor(
    private readonly series: Float64Array[],
    private readonly subSteps: number,
    state?: ReplayState,
  ) {
    this.cursor = Int32Array.from(state?.cursor ?? series.map(() => 0));
    this.sub = state?.sub ?? 0;
    const flows = Math.max(1, subSteps - 1);
    // Micro-step volatility from the recording's own row-to-row log changes (makers need a scale for spreads).
    this.sigma = Float64Array.from(series, (s) => {
      let ss = 0;
      for (let k = 1; k < s.length; k++) ss += Math.log((s[k] ?? 1) / (s[k - 1] ?? 1)) ** 2;
      const perRow = s.length > 1 ? Math.sqrt(ss / (s.length - 1)) : 0;
      return Math.max(1e-4, perRow / Math.sqrt(flows));
    });
  }

  get count(): number {
    return this.series.length;
  }

  /** The recorded price published at the current market step. */
  recorded(i: number): number {
    const s = this.series[i];
    return s?.[this.cursor[i] ?? 0] ?? 1;
  }

  private nextRow(i: number): number {
    const s = this.series[i];
    if (!s || s.length === 0) return 1;
    return s[((this.cursor[i] ?? 0) + 1) % s.length] ?? 1;
  }

  logValue(i: number): number {
    const a = Math.log(this.recorded(i));
    const b = Math.log(this.nextRow(i));
    return a + ((b - a) * this.sub) / Math.max(1, this.subSteps - 1);
  }

  sigmaMicro(i: number): number {
    return this.sigma[i] ?? 1e-4;
  }

  /** Advance every symbol to its next row (looping at the end). */
  hour(): void {
    for (let i = 0; i < this.series.length; i++) {
      const len = this.series[i]?.length ?? 1;
      this.cursor[i] = ((this.cursor[i] ?? 0) + 1) % len;
    }
    this.sub = 0;
  }

  micro(): void {
    this.sub++;
  }

  state(): ReplayState {
    return { cursor: Array.from(this.cursor), sub: this.sub };
  }
}
