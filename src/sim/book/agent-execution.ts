// An agent's market order on one venue: lots capped by participation and budget, and the exchange backstop for exits.

import type { BackstopFill } from './agent-orders.ts';
import { notionalOf, sizeToLots, tickFactor } from './instrument.ts';
import { ASK, BID, type TakeResult } from './order-book.ts';
import type { Venue } from './venue.ts';

/** What an agent market order got: units filled and their average price (0 when nothing filled). */
export interface Execution {
  qty: number;
  price: number;
}

/**
 * Market order on `v` for `qty` units (side 1 buy, -1 sell), capped by `budget` (a buy's cash) and by `maxShare` of
 * the opposite side's resting size. With `mustFill`, what the book cannot absorb is filled at the worst price the
 * order reached (or `published`, the symbol's last tick, when nothing filled), 1% worse, and `onBackstop` is called.
 */
export function executeOnVenue(
  v: Venue,
  published: number,
  owner: string,
  side: 1 | -1,
  qty: number,
  budget: number,
  maxShare: number,
  mustFill: boolean,
  onBackstop: () => void,
): Execution {
  if (!(qty > 0)) return { qty: 0, price: 0 };
  const inst = v.inst;
  const bookSide = side > 0 ? BID : ASK;
  let lots = sizeToLots(inst, qty);
  if (maxShare < 1) lots = Math.min(lots, Math.floor(v.book.depth(side > 0 ? ASK : BID) * maxShare));
  if (Number.isFinite(budget))
    lots = Math.min(lots, v.book.lotsForBudget(bookSide, (budget * tickFactor(inst)) / v.size(1)));
  if (!(lots > 0)) return { qty: 0, price: 0 };
  const res: TakeResult = { lots: 0, ticksLots: 0 };
  const finish = v.agentMarket(owner, bookSide, lots, res);
  let filledLots = res.lots;
  let value = notionalOf(inst, res.ticksLots);
  let backstop: BackstopFill | null = null;
  if (mustFill && filledLots < lots) {
    const worst = filledLots > 0 ? v.price(v.lastTrade) : published;
    backstop = { price: worst * (side > 0 ? 1.01 : 0.99), lots: lots - filledLots };
    value += v.size(backstop.lots) * backstop.price;
    filledLots = lots;
    onBackstop();
  }
  finish(backstop);
  if (filledLots === 0) return { qty: 0, price: 0 };
  const units = v.size(filledLots);
  return { qty: units, price: value / units };
}
