// A gateway never splices two histories: a sim on another database, or one restored from an older copy of its own,
// makes gateway clients resync (1013, then resume_failed + snapshot under the new epoch) instead of continuing silently.

import { Database } from 'bun:sqlite';
import { afterEach, describe, expect, test } from 'bun:test';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient } from '../helpers/clients.ts';
import { ALL, expectContiguous, gateway, health, lastSeq, sequences, sim, stopAll, until } from '../helpers/cluster.ts';
import { type RedisProcess, startRedis } from '../helpers/redis.ts';
import type { ServerProcess } from '../helpers/server-process.ts';

let redis: RedisProcess | null = null;
let nodes: (ServerProcess | null)[] = [];
const clients: TestClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await stopAll(nodes);
  nodes = [];
  await redis?.stop('SIGKILL');
  redis = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lineage-history-'));
  dirs.push(d);
  return d;
}
async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.open(url, 'ws');
  clients.push(c);
  return c;
}

/** The client was closed with 1013; reconnecting with since+epoch gets resume_failed (epoch_mismatch) and a snapshot. */
async function expectResync(c: TestClient, g: ServerProcess, oldEpoch: string): Promise<string> {
  const t0 = Date.now();
  const closed = await Promise.race([c.closed, Bun.sleep(20_000).then(() => null)]);
  expect(closed?.code).toBe(1013);
  console.log(`gateway client closed 1013 (${closed?.reason}) ${Date.now() - t0} ms after the new sim started`);
  const again = await connect(`${g.url}${ALL}&since=${lastSeq(c)}&epoch=${oldEpoch}`);
  const welcome = await again.nextOf('welcome');
  expect(welcome.epoch).not.toBe(oldEpoch);
  const failed = await again.nextOf('resume_failed', 10_000);
  expect(failed.reason).toBe('epoch_mismatch');
  const snapshot = await again.next((f) => f.snapshot === true, 5000, 'a snapshot frame');
  expect(['market', 'agent', 'arena']).toContain(snapshot.event_type);
  await again.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.event_type === 'market', 5, 10_000);
  expect((await health(g)).body.epoch).toBe(welcome.epoch);
  return welcome.epoch as string;
}

const journalHead = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query('SELECT MAX(sequence) AS s FROM journal').get() as { s: number }).s;
  } finally {
    db.close();
  }
};

