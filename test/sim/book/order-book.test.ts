// Order book: price-time priority against a naive reference, never crossed, size conserved, partial fills, cancels,
// L2 delta chains that rebuild the book, and state round trips.

import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { applyL2, type L2Snapshot, L2View } from '../../../src/sim/book/l2.ts';
import {
  ASK,
  BID,
  type BookSide,
  type FillSink,
  OrderBook,
  type RestingOrder,
} from '../../../src/sim/book/order-book.ts';

type Op =
  | { t: 'limit'; owner: string; side: BookSide; price: number; lots: number }
  | { t: 'market'; owner: string; side: BookSide; lots: number }
  | { t: 'cancel'; k: number }
  | { t: 'reduce'; k: number; lots: number };

const owner = fc.constantFrom('a', 'b', 'c', 'd');
const side = fc.constantFrom<BookSide>(BID, ASK);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('limit' as const),
      owner,
      side,
      price: fc.integer({ min: 90, max: 110 }),
      lots: fc.integer({ min: 1, max: 20 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('market' as const), owner, side, lots: fc.integer({ min: 1, max: 40 }) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('cancel' as const), k: fc.nat(1000) }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('reduce' as const), k: fc.nat(1000), lots: fc.integer({ min: 1, max: 20 }) }),
  },
);

interface RefOrder {
  id: number;
  owner: string;
  side: BookSide;
  price: number;
  lots: number;
  seq: number;
}

/** Naive reference: a flat list, sorted on every match by price then arrival. */
class RefBook {
  orders: RefOrder[] = [];
  seq = 0;
  fills: Array<[number, number, string, string]> = [];
  take(owner: string, side: BookSide, limit: number, lots: number): number {
    let left = lots;
    const opp = this.orders
      .filter((o) => o.side !== side && (limit < 0 || (side === BID ? o.price <= limit : o.price >= limit)))
      .sort((x, y) => (side === BID ? x.price - y.price : y.price - x.price) || x.seq - y.seq);
    for (const o of opp) {
      if (left === 0) break;
      if (o.owner === owner) {
        this.orders.splice(this.orders.indexOf(o), 1);
        continue;
      }
      const q = Math.min(o.lots, left);
      o.lots -= q;
      left -= q;
      this.fills.push([o.price, q, o.owner, owner]);
      if (o.lots === 0) this.orders.splice(this.orders.indexOf(o), 1);
    }
    return lots - left;
  }
}

function run(ops: Op[], onStep?: (book: OrderBook, i: number) => void) {
  const book = new OrderBook();
  const ref = new RefBook();
  const fills: Array<[number, number, string, string]> = [];
  const sink: FillSink = (price, lots, _aggr, maker, taker) => fills.push([price, lots, maker.owner, taker]);
  const ids: RestingOrder[] = [];
  let submitted = 0;
  let removed = 0;
  const step = (op: Op, _i: number) => {
    if (op.t === 'limit') {
      const before = fills.length;
      const o = book.limit(op.owner, op.side, op.price, op.lots, sink);
      const filled = fills.slice(before).reduce((s, f) => s + f[1], 0);
      submitted += op.lots;
      removed += 2 * filled;
      const rf = ref.take(op.owner, op.side, op.price, op.lots);
      if (op.lots - rf > 0)
        ref.orders.push({
          id: o?.id ?? -1,
          owner: op.owner,
          side: op.side,
          price: op.price,
          lots: op.lots - rf,
          seq: ref.seq++,
        });
      if (o) ids.push(o);
    } else if (op.t === 'market') {
      removed += book.market(op.owner, op.side, op.lots, sink);
      ref.take(op.owner, op.side, -1, op.lots);
    } else if (op.t === 'cancel') {
      const o = ids[op.k % Math.max(1, ids.length)];
      if (!o) return;
      removed += book.cancel(o);
      const r = ref.orders.findIndex((x) => x.id === o.id);
      if (r >= 0) ref.orders.splice(r, 1);
    } else {
      const o = ids[op.k % Math.max(1, ids.length)];
      if (!o) return;
      const before = o.lots;
      if (book.reduce(o, op.lots)) {
        removed += before - op.lots;
        const r = ref.orders.find((x) => x.id === o.id);
        if (r) r.lots = op.lots;
      }
    }
  };
  ops.forEach((op, i) => {
    step(op, i);
    onStep?.(book, i);
    expect(book.checkInvariants()).toBeNull();
    expect(book.depth(BID) + book.depth(ASK)).toBe(submitted - removed - book.stpCancelled);
  });
  return { book, ref, fills };
}

