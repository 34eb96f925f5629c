// The hub's books are applied after the frames that moved them have gone out: a burst of book deltas is queued in the
// publishing task and settled by the hub in a later one, without anyone asking, and the next subscriber's snapshot is
// the book the deltas made.
import { afterEach, expect, test } from 'bun:test';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { TestClient, waitUntil } from '../helpers/clients.ts';
import { type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness | null = null;
afterEach(() => h?.stop());

function delta(harness: Harness, id: number): PublishedEvent {
  const sequence = ++harness.seq;
  return {
    sequence,
    family: 'book',
    key: 'BTC-USD',
    json: JSON.stringify({
      event_type: 'book',
      book: { symbol: 'BTC-USD', update_id: id, changes: [['bid', 100 - id, id]], timestamp: 'T' },
      sequence,
      key_seq: id,
    }),
    created_at: Date.now(),
  };
}

test('a burst of deltas is published first and applied to the book in a later task', async () => {
  const harness = startHarness();
  h = harness;
  const reader = await TestClient.open(`${harness.url}?topics=book.BTC-USD`);
  await reader.nextOf('welcome');
  for (let id = 1; id <= 5; id++) harness.hub.publish(delta(harness, id));
  // Still the publishing task: the deltas wait, unparsed.
  expect(harness.hub.history.books.queued).toBe(5);
  await reader.waitFor((f) => f.event_type === 'book', 5);
  // Nobody asked for the book, and the hub has applied it.
  await waitUntil(() => harness.hub.history.books.queued === 0, 2000, 'the books settled');
  const next = await TestClient.open(`${harness.url}?topics=book.BTC-USD`);
  const snap = await next.next((f) => f.event_type === 'book' && f.snapshot === true);
  expect(snap.book.update_id).toBe(5);
  expect(snap.book.bids).toEqual([1, 2, 3, 4, 5].map((id) => [100 - id, id]));
  reader.close();
  next.close();
});

/** A reader in its own process, so it reads while this one is busy: prints when each stream frame arrived. */
const READER = `
const ws = new WebSocket(process.argv[1]);
ws.onmessage = (e) => {
  const f = JSON.parse(String(e.data));
  if (f.sequence !== undefined) console.log(JSON.stringify({ at: Date.now(), sequence: f.sequence }));
};
`;

test('the frames of a burst reach a reader before the books of that burst are applied', async () => {
  const harness = startHarness();
  h = harness;
  const reader = Bun.spawn(['bun', '-e', READER, `${harness.url}?topics=market.BTC-USD`], { stdout: 'pipe' });
  try {
    const lines = reader.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const arrivals = new Map<number, number>();
    /** Read arrivals until `done` says so. */
    const readUntil = async (done: () => boolean) => {
      while (!done()) {
        const { value, done } = await lines.read();
        if (done) throw new Error('the reader stopped');
        text += value;
        const parts = text.split('\n');
        text = parts.pop() ?? '';
        for (const p of parts) {
          const seen = JSON.parse(p) as { at: number; sequence: number };
          arrivals.set(seen.sequence, seen.at);
        }
      }
    };
    // The reader is in once it has the symbol's latest tick (its snapshot on subscribing).
    await readUntil(() => arrivals.size > 0);
    // One book event nobody reads, heavy to apply (≈ 90 ms), then a tick the reader holds, in one task.
    const changes = Array.from({ length: 300_000 }, (_, i) => ['bid', 1000 + i / 100, (i % 7) + 1]);
    const sequence = ++harness.seq;
    const heavy: PublishedEvent = {
      sequence,
      family: 'book',
      key: 'ETH-USD',
      json: JSON.stringify({
        event_type: 'book',
        book: { symbol: 'ETH-USD', update_id: 1, changes, timestamp: 'T' },
        sequence,
        key_seq: 1,
      }),
      created_at: Date.now(),
    };
    const start = Date.now();
    harness.hub.publish(heavy);
    const tick = harness.market('BTC-USD');
    // A timer set now runs after the hub's settling one: by then the heavy book is applied.
    const settledAt = await new Promise<number>((resolve) => setTimeout(() => resolve(Date.now()), 0));
    expect(harness.hub.history.books.queued).toBe(0);
    expect(harness.hub.history.books.mirror('ETH-USD')?.updateId).toBe(1);
    const settling = settledAt - start;
    expect(settling).toBeGreaterThan(30);
    await readUntil(() => arrivals.has(tick.sequence));
    const arrived = arrivals.get(tick.sequence) as number;
    // The tick was on the wire while the book was being applied, not after it.
    expect(arrived - start).toBeLessThan(settling / 2);
  } finally {
    reader.kill();
    await reader.exited;
  }
}, 20_000);
