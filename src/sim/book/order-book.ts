// Limit order book for one symbol: price-time priority over integer ticks and lots, limit/market orders, cancels.

import {
  ASK,
  BID,
  type BookSide,
  type FillSink,
  type OrderBookState,
  type RestingOrder,
  type TakeResult,
} from './order-book-types.ts';
import { findLevel, type Level } from './price-levels.ts';

export {
  ASK,
  BID,
  type BookSide,
  type FillSink,
  type OrderBookState,
  type RestingOrder,
  type TakeResult,
} from './order-book-types.ts';

/**
 * Both sides keep their levels sorted so the best level is the LAST element (bids ascending, asks descending): a
 * market order consumes from the end and a new best quote appends, both O(1).
 */
export class OrderBook {
  private readonly sides: [Level[], Level[]] = [[], []];
  private count = 0;
  private nextId = 1;
  /** Lots removed by self-trade prevention (a taker meeting its own resting order cancels the resting one). */
  stpCancelled = 0;

  constructor(state?: OrderBookState) {
    if (!state) return;
    const seen = new Set<number>();
    for (const [id, owner, side, price, lots] of state.orders) {
      if (!(lots > 0) || !Number.isInteger(lots) || !Number.isInteger(price) || seen.has(id) || id >= state.nextId)
        throw new RangeError(`invalid resting order ${id}`);
      seen.add(id);
      this.rest({ id, owner, side, price, lots });
    }
    this.nextId = state.nextId;
    if (this.crossed()) throw new RangeError('restored book is crossed');
  }

  get orderCount(): number {
    return this.count;
  }

  levelCount(side: BookSide): number {
    return this.sides[side].length;
  }

  /** Best bid in ticks, or -1 when there is none. */
  bestBid(): number {
    const l = this.sides[BID];
    return l.length > 0 ? (l[l.length - 1]?.price ?? -1) : -1;
  }

  /** Best ask in ticks, or -1 when there is none. */
  bestAsk(): number {
    const l = this.sides[ASK];
    return l.length > 0 ? (l[l.length - 1]?.price ?? -1) : -1;
  }

  crossed(): boolean {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b >= 0 && a >= 0 && b >= a;
  }

  /** Every resting order by id (built on demand, for restoring references held outside the book). */
  ordersById(): Map<number, RestingOrder> {
    const m = new Map<number, RestingOrder>();
    for (const levels of this.sides) for (const l of levels) for (const o of l.orders) m.set(o.id, o);
    return m;
  }

  /** Total resting lots on a side (over every level). */
  depth(side: BookSide): number {
    let s = 0;
    for (const l of this.sides[side]) s += l.lots;
    return s;
  }

  /**
   * Limit order: the part that crosses the opposite side trades at the resting prices (price-time priority), the rest
   * rests at `price`. Returns the resting order (null if nothing rests); `out` accumulates what was filled.
   */
  limit(
    owner: string,
    side: BookSide,
    price: number,
    lots: number,
    sink: FillSink,
    out?: TakeResult,
  ): RestingOrder | null {
    if (!(lots > 0) || !Number.isInteger(lots) || !Number.isInteger(price) || price <= 0)
      throw new RangeError(`invalid limit order ${price} x ${lots}`);
    const filled = this.take(owner, side, price, lots, sink, out);
    const left = lots - filled;
    if (left <= 0) return null;
    const o: RestingOrder = { id: this.nextId++, owner, side, price, lots: left };
    this.rest(o);
    return o;
  }

  /** Market order for up to `lots`; whatever the book cannot fill is dropped. Returns the filled lots. */
  market(owner: string, side: BookSide, lots: number, sink: FillSink, out?: TakeResult): number {
    if (!(lots > 0) || !Number.isInteger(lots)) throw new RangeError(`invalid market order size ${lots}`);
    return this.take(owner, side, -1, lots, sink, out);
  }

  /** Cancel a resting order of this book; returns the lots removed (0 if it is no longer resting). */
  cancel(o: RestingOrder): number {
    if (!(o.lots > 0)) return 0;
    const levels = this.sides[o.side];
    const idx = findLevel(levels, o.side, o.price);
    const lvl = levels[idx];
    const k = lvl && lvl.price === o.price ? indexIn(lvl.orders, o) : -1;
    if (!lvl || k < 0) throw new Error(`order ${o.id} is not in this book`);
    removeAt(lvl.orders, k);
    lvl.lots -= o.lots;
    if (lvl.orders.length === 0) removeAt(levels, idx);
    this.count--;
    const lots = o.lots;
    o.lots = 0;
    return lots;
  }

  /** Shrink a resting order in place, keeping its time priority; returns false if it is gone or would not shrink. */
  reduce(o: RestingOrder, lots: number): boolean {
    if (!(o.lots > 0) || !(lots > 0) || lots >= o.lots || !Number.isInteger(lots)) return false;
    const levels = this.sides[o.side];
    const lvl = levels[findLevel(levels, o.side, o.price)];
    if (!lvl) return false;
    lvl.lots -= o.lots - lots;
    o.lots = lots;
    return true;
  }

