// The worker's outbox on a real (in-memory) journal: a slice computed ahead is neither committed nor handed out before
// its time; due ones go out in order, each after its commit; a checkpoint-only slice hands out nothing.
import { describe, expect, test } from 'bun:test';
import { EventEncoder } from '../../src/engine/event-encoder.ts';
import { JournalWriter } from '../../src/engine/journal-writer.ts';
import { Outbox } from '../../src/engine/outbox.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import type { SimEvent } from '../../src/sim/index.ts';
import { Store } from '../../src/store/store.ts';

const tick = (at: number, price: number): SimEvent => ({
  kind: 'market',
  at,
  data: { symbol: 'BTC-USD', price, change_percent: 0 },
});

function outbox() {
  const store = new Store(':memory:');
  const handed: PublishedEvent[][] = [];
  let box: Outbox | null = null;
  const writer = new JournalWriter(store, {
    committed: (batch) => box?.committed(batch),
    notice: () => {},
    mono: () => performance.now(),
  });
  box = new Outbox(new EventEncoder(0, {}), writer, (events) => void handed.push(events), 1000, 0);
  return { store, handed, box };
}

describe('Outbox', () => {
  test('a slice due later is committed and handed out only at its time', () => {
    const { store, handed, box } = outbox();
    box.push([tick(1000, 1)], 1000, 1000);
    box.push([tick(1100, 2), tick(1100, 3)], 1100, 1000);
    expect(box.release(1000)).toBe(true);
    expect(store.head()).toBe(1);
    expect(handed.map((b) => b.map((e) => e.sequence))).toEqual([[1]]);
    expect(box.pending).toBe(1);
    expect(box.nextDueAt()).toBe(1100);
    expect(box.heldAhead(1099)).toBe(true);
    expect(box.release(1099)).toBe(true);
    expect(handed).toHaveLength(1);
    expect(store.head()).toBe(1);
    expect(box.release(1100)).toBe(true);
    expect(store.head()).toBe(3);
    expect(handed.map((b) => b.map((e) => e.sequence))).toEqual([[1], [2, 3]]);
    expect(box.pending).toBe(0);
    expect(box.heldAhead(1100)).toBe(false);
  });

  test('a slice encoded ahead is stamped as created when handed out; one run when due keeps its encoding time', () => {
    const { handed, box } = outbox();
    box.push([tick(0, 1)], 0, 0);
    const beforeAhead = performance.timeOrigin + performance.now();
    box.push([tick(5, 2)], 5, 0);
    box.release(0);
    const due = (handed[0] as PublishedEvent[])[0] as PublishedEvent;
    expect(due.created_at).toBeLessThanOrEqual(beforeAhead);
    Bun.sleepSync(20);
    const beforeRelease = performance.timeOrigin + performance.now();
    box.release(5);
    const ahead = (handed[1] as PublishedEvent[])[0] as PublishedEvent;
    expect(ahead.created_at).toBeGreaterThanOrEqual(beforeRelease);
  });

  test('what waits for a step computed ahead runs once it is handed out, in order', () => {
    const { box } = outbox();
    const ran: string[] = [];
    box.whenPublished(0, () => ran.push('nothing held'));
    box.push([tick(50, 1)], 50, 0);
    box.release(0);
    box.whenPublished(10, () => ran.push('a'));
    box.whenPublished(20, () => ran.push('b'));
    expect(box.runDeferred(30)).toBe(false);
    expect(ran).toEqual(['nothing held']);
    box.release(50);
    expect(box.runDeferred(50)).toBe(true);
    expect(ran).toEqual(['nothing held', 'a', 'b']);
  });

  test('a checkpoint-only slice is committed and hands out nothing', () => {
    const { store, handed, box } = outbox();
    box.push([tick(0, 1)], 0, 0);
    box.push([], 0, 0, () => ({ model: 'state' }));
    expect(box.release(0)).toBe(true);
    expect(handed).toHaveLength(1);
    expect(box.pending).toBe(0);
    const checkpoint = store.checkpoint();
    expect(checkpoint?.sequence).toBe(1);
  });
});
