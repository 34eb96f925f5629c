// Instrument rules per symbol: tick size and lot size as powers of ten; prices and sizes travel as integer ticks/lots.

export interface Instrument {
  symbol: string;
  /** Price = ticks / 10^tickDecimals. */
  tickDecimals: number;
  /** Size = lots * 10^lotExp (lotExp < 0: fractional lots such as 0.00001 BTC). */
  lotExp: number;
}

/**
 * Tick about 0.1-1 bp of the start price (at least 2 decimals: BTC 0.01, XRP 0.000001) and a lot worth about
 * 0.1-1 units of quote currency at the start price (BTC 0.00001, SHIB 100000).
 */
export function instrumentFor(symbol: string, startPrice: number): Instrument {
  const mag = Math.floor(Math.log10(startPrice));
  const tickDecimals = Math.min(10, Math.max(2, 4 - mag));
  return { symbol, tickDecimals, lotExp: -mag - 1 };
}

export function tickFactor(inst: Instrument): number {
  return 10 ** inst.tickDecimals;
}

/** Exact decimal price of `ticks` (division by a power of ten rounds to the nearest double of the decimal). */
export function ticksToPrice(inst: Instrument, ticks: number): number {
  return ticks / 10 ** inst.tickDecimals;
}

export function priceToTicks(inst: Instrument, price: number): number {
  return Math.round(price * 10 ** inst.tickDecimals);
}

export function lotsToSize(inst: Instrument, lots: number): number {
  return inst.lotExp < 0 ? lots / 10 ** -inst.lotExp : lots * 10 ** inst.lotExp;
}

/** Whole lots in `size` units, rounded down (a tiny epsilon absorbs binary noise such as 2.9999999999). */
export function sizeToLots(inst: Instrument, size: number): number {
  const lots = inst.lotExp < 0 ? size * 10 ** -inst.lotExp : size / 10 ** inst.lotExp;
  return Math.floor(lots + 1e-7);
}

/** Quote-currency value of `ticksTimesLots` (sum of price ticks x lots). */
export function notionalOf(inst: Instrument, ticksTimesLots: number): number {
  return lotsToSize(inst, ticksTimesLots) / 10 ** inst.tickDecimals;
}