describe('cluster: history changes reach gateway clients as a resync, never a splice', () => {
  test('a sim on another database (new epoch, higher sequences) replaces the stream: gateway clients resync', async () => {
    redis = await startRedis();
    const dir = tmp();
    // Give database B a longer history than A will have, on a scratch prefix.
    const warm = await sim(redis.url, join(dir, 'b.db'), ['--redis-prefix', 'warm', '--seed', '7']);
    nodes.push(warm);
    await until(async () => (await health(warm)).body.sequence > 900, 20_000, 'database B to grow');
    await warm.stop('SIGTERM');
    const headB = journalHead(join(dir, 'b.db'));

    const a = await sim(redis.url, join(dir, 'a.db'), ['--seed', '3']);
    nodes.push(a);
    const g = await gateway(redis.url);
    nodes.push(g);
    const c = await connect(`${g.url}${ALL}`);
    const epochA = (await c.nextOf('welcome')).epoch as string;
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);
    await a.stop('SIGTERM');
    await Bun.sleep(300);
    const topA = lastSeq(c);
    expect(topA).toBeLessThan(headB - 100);

    const b = await sim(redis.url, join(dir, 'b.db'), ['--seed', '7']);
    nodes.push(b);
    const epochB = await expectResync(c, g, epochA);
    expect(epochB).toBe((await health(b)).body.epoch);
    // Nothing of B reached the client under A's epoch.
    expectContiguous(sequences(c), 'under epoch A');
    expect(lastSeq(c)).toBe(topA);
  }, 60_000);

  test('a sim restored from an older copy of its database starts a new epoch; clients never see reused sequences under the old one', async () => {
    redis = await startRedis();
    const dir = tmp();
    const db = join(dir, 'sim.db');
    const env = { LINEAGE_TEST_LEASE_MS: '1500' };
    let s = await sim(redis.url, db, ['--seed', '3'], env);
    nodes.push(s);
    const g = await gateway(redis.url);
    nodes.push(g);
    const c = await connect(`${g.url}${ALL}`);
    const epoch = (await c.nextOf('welcome')).epoch as string;
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);

    // An older copy of the database, taken while the node was stopped for a moment; the node then goes on without a gap.
    await s.stop('SIGTERM');
    for (const suffix of ['', '-wal'])
      if (existsSync(db + suffix)) copyFileSync(db + suffix, join(dir, `copy.db${suffix}`));
    const copyHead = journalHead(join(dir, 'copy.db'));
    s = await sim(redis.url, db, ['--seed', '3'], env);
    nodes.push(s);
    await c.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.sequence > copyHead + 300, 1, 20_000);
    expect(c.closeInfo).toBeNull();

    // Crash, restore the copy, restart: the node's sequences 1..copyHead are its own, above them they would be reused.
    await s.stop('SIGKILL');
    await Bun.sleep(300);
    const before = lastSeq(c);
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    for (const suffix of ['', '-wal'])
      if (existsSync(join(dir, `copy.db${suffix}`))) copyFileSync(join(dir, `copy.db${suffix}`), db + suffix);
    s = await sim(redis.url, db, ['--seed', '3'], env);
    nodes.push(s);
    const next = await expectResync(c, g, epoch);
    expect((await health(s)).body.epoch).toBe(next);
    expect(s.output()).toContain('older copy');
    // Under the old epoch the client saw each sequence once, in order, and nothing of the restored node.
    const seen = sequences(c);
    expectContiguous(seen, 'under the old epoch');
    expect(new Set(seen).size).toBe(seen.length);
    expect(lastSeq(c)).toBe(before);
  }, 60_000);

  test('Redis loses its data while the sim comes back from an older copy: the gateway holds, tells the sim, and clients resync under its new epoch', async () => {
    redis = await startRedis();
    const dir = tmp();
    const db = join(dir, 'sim.db');
    const env = { LINEAGE_TEST_LEASE_MS: '1500' };
    let s = await sim(redis.url, db, ['--seed', '3'], env);
    nodes.push(s);
    const g = await gateway(redis.url);
    nodes.push(g);
    const c = await connect(`${g.url}${ALL}`);
    const epoch = (await c.nextOf('welcome')).epoch as string;
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);
    await s.stop('SIGTERM');
    // The copy takes the WAL too: the last connection to close (the read-only reader's) may leave it unmerged.
    for (const suffix of ['', '-wal'])
      if (existsSync(db + suffix)) copyFileSync(db + suffix, join(dir, `copy.db${suffix}`));
    const copyHead = journalHead(join(dir, 'copy.db'));
    s = await sim(redis.url, db, ['--seed', '3'], env);
    nodes.push(s);
    await c.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.sequence > copyHead + 300, 1, 20_000);

    // Nothing in Redis can show the copy is older now: only the gateway knows how far it delivered.
    await s.stop('SIGKILL');
    await redis.stop('SIGKILL');
    await Bun.sleep(300);
    const before = lastSeq(c);
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    for (const suffix of ['', '-wal'])
      if (existsSync(join(dir, `copy.db${suffix}`))) copyFileSync(join(dir, `copy.db${suffix}`), db + suffix);
    await redis.start();
    s = await sim(redis.url, db, ['--seed', '3'], env);
    nodes.push(s);
    const next = await expectResync(c, g, epoch);
    expect((await health(s)).body.epoch).toBe(next);
    expect(g.output()).toContain('history moved backwards');
    expect(s.output()).toContain('older copy');
    const seen = sequences(c);
    expectContiguous(seen, 'under the old epoch');
    expect(lastSeq(c)).toBe(before);
  }, 60_000);
});
