// A market tick: one symbol's published price and change, and the per-symbol ticks of a market.

export interface MarketTick {
  symbol: string;
  price: number;
  change_percent: number;
}

/** Current tick per symbol (fresh objects; callers may keep them); no change before the first tick (`tickAt` null). */
export function marketTicks(
  symbols: readonly string[],
  published: Float64Array,
  change: Float64Array,
  tickAt: number | null,
): MarketTick[] {
  const out: MarketTick[] = new Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    out[i] = {
      symbol: symbols[i] ?? '',
      price: published[i] ?? 0,
      change_percent: tickAt === null ? 0 : (change[i] ?? 0),
    };
  }
  return out;
}
