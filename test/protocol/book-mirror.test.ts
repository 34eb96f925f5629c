// The book a client rebuilds from the stream: the model's own snapshots and deltas (the real L2 view), applied to a
// mirror, give exactly every later snapshot; the hub's Books turn deltas into snapshot events; gaps are detected.
import { describe, expect, test } from 'bun:test';
import { EventEncoder } from '../../src/engine/event-encoder.ts';
import { BookMirror, bookPayload } from '../../src/protocol/book-mirror.ts';
import { Books } from '../../src/protocol/books.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { resolveOptions, type SimEvent, Simulation } from '../../src/sim/index.ts';

/** Wire events of a small market with book snapshots (every hour) and deltas, as `bun run sim` writes them. */
function bookStream(seed: number, hours: number): PublishedEvent[] {
  const sim = new Simulation(
    resolveOptions({
      seed,
      startTime: 0,
      symbols: ['BTC-USD', 'ETH-USD'],
      agents: 5,
      marketIntervalMs: 1000,
      agentIntervalMs: 1000,
      arenaRoundMs: 10_000,
      marketData: { book: true, bookDeltas: true, trades: true, bookDepth: 8 },
    }),
  );
  const encoder = new EventEncoder(0);
  const events: SimEvent[] = [];
  const out: PublishedEvent[] = [];
  while (sim.stepOnce(hours * 1000 - 1, events)) {
    for (const e of events) out.push(encoder.encode(e, 0));
    events.length = 0;
  }
  return out.filter((e) => e.family === 'book');
}

describe('book mirror', () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: deltas applied to the first snapshot give every later snapshot, never crossed`, () => {
      const stream = bookStream(seed, 12);
      const mirrors = new Map<string, BookMirror>();
      let compared = 0;
      let applied = 0;
      for (const e of stream) {
        const book = bookPayload(e.json);
        if (book === null) throw new Error(`not a book frame: ${e.json}`);
        const symbol = e.key as string;
        let m = mirrors.get(symbol);
        if ('changes' in book) {
          if (m === undefined) continue;
          expect(m.apply(book, e.sequence)).toBe('applied');
          applied++;
          expect(m.crossed()).toBe(false);
        } else if (m === undefined) {
          m = new BookMirror(symbol);
          m.seed(book, e.sequence);
          mirrors.set(symbol, m);
        } else {
          // A stream snapshot restates the book at its update id: the mirror holds exactly it.
          expect(m.updateId).toBe(book.update_id);
          expect(m.levels()).toEqual({ bids: book.bids, asks: book.asks });
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(15);
      expect(applied).toBeGreaterThan(100);
    });
  }

  test('an old delta is stale, a skipped one is a gap (and the book is unknown until reseeded)', () => {
    const m = new BookMirror('X');
    expect(m.apply({ update_id: 1, changes: [], timestamp: '' }, 1)).toBe('gap');
    m.seed({ bids: [[10, 1]], asks: [[11, 1]], update_id: 5, timestamp: 't' }, 9);
    expect(m.apply({ update_id: 5, changes: [['bid', 10, 0]], timestamp: '' }, 10)).toBe('stale');
    expect(m.levels().bids).toEqual([[10, 1]]);
    expect(
      m.apply(
        {
          update_id: 6,
          changes: [
            ['bid', 10, 0],
            ['ask', 10.5, 2],
          ],
          timestamp: 'u',
        },
        11,
      ),
    ).toBe('applied');
    expect(m.levels()).toEqual({
      bids: [],
      asks: [
        [10.5, 2],
        [11, 1],
      ],
    });
    expect(m.apply({ update_id: 8, changes: [], timestamp: '' }, 12)).toBe('gap');
    expect(m.known).toBe(false);
  });

  test('Books: a first delta (update 1) starts from the empty book; the snapshot event carries sequence and key_seq', () => {
    const books = new Books();
    const delta = (seq: number, id: number, changes: unknown[]) => ({
      sequence: seq,
      family: 'book' as const,
      key: 'X',
      json: JSON.stringify({
        event_type: 'book',
        book: { symbol: 'X', update_id: id, changes, timestamp: 'T' },
        sequence: seq,
        key_seq: id,
      }),
      created_at: 0,
    });
    books.take(delta(3, 1, [['bid', 9, 1]]));
    books.take(delta(7, 2, [['ask', 12, 4]]));
    const snap = books.snapshot('X') as PublishedEvent;
    expect(snap.sequence).toBe(7);
    expect(JSON.parse(snap.json)).toEqual({
      event_type: 'book',
      book: { symbol: 'X', bids: [[9, 1]], asks: [[12, 4]], update_id: 2, timestamp: 'T' },
      sequence: 7,
      key_seq: 2,
      snapshot: true,
    });
    // Cached until the book moves.
    expect(books.snapshot('X')).toBe(snap);
    books.take(delta(9, 4, []));
    expect(books.gaps).toBe(1);
    expect(books.snapshot('X')).toBeUndefined();
    books.replace([snap]);
    expect(books.mirror('X')?.updateId).toBe(2);
  });
});
