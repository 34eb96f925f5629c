// Position accounting for one agent: fills with fees and adverse slippage, sizing, mark-to-market.

import type { Side } from './strategies/types.ts';

export interface TradingCosts {
  /** Fee charged on notional per fill (0.001 = 10 bps). */
  feeRate: number;
  /**
   * Adverse price slippage per fill (0.0005 = 5 bps): buys fill higher, sells lower. Orders routed to the books pay
   * the slippage the book's depth gives them instead; this figure then only buffers the sizing of entries.
   */
  slippageRate: number;
}

export const DEFAULT_COSTS: Readonly<TradingCosts> = { feeRate: 0.001, slippageRate: 0.0005 };

/** Orders below this notional are not worth the fee and are skipped. */
export const MIN_NOTIONAL = 10;

/** Cash and a signed position (qty < 0 = short). entryPrice/entryFee are 0 when flat. */
export interface Book {
  cash: number;
  qty: number;
  entryPrice: number;
  entryFee: number;
}

/** capital = cash + position marked at `price` (shorts carry their sale proceeds in cash). */
export function markedCapital(book: Book, price: number): number {
  return book.cash + book.qty * price;
}

export function fillPrice(price: number, side: Side, costs: TradingCosts): number {
  return side > 0 ? price * (1 + costs.slippageRate) : price * (1 - costs.slippageRate);
}

/**
 * Quantity for a new position: risk `riskBudget` of capital if the stop is hit, i.e. notional =
 * capital * riskBudget / stopLoss, capped at capital * maxExposure and (for longs) by the cash
 * available after fees. Returns 0 when the order would be below MIN_NOTIONAL.
 */
export function positionSize(
  capital: number,
  cash: number,
  riskBudget: number,
  stopLoss: number,
  maxExposure: number,
  fill: number,
  side: Side,
  costs: TradingCosts,
): number {
  if (!(capital > 0) || !(fill > 0) || side === 0 || !(stopLoss > 0)) return 0;
  let notional = Math.min((capital * riskBudget) / stopLoss, capital * maxExposure);
  if (side > 0) notional = Math.min(notional, cash / (1 + costs.feeRate));
  if (!(notional >= MIN_NOTIONAL)) return 0;
  return notional / fill;
}

/** Open a position of `qty` (> 0) units in direction `side` from flat at market `price` (flat slippage model). */
export function openPosition(book: Book, side: Side, qty: number, price: number, costs: TradingCosts): void {
  openAt(book, side, qty, fillPrice(price, side, costs), costs.feeRate);
}

/** Open from flat with `qty` units filled at average price `fill` (e.g. an order that walked the book). */
export function openAt(book: Book, side: Side, qty: number, fill: number, feeRate: number): void {
  const fee = qty * fill * feeRate;
  book.cash += side > 0 ? -(qty * fill) - fee : qty * fill - fee;
  book.qty = side > 0 ? qty : -qty;
  book.entryPrice = fill;
  book.entryFee = fee;
}

/** Close the whole position at market `price` (flat slippage model); returns realized PnL including both fees. */
export function closePosition(book: Book, price: number, costs: TradingCosts): number {
  return closeAt(book, fillPrice(price, book.qty > 0 ? -1 : 1, costs), costs.feeRate);
}

/** Close the whole position at average fill price `fill`; returns realized PnL including both fills' fees. */
export function closeAt(book: Book, fill: number, feeRate: number): number {
  const qty = book.qty;
  if (qty === 0) return 0;
  const long = qty > 0;
  const units = Math.abs(qty);
  const fee = units * fill * feeRate;
  book.cash += long ? units * fill - fee : -(units * fill) - fee;
  const gross = long ? units * (fill - book.entryPrice) : units * (book.entryPrice - fill);
  const pnl = gross - book.entryFee - fee;
  book.qty = 0;
  book.entryPrice = 0;
  book.entryFee = 0;
  return pnl;
}
