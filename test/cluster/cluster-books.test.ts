// Books through Redis: a gateway keeps each book from the snapshot hash and the stream's deltas, so its book
// subscribers get a snapshot it made itself, the deltas carry it on, and its REST book agrees. A gateway that joins
// later (loading the snapshot hash mid-stream) shows the same book at the same update id.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { BookMirror } from '../../src/protocol/book-mirror.ts';
import { type Frame, TestClient, waitUntil } from '../helpers/clients.ts';
import { clusterFixture, gateway } from '../helpers/cluster.ts';
import type { RedisProcess } from '../helpers/redis.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const { dir, nodes, clients, startRedis } = clusterFixture('lineage-cluster-books-');
let redis: RedisProcess | null = null;

const books = (c: TestClient) => c.frames.filter((f) => f.event_type === 'book');

function rebuilt(frames: Frame[], upTo: number): BookMirror {
  const m = new BookMirror('ETH-USD');
  for (const f of frames) {
    if (f.book.update_id > upTo) break;
    if (f.snapshot) m.seed(f.book, f.sequence);
    else expect(m.apply(f.book, f.sequence)).toBe('applied');
    expect(m.crossed()).toBe(false);
  }
  return m;
}

describe('cluster: books', () => {
  test('a gateway serves book snapshots from the stream; a later gateway shows the same book', async () => {
    redis = await startRedis();
    const sim = await startServer([
      '--role',
      'sim',
      '--redis-url',
      redis.url,
      '--db',
      join(dir, 'sim.db'),
      '--market-interval-ms',
      '1000',
      '--symbols',
      'BTC-USD,ETH-USD',
    ]);
    nodes.push(sim);
    const g1 = await gateway(redis.url);
    nodes.push(g1);
    const a = await TestClient.open(`${g1.url}?topics=book.ETH-USD`);
    clients.push(a);
    await a.waitFor((f) => f.event_type === 'book' && !f.snapshot, 20, 15_000);
    expect(books(a)[0]?.snapshot).toBe(true);
    // A second gateway loads the snapshot hash mid-stream and carries it on with the deltas.
    const g2 = await gateway(redis.url);
    nodes.push(g2);
    const b = await TestClient.open(`${g2.url}?topics=book.ETH-USD`);
    clients.push(b);
    const snap = await b.next((f) => f.event_type === 'book' && f.snapshot === true, 10_000);
    await b.waitFor((f) => f.event_type === 'book' && !f.snapshot, 10, 10_000);
    await waitUntil(() => books(a).some((f) => f.book.update_id === snap.book.update_id + 10), 10_000);
    for (const upTo of [snap.book.update_id, snap.book.update_id + 10]) {
      const fromA = rebuilt(books(a), upTo);
      const fromB = rebuilt(books(b), upTo);
      expect(fromB.updateId).toBe(upTo);
      expect(fromB.levels()).toEqual(fromA.levels());
    }
    // Each gateway's REST book is a real book, and the sim node agrees on the symbols.
    for (const node of [g1, g2, sim]) {
      const r = await fetch(`${node.http}/api/book/ETH-USD?depth=3`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as Frame;
      expect(body.bids.length).toBeGreaterThan(0);
      expect(body.bids[0][0]).toBeLessThan(body.asks[0][0]);
    }
    const trades = await fetch(`${g2.http}/api/trades/ETH-USD?limit=5`);
    expect(trades.status).toBe(200);
  }, 60_000);

  test('through a gateway (ws client), key_seq is consecutive on every key, as on the sim node', async () => {
    const [sim, g1] = nodes as [ServerProcess, ServerProcess];
    const topics = '?topics=trades.BTC-USD,candles,market,agent';
    const direct = await TestClient.open(`${sim.url}${topics}`, 'ws');
    const viaGateway = await TestClient.open(`${g1.url}${topics}`, 'ws');
    clients.push(direct, viaGateway);
    await viaGateway.waitFor((f) => f.event_type === 'market' && !f.snapshot, 4, 15_000);
    for (const c of [direct, viaGateway]) {
      const byKey = new Map<string, number[]>();
      for (const f of c.frames.filter((x) => x.key_seq !== undefined && !x.snapshot)) {
        const p = f.trade ?? f.candle ?? f.market ?? f.agent;
        const key = `${f.event_type}.${p.symbol ?? p.agent_id}`;
        byKey.set(key, [...(byKey.get(key) ?? []), f.key_seq]);
      }
      expect(byKey.size).toBeGreaterThan(4);
      for (const [key, ks] of byKey) expect({ key, ks }).toEqual({ key, ks: ks.map((_, i) => (ks[0] as number) + i) });
    }
    // The same event has the same key_seq on both nodes.
    const at = (c: TestClient) =>
      new Map(c.frames.filter((f) => f.key_seq !== undefined && !f.snapshot).map((f) => [f.sequence, f.key_seq]));
    const a = at(direct);
    const b = at(viaGateway);
    const common = [...a.keys()].filter((k) => b.has(k));
    expect(common.length).toBeGreaterThan(10);
    for (const k of common) expect(b.get(k)).toBe(a.get(k) as number);
  }, 40_000);
});
