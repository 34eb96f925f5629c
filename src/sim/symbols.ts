// Starting price and volatility profiles for symbols, known or derived from the seed.

import { hashString, mix32 } from './hash.ts';
import { roundPrice } from './rounding.ts';

export interface SymbolProfile {
  symbol: string;
  startPrice: number;
  /** Annualised volatility of log returns (0.6 = 60%). */
  annualVol: number;
  /** Loading on the common market factor: correlation of the symbol's shocks with the market's (crypto ~0.7-0.9). */
  beta: number;
}

/** Rough real-world levels [start price, annual vol, beta] so the stream looks plausible; not meant to track any market. */
const KNOWN: Readonly<Record<string, readonly [number, number, number]>> = {
  BTC: [45000, 0.6, 0.92],
  ETH: [2500, 0.75, 0.9],
  SOL: [100, 1.0, 0.8],
  BNB: [300, 0.7, 0.8],
  XRP: [0.6, 0.9, 0.72],
  ADA: [0.5, 0.95, 0.8],
  DOGE: [0.08, 1.1, 0.7],
  AVAX: [35, 1.05, 0.8],
  DOT: [7, 0.95, 0.8],
  LINK: [15, 0.9, 0.8],
  MATIC: [0.85, 1.0, 0.8],
  LTC: [70, 0.8, 0.8],
  TRX: [0.11, 0.7, 0.65],
  ATOM: [9, 0.95, 0.78],
  UNI: [6, 1.0, 0.78],
  SHIB: [0.00001, 1.2, 0.7],
  AAPL: [190, 0.28, 0.3],
  MSFT: [380, 0.26, 0.3],
  NVDA: [480, 0.5, 0.35],
  TSLA: [240, 0.6, 0.3],
  SPY: [470, 0.16, 0.3],
  EUR: [1.09, 0.08, 0.1],
  GBP: [1.27, 0.09, 0.1],
  XAU: [2030, 0.15, 0.15],
};

const LOG_MIN_PRICE = Math.log(0.05);
const LOG_MAX_PRICE = Math.log(2000);

/**
 * Profile for `symbol`: exact match on the base asset (text before the first '-' or '/'), else a
 * start price log-uniform in [0.05, 2000], volatility in [0.3, 1.2] and beta in [0.65, 0.85] derived from (seed, symbol),
 * so the same seed always yields the same made-up instrument.
 */
export function symbolProfile(symbol: string, seed: number): SymbolProfile {
  const base = symbol.split(/[-/]/)[0]?.toUpperCase() ?? symbol;
  const known = KNOWN[base];
  if (known) return { symbol, startPrice: known[0], annualVol: known[1], beta: known[2] };
  const h1 = mix32((seed >>> 0) ^ hashString(symbol));
  const h2 = mix32(h1);
  const u1 = h1 / 4294967296;
  const u2 = h2 / 4294967296;
  const u3 = mix32(h2) / 4294967296;
  const startPrice = roundPrice(Math.exp(LOG_MIN_PRICE + (LOG_MAX_PRICE - LOG_MIN_PRICE) * u1));
  const annualVol = Math.round((0.3 + 0.9 * u2) * 1000) / 1000;
  const beta = Math.round((0.65 + 0.2 * u3) * 1000) / 1000;
  return { symbol, startPrice, annualVol, beta };
}
