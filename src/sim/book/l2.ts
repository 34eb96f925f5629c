// L2 view of a book: top-N snapshots and the deltas between consecutive views, numbered by a per-symbol update_id.

import { ASK, BID, type OrderBook } from './order-book.ts';

/** [price, size] per level, best first. */
export type L2Level = [number, number];
/** ["bid" | "ask", price, size]; size 0 removes the level. */
export type L2Change = ['bid' | 'ask', number, number];

export interface L2Snapshot {
  bids: L2Level[];
  asks: L2Level[];
  update_id: number;
}

/**
 * Remembers the last published top-N view (flat [priceTicks, lots, ...] per side). `delta` diffs the book's current
 * top-N against it, so applying the changes to the previous view (set the level, or drop it on size 0, keeping at most
 * N per side) gives exactly the current view: levels pushed out of the top N are removed explicitly.
 */
export class L2View {
  private prev: [number[], number[]] = [[], []];
  private readonly cur: [number[], number[]] = [[], []];

  constructor(
    readonly depth: number,
    public updateId: number,
    book: OrderBook,
  ) {
    book.top(BID, depth, this.prev[BID]);
    book.top(ASK, depth, this.prev[ASK]);
  }

  /** Current top-N, converting ticks and lots with the given functions. */
  snapshot(book: OrderBook, price: (ticks: number) => number, size: (lots: number) => number): L2Snapshot {
    const side = (s: 0 | 1): L2Level[] => {
      const flat = book.top(s, this.depth, []);
      const out: L2Level[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push([price(flat[i] ?? 0), size(flat[i + 1] ?? 0)]);
      return out;
    };
    return { bids: side(BID), asks: side(ASK), update_id: this.updateId };
  }

  /** Changes since the last view (null if none; then update_id does not move). */
  delta(book: OrderBook, price: (ticks: number) => number, size: (lots: number) => number): L2Change[] | null {
    let changes: L2Change[] | null = null;
    for (const s of [BID, ASK] as const) {
      const now = book.top(s, this.depth, this.cur[s]);
      const before = this.prev[s];
      const name = s === BID ? 'bid' : 'ask';
      // Removed levels first (present before, absent now), then new or resized levels.
      for (let i = 0; i < before.length; i += 2) {
        const p = before[i] ?? 0;
        if (indexOfPrice(now, p) < 0) {
          changes ??= [];
          changes.push([name, price(p), 0]);
        }
      }
      for (let i = 0; i < now.length; i += 2) {
        const p = now[i] ?? 0;
        const lots = now[i + 1] ?? 0;
        const j = indexOfPrice(before, p);
        if (j < 0 || before[j + 1] !== lots) {
          changes ??= [];
          changes.push([name, price(p), size(lots)]);
        }
      }
      this.cur[s] = before;
      this.prev[s] = now;
    }
    if (changes) this.updateId++;
    return changes;
  }
}

function indexOfPrice(flat: number[], p: number): number {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === p) return i;
  return -1;
}

/** Apply a delta to a snapshot the way a client would (for tests and consumers): returns the new snapshot. */
export function applyL2(snap: L2Snapshot, changes: readonly L2Change[], updateId: number, depth: number): L2Snapshot {
  const bids = new Map(snap.bids.map(([p, s]) => [p, s]));
  const asks = new Map(snap.asks.map(([p, s]) => [p, s]));
  for (const [side, p, s] of changes) {
    const m = side === 'bid' ? bids : asks;
    if (s === 0) m.delete(p);
    else m.set(p, s);
  }
  const sorted = (m: Map<number, number>, desc: boolean): L2Level[] =>
    [...m.entries()]
      .sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]))
      .slice(0, depth)
      .map(([p, s]) => [p, s]);
  return { bids: sorted(bids, true), asks: sorted(asks, false), update_id: updateId };
}
