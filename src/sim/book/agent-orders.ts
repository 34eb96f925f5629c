// The lifecycle of an agent's market order as private `order` events: `new`, each fill (`partially_filled`, the last
// one `filled`), the exchange backstop's fill of an exit the book could not absorb, and `cancelled` for what was left.
// Pure: sizes in lots, prices in ticks, converted by the venue's instrument.

import type { OrderData } from './market-data.ts';

export interface OrderTicket {
  agent_id: string;
  order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  /** Lots asked for. */
  lots: number;
}

export interface Units {
  /** Lots → size. */
  size(lots: number): number;
  /** Ticks → price. */
  price(ticks: number): number;
}

/** The exchange's fill of what an exit left: its price (price units) and lots. */
export interface BackstopFill {
  price: number;
  lots: number;
}

/**
 * Events of one order: `fills` are [ticks, lots] pairs in match order; `backstop` the exchange's fill of the rest
 * (its price already in price units), if any.
 */
export function orderLifecycle(
  t: OrderTicket,
  fills: readonly number[],
  backstop: BackstopFill | null,
  u: Units,
): OrderData[] {
  const base = { agent_id: t.agent_id, order_id: t.order_id, symbol: t.symbol, side: t.side, type: 'market' as const };
  const size = u.size(t.lots);
  const out: OrderData[] = [];
  let lots = 0;
  let value = 0;
  const step = (status: OrderData['status'], fillPrice: number | null, fillLots: number | null, backstopFill = false) =>
    out.push({
      ...base,
      status,
      size,
      filled: u.size(lots),
      avg_price: lots > 0 ? value / u.size(lots) : null,
      fill_price: fillPrice,
      fill_size: fillLots === null ? null : u.size(fillLots),
      backstop: backstopFill,
    });
  step('new', null, null);
  for (let i = 0; i + 1 < fills.length; i += 2) {
    const price = u.price(fills[i] as number);
    const fillLots = fills[i + 1] as number;
    lots += fillLots;
    value += price * u.size(fillLots);
    step(lots >= t.lots ? 'filled' : 'partially_filled', price, fillLots);
  }
  if (backstop !== null && backstop.lots > 0) {
    lots += backstop.lots;
    value += backstop.price * u.size(backstop.lots);
    step(lots >= t.lots ? 'filled' : 'partially_filled', backstop.price, backstop.lots, true);
  }
  if (lots < t.lots) step('cancelled', null, null);
  return out;
}
