// Books apply their events lazily: a book event is queued as it passes and parsed only when its book is asked for,
// when the owner settles them, or when one book has PENDING_LIMIT queued. Whatever the moment it settles, the book is
// the one the events make, event by event.
import { describe, expect, test } from 'bun:test';
import { EventEncoder } from '../../src/engine/event-encoder.ts';
import { BookMirror, bookPayload } from '../../src/protocol/book-mirror.ts';
import { Books, PENDING_LIMIT } from '../../src/protocol/books.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { resolveOptions, type SimEvent, Simulation } from '../../src/sim/index.ts';

/** The book events of a small market (hourly snapshots and the deltas between them). */
function bookEvents(seed: number, hours: number): PublishedEvent[] {
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

/** The same events applied one by one as they come (what the books are compared with). */
function eager(events: readonly PublishedEvent[]): Map<string, BookMirror> {
  const mirrors = new Map<string, BookMirror>();
  for (const e of events) {
    const book = bookPayload(e.json);
    if (book === null || e.key === null) continue;
    let m = mirrors.get(e.key);
    if (m === undefined) mirrors.set(e.key, (m = new BookMirror(e.key)));
    if ('changes' in book) m.apply(book, e.sequence);
    else m.seed(book, e.sequence);
  }
  return mirrors;
}

describe('Books settle lazily', () => {
  const stream = bookEvents(4, 30);

  test('events are queued as they pass; the owner is told once per queue; settling empties it', () => {
    let told = 0;
    const books = new Books(() => told++);
    const burst = stream.slice(0, 40);
    for (const e of burst) books.take(e);
    expect(books.queued).toBe(40);
    expect(told).toBe(1);
    books.settleAll();
    expect(books.queued).toBe(0);
    for (const e of stream.slice(40, 50)) books.take(e);
    expect(told).toBe(2);
    expect(books.queued).toBe(10);
  });

  test('asked for at any point, a book is the one the events so far make', () => {
    const books = new Books();
    let asked = 0;
    for (let i = 0; i < stream.length; i++) {
      books.take(stream[i] as PublishedEvent);
      if (i % 53 !== 0) continue;
      const want = eager(stream.slice(0, i + 1));
      for (const [symbol, m] of want) {
        const got = books.mirror(symbol);
        expect(got?.updateId).toBe(m.updateId);
        expect(got?.sequence).toBe(m.sequence);
        expect(got?.levels()).toEqual(m.levels());
        asked++;
      }
      // Every book with events was asked for: nothing is left queued.
      expect(books.queued).toBe(0);
    }
    expect(asked).toBeGreaterThan(20);
    const snap = books.snapshot('BTC-USD') as PublishedEvent;
    const want = eager(stream).get('BTC-USD') as BookMirror;
    expect(snap.json).toBe(want.snapshotJson());
  });

  test('one book asked for leaves the others queued', () => {
    const books = new Books();
    for (const e of stream.slice(0, 60)) books.take(e);
    const eth = stream.slice(0, 60).filter((e) => e.key === 'ETH-USD').length;
    expect(eth).toBeGreaterThan(0);
    books.mirror('BTC-USD');
    expect(books.queued).toBe(eth);
  });

  test(`an unasked book settles by itself at ${PENDING_LIMIT} queued events`, () => {
    const books = new Books();
    const btc = stream.filter((e) => e.key === 'BTC-USD');
    expect(btc.length).toBeGreaterThan(PENDING_LIMIT);
    for (const e of btc.slice(0, PENDING_LIMIT - 1)) books.take(e);
    expect(books.queued).toBe(PENDING_LIMIT - 1);
    books.take(btc[PENDING_LIMIT - 1] as PublishedEvent);
    expect(books.queued).toBe(0);
    expect(books.mirror('BTC-USD')?.updateId).toBe(eager(btc.slice(0, PENDING_LIMIT)).get('BTC-USD')?.updateId);
  });

  test('gaps are counted when the queue is applied', () => {
    const delta = (sequence: number, id: number): PublishedEvent => ({
      sequence,
      family: 'book',
      key: 'X',
      json: JSON.stringify({
        event_type: 'book',
        book: { symbol: 'X', update_id: id, changes: [['bid', 9, id]], timestamp: 'T' },
        sequence,
        key_seq: id,
      }),
      created_at: 0,
    });
    const books = new Books();
    books.take(delta(1, 1));
    books.take(delta(2, 3));
    expect(books.queued).toBe(2);
    expect(books.gaps).toBe(1);
    expect(books.queued).toBe(0);
    expect(books.mirror('X')).toBeUndefined();
  });
});
