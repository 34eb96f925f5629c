// A book side's price levels: each level's FIFO queue and total, and the search over levels sorted worst -> best.

import { BID, type BookSide, type RestingOrder } from './order-book-types.ts';

export interface Level {
  price: number;
  lots: number;
  /** FIFO: orders[0] has time priority. */
  orders: RestingOrder[];
}

/** Index of the level at `price`, or where it would be inserted (levels sorted worst -> best). */
export function findLevel(levels: Level[], side: BookSide, price: number): number {
  // Fast path: most activity is at or near the best level (the end).
  const n = levels.length;
  const last = levels[n - 1];
  if (!last) return 0;
  const better = side === BID ? price > last.price : price < last.price;
  if (better) return n;
  if (last.price === price) return n - 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const p = levels[mid]?.price ?? 0;
    // Is `price` at or before `p` in worst -> best order?
    const atOrBefore = side === BID ? price <= p : price >= p;
    if (atOrBefore) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