  /** Up to `n` best levels of a side as flat [price, lots, price, lots, ...], best first. */
  top(side: BookSide, n: number, out: number[]): number[] {
    out.length = 0;
    const levels = this.sides[side];
    for (let i = levels.length - 1; i >= 0 && out.length < 2 * n; i--) {
      const l = levels[i];
      if (l) out.push(l.price, l.lots);
    }
    return out;
  }

  /** Lots a taker on `side` gets for at most `budget` ticks x lots of quote value, walking the opposite side. */
  lotsForBudget(side: BookSide, budget: number): number {
    const levels = this.sides[side === BID ? ASK : BID];
    let lots = 0;
    let left = budget;
    for (let i = levels.length - 1; i >= 0; i--) {
      const l = levels[i];
      if (!l) break;
      const cost = l.price * l.lots;
      if (cost >= left) return lots + Math.floor(left / l.price);
      lots += l.lots;
      left -= cost;
    }
    return lots;
  }

  state(): OrderBookState {
    const orders: OrderBookState['orders'] = [];
    for (const side of [BID, ASK] as const) {
      const levels = this.sides[side];
      for (let i = levels.length - 1; i >= 0; i--) {
        for (const o of levels[i]?.orders ?? []) orders.push([o.id, o.owner, o.side, o.price, o.lots]);
      }
    }
    return { nextId: this.nextId, orders };
  }

  /** Structural invariants (for tests): sorted levels, level totals, no empty levels, index consistent, not crossed. */
  checkInvariants(): string | null {
    let count = 0;
    for (const side of [BID, ASK] as const) {
      const levels = this.sides[side];
      for (let i = 0; i < levels.length; i++) {
        const l = levels[i];
        if (!l) return 'hole';
        if (l.orders.length === 0) return `empty level ${l.price}`;
        let s = 0;
        for (const o of l.orders) {
          if (o.price !== l.price || o.side !== side || !(o.lots > 0) || !Number.isInteger(o.lots))
            return `bad order ${o.id}`;
          s += o.lots;
          count++;
        }
        if (s !== l.lots) return `level ${l.price} total ${l.lots} != ${s}`;
        const prev = levels[i - 1];
        if (prev && (side === BID ? prev.price >= l.price : prev.price <= l.price)) return 'levels out of order';
      }
    }
    if (count !== this.count) return 'order count out of step';
    return this.crossed() ? 'crossed' : null;
  }

  /** Match a taker against the opposite side up to limit `limitPrice` (-1 = market). */
  private take(
    owner: string,
    side: BookSide,
    limitPrice: number,
    lots: number,
    sink: FillSink,
    out?: TakeResult,
  ): number {
    const levels = this.sides[side === BID ? ASK : BID];
    let left = lots;
    let ticksLots = 0;
    while (left > 0 && levels.length > 0) {
      const lvl = levels[levels.length - 1];
      if (!lvl) break;
      if (limitPrice >= 0 && (side === BID ? lvl.price > limitPrice : lvl.price < limitPrice)) break;
      const orders = lvl.orders;
      while (left > 0 && orders.length > 0) {
        const o = orders[0];
        if (!o) break;
        if (o.owner === owner) {
          orders.shift();
          lvl.lots -= o.lots;
          this.stpCancelled += o.lots;
          this.count--;
          o.lots = 0;
          continue;
        }
        const q = Math.min(o.lots, left);
        o.lots -= q;
        lvl.lots -= q;
        left -= q;
        ticksLots += q * lvl.price;
        if (o.lots === 0) {
          orders.shift();
          this.count--;
        }
        sink(lvl.price, q, side, o, owner);
      }
      if (orders.length === 0) levels.pop();
    }
    if (out) {
      out.lots += lots - left;
      out.ticksLots += ticksLots;
    }
    return lots - left;
  }

  private rest(o: RestingOrder): void {
    const levels = this.sides[o.side];
    const idx = findLevel(levels, o.side, o.price);
    const lvl = levels[idx];
    if (lvl && lvl.price === o.price) {
      lvl.orders.push(o);
      lvl.lots += o.lots;
    } else {
      insertAt(levels, idx, { price: o.price, lots: o.lots, orders: [o] });
    }
    this.count++;
  }
}

// The arrays these work on hold a handful of elements (a level's queue, a side's levels): plain loops, `push` and `pop`
// stay on the engine's fast paths, where `indexOf`, `splice` and writing `length` call into the runtime.

function indexIn<T>(a: T[], x: T): number {
  for (let i = 0; i < a.length; i++) if (a[i] === x) return i;
  return -1;
}

function removeAt<T>(a: T[], i: number): void {
  const n = a.length - 1;
  for (let j = i; j < n; j++) a[j] = a[j + 1] as T;
  a.pop();
}

function insertAt<T>(a: T[], i: number, x: T): void {
  const n = a.length;
  if (i === n) {
    a.push(x);
    return;
  }
  a.push(a[n - 1] as T);
  for (let j = n - 1; j > i; j--) a[j] = a[j - 1] as T;
  a[i] = x;
}
