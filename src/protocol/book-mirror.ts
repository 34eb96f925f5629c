// One symbol's book as the stream describes it: a snapshot, then deltas applied in `update_id` order. The hub keeps
// one per symbol to send book snapshots to new subscribers (a gateway too, from the Redis stream), and a client can
// keep one to rebuild the book it is sent. Pure.
import type { BookDeltaData, BookSnapshotData } from './server-messages.ts';

type Level = [number, number];

/** What applying a delta did: it moved the book on, was already in it, or does not follow it (a gap). */
export type BookApply = 'applied' | 'stale' | 'gap';

export class BookMirror {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  /** False until a snapshot seeds it: deltas alone cannot make a book. */
  known = false;
  updateId = 0;
  /** The stream sequence of the last snapshot or delta taken in. */
  sequence = 0;
  timestamp = '';

  constructor(readonly symbol: string) {}

  /** Replace the book with a snapshot taken at stream `sequence`. */
  seed(book: Pick<BookSnapshotData, 'bids' | 'asks' | 'update_id' | 'timestamp'>, sequence: number): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, s] of book.bids) this.bids.set(p, s);
    for (const [p, s] of book.asks) this.asks.set(p, s);
    this.updateId = book.update_id;
    this.timestamp = book.timestamp;
    this.sequence = sequence;
    this.known = true;
  }

  /** Take one delta in: only the next `update_id` applies; an older one is skipped, a later one is a gap. */
  apply(delta: Pick<BookDeltaData, 'changes' | 'update_id' | 'timestamp'>, sequence: number): BookApply {
    if (!this.known || delta.update_id > this.updateId + 1) {
      this.known = false;
      return 'gap';
    }
    if (delta.update_id <= this.updateId) return 'stale';
    for (const [side, price, size] of delta.changes) {
      const levels = side === 'bid' ? this.bids : this.asks;
      if (size === 0) levels.delete(price);
      else levels.set(price, size);
    }
    this.updateId = delta.update_id;
    this.timestamp = delta.timestamp;
    this.sequence = sequence;
    return 'applied';
  }

  /** Best `depth` levels per side, best first. */
  levels(depth = Number.POSITIVE_INFINITY): { bids: Level[]; asks: Level[] } {
    const top = (m: Map<number, number>, desc: boolean): Level[] =>
      [...m.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, depth);
    return { bids: top(this.bids, true), asks: top(this.asks, false) };
  }

  /** Is the best bid below the best ask (or a side empty)? */
  crossed(): boolean {
    const { bids, asks } = this.levels(1);
    const bid = bids[0];
    const ask = asks[0];
    return bid !== undefined && ask !== undefined && bid[0] >= ask[0];
  }

  /** The snapshot frame of the book as it stands: `sequence` and `key_seq` (= `update_id`) of the last delta. */
  snapshotJson(): string {
    const { bids, asks } = this.levels();
    const book = { symbol: this.symbol, bids, asks, update_id: this.updateId, timestamp: this.timestamp };
    return JSON.stringify({
      event_type: 'book',
      book,
      sequence: this.sequence,
      key_seq: this.updateId,
      snapshot: true,
    });
  }
}

/** The `book` payload of a book frame; null when the frame is not one. */
export function bookPayload(json: string): BookSnapshotData | BookDeltaData | null {
  try {
    const frame = JSON.parse(json) as { event_type?: unknown; book?: unknown };
    if (frame.event_type !== 'book' || typeof frame.book !== 'object' || frame.book === null) return null;
    const b = frame.book as { update_id?: unknown; changes?: unknown; bids?: unknown; asks?: unknown };
    if (!Number.isSafeInteger(b.update_id)) return null;
    if (Array.isArray(b.changes)) return frame.book as BookDeltaData;
    if (Array.isArray(b.bids) && Array.isArray(b.asks)) return frame.book as BookSnapshotData;
    return null;
  } catch {
    return null;
  }
}