describe('order book', () => {
  test('price-time priority: fills match a naive reference exactly; never crossed; size conserved', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const { book, ref, fills } = run(ops);
        expect(fills).toEqual(ref.fills);
        const resting = book
          .state()
          .orders.map(([id, , , , lots]) => [id, lots])
          .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
        expect(resting).toEqual(ref.orders.map((o) => [o.id, o.lots]).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0)));
      }),
      { numRuns: 300 },
    );
  });

  test('partial fills: a large taker walks levels best first, oldest first within a level', () => {
    const book = new OrderBook();
    const fills: Array<[number, number, string]> = [];
    const sink: FillSink = (p, l, _a, m) => fills.push([p, l, m.owner]);
    book.limit('m1', ASK, 101, 5, sink);
    book.limit('m2', ASK, 100, 3, sink);
    book.limit('m3', ASK, 100, 4, sink);
    book.limit('m4', ASK, 102, 10, sink);
    expect(book.bestAsk()).toBe(100);
    const id = book.limit('t', BID, 101, 20, sink);
    if (!id) throw new Error('should rest');
    expect(fills).toEqual([
      [100, 3, 'm2'],
      [100, 4, 'm3'],
      [101, 5, 'm1'],
    ]);
    expect(id.lots).toBe(8);
    expect(book.bestBid()).toBe(101);
    expect(book.bestAsk()).toBe(102);
    expect(book.market('t2', BID, 50, sink)).toBe(10);
    expect(book.bestAsk()).toBe(-1);
    expect(book.reduce(id, 2)).toBe(true);
    expect(book.cancel(id)).toBe(2);
    expect(book.orderCount).toBe(0);
  });

  test('self-trade prevention cancels the resting order of the same owner', () => {
    const book = new OrderBook();
    const sink: FillSink = () => {};
    book.limit('a', ASK, 100, 5, sink);
    book.limit('b', ASK, 100, 5, sink);
    expect(book.market('a', BID, 7, sink)).toBe(5);
    expect(book.stpCancelled).toBe(5);
    expect(book.orderCount).toBe(0);
  });

  test('L2 deltas applied to a snapshot give exactly the later snapshot (depth-limited view)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 100 }), fc.integer({ min: 1, max: 6 }), (ops, depth) => {
        let view: L2View | null = null;
        let client: L2Snapshot | null = null;
        const id = (x: number) => x;
        run(ops, (book) => {
          if (!view) {
            view = new L2View(depth, 0, book);
            client = view.snapshot(book, id, id);
            return;
          }
          const before = view.updateId;
          const changes = view.delta(book, id, id);
          const fresh = view.snapshot(book, id, id);
          if (changes === null) {
            expect(view.updateId).toBe(before);
            expect({ ...fresh, update_id: before }).toEqual({
              ...(client as unknown as L2Snapshot),
              update_id: before,
            });
          } else {
            expect(view.updateId).toBe(before + 1);
            client = applyL2(client as unknown as L2Snapshot, changes, view.updateId, depth);
            expect(client).toEqual(fresh);
          }
          const last = fresh;
          if (last.bids[0] && last.asks[0]) expect(last.bids[0][0]).toBeLessThan(last.asks[0][0]);
        });
      }),
      { numRuns: 200 },
    );
  });

  test('state round trip: a restored book continues identically', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.array(opArb, { maxLength: 60 }), (a, b) => {
        const { book } = run(a);
        const copy = new OrderBook(JSON.parse(JSON.stringify(book.state())));
        expect(copy.state()).toEqual(book.state());
        expect(copy.checkInvariants()).toBeNull();
        const f1: unknown[] = [];
        const f2: unknown[] = [];
        for (const op of b) {
          if (op.t === 'limit') {
            book.limit(op.owner, op.side, op.price, op.lots, (...x) => f1.push(x.slice(0, 2)));
            copy.limit(op.owner, op.side, op.price, op.lots, (...x) => f2.push(x.slice(0, 2)));
          } else if (op.t === 'market') {
            book.market(op.owner, op.side, op.lots, (...x) => f1.push(x.slice(0, 2)));
            copy.market(op.owner, op.side, op.lots, (...x) => f2.push(x.slice(0, 2)));
          }
        }
        expect(f2).toEqual(f1);
        expect(copy.state()).toEqual(book.state());
      }),
      { numRuns: 100 },
    );
  });

  test('invalid orders and crossed snapshots are rejected', () => {
    const book = new OrderBook();
    expect(() => book.limit('a', BID, 100, 0, () => {})).toThrow(RangeError);
    expect(() => book.limit('a', BID, 1.5, 1, () => {})).toThrow(RangeError);
    expect(() => book.market('a', BID, -1, () => {})).toThrow(RangeError);
    expect(
      () =>
        new OrderBook({
          nextId: 3,
          orders: [
            [1, 'a', BID, 101, 1],
            [2, 'b', ASK, 100, 1],
          ],
        }),
    ).toThrow(RangeError);
    expect(
      () =>
        new OrderBook({
          nextId: 2,
          orders: [
            [1, 'a', BID, 99, 1],
            [1, 'b', ASK, 100, 1],
          ],
        }),
    ).toThrow(RangeError);
    const other = new OrderBook();
    const o = book.limit('a', BID, 100, 3, () => {});
    if (!o) throw new Error('should rest');
    expect(() => other.cancel(o)).toThrow();
    expect(book.cancel(o)).toBe(3);
    expect(book.cancel(o)).toBe(0);
  });
});
