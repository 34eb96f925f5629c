// Every symbol's book as the stream has built it (snapshot + deltas), and its snapshot as a ready-made event, so a
// new book subscriber (here or on a gateway) gets the book as it stands. Pure: the owner says when to settle.
//
// Book events are queued as they pass and parsed only when a book is asked for, when `settleAll` runs (the hub calls
// it in a later task, after the frames of a burst have gone out), or when a book has PENDING_LIMIT of them queued.
// A burst of deltas therefore costs its publish a push each, not a JSON.parse each.
import { BookMirror, bookPayload } from './book-mirror.ts';
import type { PublishedEvent } from './worker-messages.ts';

/** Book events one symbol may queue before they are applied at once (bounds what an unasked book holds). */
export const PENDING_LIMIT = 256;

interface Entry {
  mirror: BookMirror;
  /** The snapshot event of the book as it stands; rebuilt after the book moves. */
  snapshot: PublishedEvent | null;
  /** Book events taken in and not applied yet, in stream order. */
  pending: PublishedEvent[];
}

export class Books {
  private readonly books = new Map<string, Entry>();
  /** Books with queued events. */
  private readonly unsettled = new Set<Entry>();
  private gapCount = 0;

  /**
   * @param onQueued called when a book event is queued and nothing was queued before it: the owner settles the books
   *   later with `settleAll` (absent: they settle when asked for, or at PENDING_LIMIT).
   */
  constructor(private readonly onQueued: (() => void) | null = null) {}

  /** Deltas that did not follow their book (it had not been seeded, or updates were missed). */
  get gaps(): number {
    this.settleAll();
    return this.gapCount;
  }

  /** Book events taken in and not applied yet. */
  get queued(): number {
    let n = 0;
    for (const entry of this.unsettled) n += entry.pending.length;
    return n;
  }

  /** Take one book event in: a snapshot will seed its book, a delta move it on. */
  take(event: PublishedEvent): void {
    const symbol = event.key;
    if (symbol === null) return;
    let entry = this.books.get(symbol);
    if (entry === undefined) {
      entry = { mirror: new BookMirror(symbol), snapshot: null, pending: [] };
      this.books.set(symbol, entry);
    }
    entry.pending.push(event);
    if (entry.pending.length >= PENDING_LIMIT) return this.settle(entry);
    if (this.unsettled.size === 0) this.onQueued?.();
    this.unsettled.add(entry);
  }

  /** Apply every queued book event. */
  settleAll(): void {
    for (const entry of this.unsettled) this.settle(entry);
  }

  /** The book of `symbol` as it stands (undefined when the stream has not given it yet). */
  mirror(symbol: string): BookMirror | undefined {
    const entry = this.settled(symbol);
    return entry?.mirror.known ? entry.mirror : undefined;
  }

  /** The snapshot event of `symbol`'s book. */
  snapshot(symbol: string): PublishedEvent | undefined {
    const entry = this.settled(symbol);
    if (entry === undefined || !entry.mirror.known) return undefined;
    entry.snapshot ??= {
      sequence: entry.mirror.sequence,
      family: 'book',
      key: symbol,
      json: entry.mirror.snapshotJson(),
      created_at: 0,
    };
    return entry.snapshot;
  }

  /** Snapshot events of every known book. */
  snapshots(): PublishedEvent[] {
    const out: PublishedEvent[] = [];
    for (const symbol of this.books.keys()) {
      const s = this.snapshot(symbol);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  clear(): void {
    this.books.clear();
    this.unsettled.clear();
  }

  /** Start over from the book snapshots among `events` (other events are left out). */
  replace(events: readonly PublishedEvent[]): void {
    this.clear();
    for (const e of events) if (e.family === 'book') this.take(e);
  }

  private settled(symbol: string): Entry | undefined {
    const entry = this.books.get(symbol);
    if (entry !== undefined && entry.pending.length > 0) this.settle(entry);
    return entry;
  }

  private settle(entry: Entry): void {
    const events = entry.pending;
    entry.pending = [];
    this.unsettled.delete(entry);
    for (const event of events) if (this.apply(entry, event)) entry.snapshot = null;
  }

  /** One book event onto its book; true when the book moved. */
  private apply(entry: Entry, event: PublishedEvent): boolean {
    const book = bookPayload(event.json);
    if (book === null) return false;
    if (!('changes' in book)) {
      entry.mirror.seed(book, event.sequence);
      return true;
    }
    // A book's first delta (update 1) starts from the empty book.
    if (!entry.mirror.known && book.update_id === 1)
      entry.mirror.seed({ bids: [], asks: [], update_id: 0, timestamp: '' }, 0);
    const result = entry.mirror.apply(book, event.sequence);
    if (result === 'gap') this.gapCount++;
    return result === 'applied';
  }
}
