// After kill -9 the node continues the story it told: the model, restored from its last checkpoint, is stepped to the
// journal's head (each regenerated event checked against the journaled one) and goes on from there, under the same
// seed and epoch; a journal the model cannot reproduce starts a new epoch instead.
import { Database } from 'bun:sqlite';
import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentChange } from '../../src/sim/index.ts';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-story-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});

const live = (f: Frame) => ['market', 'agent', 'arena'].includes(f.event_type) && !f.snapshot;
const identity = (output: string) => {
  const m = /🎲 seed (\d+) · epoch (\w+)/.exec(output);
  if (!m) throw new Error(`no seed line in:\n${output}`);
  return { seed: m[1] as string, epoch: m[2] as string };
};
const health = async (s: ServerProcess) =>
  (await (await fetch(`${s.http}/health`)).json()) as { sequence: number; epoch: string };

interface Journaled {
  sequence: number;
  family: string;
  json: string;
}
function journal(db: string): Journaled[] {
  const check = new Database(db, { readonly: true });
  const rows = check.query('SELECT sequence, family, json FROM journal ORDER BY sequence').all() as Journaled[];
  check.close();
  return rows;
}
const marketOf = (json: string) =>
  (JSON.parse(json) as { market: { symbol: string; price: number; change_percent: number } }).market;
const tick = (m: { symbol: string; price: number; change_percent: number }) =>
  `${m.symbol} ${m.price} ${m.change_percent}`;

describe('restart after kill -9 continues the story', () => {
  test('killed between checkpoints (twice, the first time before any periodic one): same seed and epoch, prices continue from the journal', async () => {
    const db = join(dir, 'story.db');
    // No --seed: the first start draws one, and the database must keep it. No rounds and no periodic checkpoints
    // during the test: only the checkpoint written when the database (or the restart) began.
    const args = [
      '--market-interval-ms',
      '40',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '80',
      '--arena-round-ms',
      '600000',
      '--checkpoint-ms',
      '600000',
      '--db',
      db,
    ];
    server = await startServer(args);
    const first = identity(server.output());
    for (let cycle = 0; cycle < 2; cycle++) {
      const client = await TestClient.open(`${server.url}?topics=market,agent,arena`, 'ws');
      await client.waitFor(live, 80, 15_000);
      client.close();
      await server.stop('SIGKILL');
      const before = journal(db);
      const head = before.at(-1)?.sequence as number;
      const lastPrice = new Map<string, number>();
      const toldBySymbol = new Map<string, string[]>();
      for (const row of before.filter((r) => r.family === 'market')) {
        const m = marketOf(row.json);
        lastPrice.set(m.symbol, m.price);
        toldBySymbol.set(m.symbol, [...(toldBySymbol.get(m.symbol) ?? []), tick(m)]);
      }
      // Every run of three consecutive ticks a symbol told before the kill.
      const told = new Set<string>();
      for (const [symbol, ticks] of toldBySymbol)
        for (let i = 0; i + 3 <= ticks.length; i++) told.add(`${symbol}|${ticks.slice(i, i + 3).join('|')}`);

      server = await startServer(args);
      expect(identity(server.output())).toEqual(first);
      expect(server.output()).toMatch(
        new RegExp(
          `restored from \\S+ at sequence ${head}( \\(\\d+ events after the checkpoint replayed and verified\\))?`,
        ),
      );
      expect((await health(server)).sequence).toBeGreaterThanOrEqual(head);

      const after = await TestClient.open(`${server.url}?since=${head}&topics=market,agent,arena`, 'ws');
      const events = await after.waitFor(live, 60, 15_000);
      after.close();
      expect(events[0]?.sequence).toBe(head + 1);
      const firstTick = new Map<string, { price: number; change_percent: number }>();
      const afterBySymbol = new Map<string, string[]>();
      for (const e of events.filter((f) => f.event_type === 'market')) {
        const m = e.market as { symbol: string; price: number; change_percent: number };
        if (!firstTick.has(m.symbol)) firstTick.set(m.symbol, m);
        afterBySymbol.set(m.symbol, [...(afterBySymbol.get(m.symbol) ?? []), tick(m)]);
      }
      // Never the story already told, under new numbers: no symbol's first three ticks repeat three it told before.
      for (const [symbol, ticks] of afterBySymbol)
        if (ticks.length >= 3) expect(told.has(`${symbol}|${ticks.slice(0, 3).join('|')}`)).toBe(false);
      expect(firstTick.size).toBe(lastPrice.size);
      for (const [symbol, m] of firstTick)
        expect(m.change_percent).toBe(percentChange(lastPrice.get(symbol) as number, m.price));
    }
  }, 90_000);

  test('a journal the model cannot reproduce (an event changed on disk): a new epoch, from the checkpoint, keeping seed, rounds and records', async () => {
    const db = join(dir, 'tampered.db');
    const args = [
      '--seed',
      '77',
      '--market-interval-ms',
      '30',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '60',
      '--arena-round-ms',
      '400',
      '--checkpoint-ms',
      '600000',
      '--db',
      db,
    ];
    let rounds: unknown[] = [];
    let epoch = '';
    let changed = 0;
    let tampered = '';
    // Kill at a moment with events after the last checkpoint (rounds are checkpointed as they end).
    for (let attempt = 0; attempt < 6 && changed === 0; attempt++) {
      server = await startServer(args);
      epoch = identity(server.output()).epoch;
      const client = await TestClient.open(`${server.url}?topics=arena`, 'ws');
      await client.waitFor((f) => f.event_type === 'arena' && !f.snapshot, 2, 15_000);
      client.close();
      await Bun.sleep(150 + attempt * 37);
      rounds = ((await (await fetch(`${server.http}/api/arena/rounds?limit=100`)).json()) as { rounds: unknown[] })
        .rounds;
      await server.stop('SIGKILL');
      server = null;
      const edit = new Database(db);
      const c = (edit.query('SELECT sequence FROM checkpoint').get() as { sequence: number }).sequence;
      changed = edit
        .query(
          "UPDATE journal SET json = replace(json, '\"price\":', '\"price\":1') WHERE sequence = (SELECT MAX(sequence) FROM journal WHERE family = 'market' AND sequence > ?)",
        )
        .run(c).changes;
      tampered =
        (
          edit
            .query('SELECT json FROM journal WHERE json LIKE \'%"price":1%\' ORDER BY sequence DESC LIMIT 1')
            .get() as { json: string } | null
        )?.json ?? '';
      edit.close();
    }
    expect(changed).toBe(1);

    server = await startServer(args);
    const now = identity(server.output());
    expect(now.seed).toBe('77');
    expect(now.epoch).not.toBe(epoch);
    expect(server.output()).toMatch(/new epoch on \S+: event \d+ differs from the journal/);
    expect((await health(server)).epoch).toBe(now.epoch);
    // The old epoch's events are gone from the journal: its numbers now belong to the new epoch's events only.
    expect(journal(db).some((r) => r.json === tampered)).toBe(false);
    const client = await TestClient.open(`${server.url}?since=0&topics=market,agent,arena`, 'ws');
    const events = await client.waitFor(live, 20, 15_000);
    client.close();
    expect(events[0]?.sequence).toBe(1);
    // Committed rounds and their records stay; rounds keep counting from them.
    const kept = (
      (await (await fetch(`${server.http}/api/arena/rounds?limit=100`)).json()) as { rounds: { round: number }[] }
    ).rounds;
    for (const r of rounds as { round: number }[]) expect(kept.find((k) => k.round === r.round)).toEqual(r);
  }, 90_000);
});
