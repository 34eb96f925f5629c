// Every symbol's book as the stream has built it (snapshot + deltas), and its snapshot as a ready-made event, so a
// new book subscriber (here or on a gateway) gets the book as it stands. Pure.
import { BookMirror, bookPayload } from './book-mirror.ts';
import type { PublishedEvent } from './worker-messages.ts';

interface Entry {
  mirror: BookMirror;
  /** The snapshot event of the book as it stands; rebuilt after the book moves. */
  snapshot: PublishedEvent | null;
}

export class Books {
  private readonly books = new Map<string, Entry>();
  /** Deltas that did not follow their book (it had not been seeded, or updates were missed). */
  gaps = 0;

  /** Take one book event in: a snapshot seeds its book, a delta moves it on. */
  take(event: PublishedEvent): void {
    const symbol = event.key;
    if (symbol === null) return;
    const book = bookPayload(event.json);
    if (book === null) return;
    let entry = this.books.get(symbol);
    if (entry === undefined) {
      entry = { mirror: new BookMirror(symbol), snapshot: null };
      this.books.set(symbol, entry);
    }
    if ('changes' in book) {
      // A book's first delta (update 1) starts from the empty book.
      if (!entry.mirror.known && book.update_id === 1)
        entry.mirror.seed({ bids: [], asks: [], update_id: 0, timestamp: '' }, 0);
      const result = entry.mirror.apply(book, event.sequence);
      if (result === 'gap') this.gaps++;
      if (result !== 'applied') return;
    } else entry.mirror.seed(book, event.sequence);
    entry.snapshot = null;
  }

  /** The book of `symbol` as it stands (undefined when the stream has not given it yet). */
  mirror(symbol: string): BookMirror | undefined {
    const entry = this.books.get(symbol);
    return entry?.mirror.known ? entry.mirror : undefined;
  }

  /** The snapshot event of `symbol`'s book. */
  snapshot(symbol: string): PublishedEvent | undefined {
    const entry = this.books.get(symbol);
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
  }

  /** Start over from the book snapshots among `events` (other events are left out). */
  replace(events: readonly PublishedEvent[]): void {
    this.books.clear();
    for (const e of events) if (e.family === 'book') this.take(e);
  }
}
