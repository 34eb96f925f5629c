// A step's events leave the worker in slices (each committed, then posted): in order, none lost or repeated, also
// when another process holds the database's lock with later slices of the same step waiting behind the held one.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulationHost } from '../../src/engine/host.ts';
import { SLICE_EVENTS, sliceStep } from '../../src/engine/step-slices.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { waitUntil } from '../helpers/clients.ts';
import { workerOptions } from '../helpers/worker-options.ts';
import { holdWriteLock } from '../helpers/write-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-slices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sliceStep', () => {
  test('a step is cut into slices of at most the size, in order; a checkpointed step stays whole', () => {
    const events = Array.from({ length: 250 }, (_, i) => i);
    const slices = sliceStep(events, false, 96);
    expect(slices.map((s) => s.events.length)).toEqual([96, 96, 58]);
    expect(slices.flatMap((s) => s.events)).toEqual(events);
    expect(slices.every((s) => !s.checkpoint)).toBe(true);
    expect(sliceStep(events, true, 96)).toEqual([{ events, checkpoint: true }]);
    expect(sliceStep([], false)).toEqual([]);
    expect(() => sliceStep(events, false, 0)).toThrow('slice size must be at least 1');
  });
});

const options = (db: string) =>
  workerOptions({
    seed: 11,
    // Enough symbols that one flow micro-step makes more events than a slice holds.
    symbols: Array.from({ length: 30 }, (_, i) => `S${i}-USD`),
    marketIntervalMs: 1000,
    agentIntervalMs: 1000,
    agents: 20,
    db,
    history: 10_000,
    checkpointMs: 500,
    marketData: { trades: true, book: true, candles: true, orders: false, bookDepth: 20 },
  });

describe('the simulation worker posts each step in slices', () => {
  test('every batch holds at most a slice; sequences stay consecutive through a held lock; the journal holds them all', async () => {
    const db = join(dir, 'slices.db');
    const host = new SimulationHost();
    const batches: PublishedEvent[][] = [];
    let fatal: string | null = null;
    const notices: string[] = [];
    await host.start(options(db), {
      events: (batch) => void batches.push(batch),
      notice: (message) => void notices.push(message),
      fatal: (message) => {
        fatal = message;
      },
    });
    await waitUntil(() => batches.length > 20, 10_000, 'batches');
    // Held across several micro-steps: their slices wait behind the first held one, then follow in order.
    const holder = holdWriteLock(db, 1500);
    await holder.locked();
    await Bun.sleep(1600);
    await waitUntil(() => holder.output().includes('released'), 5000, 'the release');
    const before = batches.length;
    await waitUntil(() => batches.length > before + 20, 10_000, 'batches after the lock');
    await host.stop();
    expect(fatal).toBeNull();
    expect(notices.some((n) => n.includes('retrying the commit'))).toBe(true);

    const sizes = batches.map((b) => b.length);
    expect(Math.max(...sizes)).toBe(SLICE_EVENTS);
    const sequences = batches.flat().map((e) => e.sequence);
    const first = sequences[0] as number;
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => first + i));

    const check = new Database(db, { readonly: true });
    const journal = check
      .query('SELECT MIN(sequence) AS lo, MAX(sequence) AS hi, COUNT(*) AS n FROM journal')
      .get() as {
      lo: number;
      hi: number;
      n: number;
    };
    const checkpoint = check.query('SELECT sequence FROM checkpoint').get() as { sequence: number };
    check.close();
    expect(journal.n).toBe(journal.hi - journal.lo + 1);
    expect(journal.hi).toBe(sequences.at(-1) as number);
    // The final checkpoint comes after every slice of the steps that ran.
    expect(checkpoint.sequence).toBe(journal.hi);
  }, 40_000);
});
