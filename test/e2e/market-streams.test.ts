// The market's streams over real sockets: book snapshots + deltas that rebuild the book a new subscriber is shown,
// consecutive trade ids and key_seq per key, candles that agree with the trades, REST answers, and a restart that
// continues every key's key_seq.
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BookMirror } from '../../src/protocol/book-mirror.ts';
import { StreamEvent } from '../../src/protocol/server-messages.ts';
import { type Frame, TestClient, waitUntil } from '../helpers/clients.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const ARGS = [
  '--market-interval-ms',
  '1000',
  '--agent-interval-ms',
  '1000',
  '--symbols',
  'BTC-USD,ETH-USD',
  '--seed',
  '5',
];
const dir = mkdtempSync(join(tmpdir(), 'lineage-market-'));
const servers: ServerProcess[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const open = async (url: string) => {
  const c = await TestClient.open(url);
  clients.push(c);
  return c;
};
const STREAM_TYPES = new Set(['market', 'agent', 'arena', 'trade', 'book', 'candle']);
const events = (c: TestClient, type: string) => c.frames.filter((f) => f.event_type === type);

/** Apply a client's book frames (snapshot first) to a mirror; returns it. */
function rebuild(frames: Frame[], symbol: string): BookMirror {
  const book = new BookMirror(symbol);
  for (const f of frames) {
    if (f.event_type !== 'book') continue;
    if (f.snapshot) book.seed(f.book, f.sequence);
    else expect(book.apply(f.book, f.sequence)).toBe('applied');
    expect(book.crossed()).toBe(false);
  }
  return book;
}

describe('market streams', () => {
  test('book deltas rebuild what a new subscriber is shown; every frame matches its schema', async () => {
    const server = await startServer(ARGS);
    servers.push(server);
    const ws = `${server.url}?topics=book.BTC-USD`;
    const a = await open(ws);
    await a.waitFor((f) => f.event_type === 'book' && !f.snapshot, 20, 15_000);
    const b = await open(ws);
    const snap = await b.next((f) => f.event_type === 'book' && f.snapshot === true);
    // Wait until the first subscriber has taken in the update the second one's snapshot shows.
    await waitUntil(() => events(a, 'book').some((f) => f.book.update_id === snap.book.update_id), 5000);
    const upTo = events(a, 'book').filter((f) => f.book.update_id <= snap.book.update_id);
    const rebuilt = rebuild(upTo, 'BTC-USD');
    expect(rebuilt.updateId).toBe(snap.book.update_id);
    expect(rebuilt.levels()).toEqual({ bids: snap.book.bids, asks: snap.book.asks });
    expect(snap.book.bids.length).toBeGreaterThan(0);
    expect(snap.book.asks.length).toBeGreaterThan(0);
    // update_id is consecutive, and key_seq is the update id.
    const ids = events(a, 'book').map((f) => f.book.update_id);
    expect(ids.slice(1)).toEqual(ids.slice(1).map((_, i) => (ids[1] as number) + i));
    for (const f of events(a, 'book')) expect(f.key_seq).toBe(f.book.update_id);
    for (const f of [...a.frames, ...b.frames].filter((x) => x.sequence !== undefined && x.event_type === 'book'))
      expect(StreamEvent.safeParse(f).success).toBe(true);
    // The REST book at the same moment is the same book (within its depth).
    const rest = (await (await fetch(`${server.http}/api/book/BTC-USD?depth=5`)).json()) as Frame;
    expect(rest.bids.length).toBeLessThanOrEqual(5);
    expect(rest.bids[0][0]).toBeLessThan(rest.asks[0][0]);
  }, 40_000);

  test('trade ids and every key_seq are consecutive per key; candles agree with the trades', async () => {
    const server = servers[0] as ServerProcess;
    const c = await open(`${server.url}?topics=trades,candles.BTC-USD,market,agent`);
    // Two candle intervals closing (one simulated hour each).
    await c.waitFor((f) => f.event_type === 'candle' && f.candle.closed && !f.snapshot, 2, 10_000);
    const live = c.frames.filter((f) => STREAM_TYPES.has(f.event_type) && !f.snapshot);
    for (const f of live) expect(StreamEvent.safeParse(f).success).toBe(true);
    const byKey = new Map<string, number[]>();
    const keyOf = (f: Frame) =>
      f.event_type === 'trade'
        ? `trades.${f.trade.symbol}`
        : f.event_type === 'candle'
          ? `candles.${f.candle.symbol}`
          : f.event_type === 'market'
            ? `market.${f.market.symbol}`
            : `agent.${f.agent.agent_id}`;
    for (const f of live) byKey.set(keyOf(f), [...(byKey.get(keyOf(f)) ?? []), f.key_seq]);
    expect(byKey.size).toBeGreaterThan(5);
    for (const [key, seqs] of byKey) {
      expect({ key, seqs }).toEqual({ key, seqs: seqs.map((_, i) => (seqs[0] as number) + i) });
    }
    const trades = live.filter((f) => f.event_type === 'trade');
    expect(trades.length).toBeGreaterThan(10);
    for (const t of trades) expect(t.key_seq).toBe(t.trade.trade_id);
    // The first closed candle after we joined covers trades we saw from its start.
    const closed = live.filter((f) => f.event_type === 'candle' && f.candle.closed);
    const candle = (closed[1] ?? closed[0]) as Frame;
    const start = Date.parse(candle.candle.start);
    const inside = trades.filter(
      (t) => t.trade.symbol === 'BTC-USD' && Date.parse(t.trade.timestamp) >= start && t.sequence < candle.sequence,
    );
    const first = trades.find((t) => t.trade.symbol === 'BTC-USD');
    if (first !== undefined && Date.parse(first.trade.timestamp) < start && inside.length > 0) {
      const prices = inside.map((t) => t.trade.price);
      expect(candle.candle.high).toBe(Math.max(...prices));
      expect(candle.candle.low).toBe(Math.min(...prices));
      expect(candle.candle.close).toBe((inside.at(-1) as Frame).trade.price);
      const volume = inside.reduce((s, t) => s + t.trade.size, 0);
      expect(Math.abs(candle.candle.volume - volume)).toBeLessThan(1e-6 * Math.max(1, volume));
    } else throw new Error('no candle interval fully observed');
  }, 40_000);

  test('REST: book depth, trades and candles are bounded; unknown symbols are 404, bad parameters 400', async () => {
    const server = servers[0] as ServerProcess;
    const get = async (path: string) => {
      const r = await fetch(`${server.http}${path}`);
      return { status: r.status, body: (await r.json()) as Frame };
    };
    const trades = await get('/api/trades/BTC-USD?limit=3');
    expect(trades.status).toBe(200);
    expect(trades.body.trades).toHaveLength(3);
    const ids = trades.body.trades.map((t: Frame) => t.trade_id);
    expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
    const candles = await get('/api/candles/ETH-USD?limit=2');
    expect(candles.status).toBe(200);
    expect(candles.body.candles.length).toBeGreaterThan(0);
    expect(candles.body.candles.at(-1).symbol).toBe('ETH-USD');
    const book = await get('/api/book/ETH-USD?depth=2');
    expect(book.status).toBe(200);
    expect(book.body.bids.length).toBeLessThanOrEqual(2);
    expect((await get('/api/book/NOPE-USD')).status).toBe(404);
    expect((await get('/api/trades/NOPE-USD')).body.error.code).toBe('not_found');
    for (const bad of ['/api/book/BTC-USD?depth=0', '/api/trades/BTC-USD?limit=1001', '/api/candles/BTC-USD?limit=x']) {
      const r = await get(bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
    }
  }, 20_000);

  test("an agent's orders are private: no topic, snapshot or family delivers them without credentials naming them", async () => {
    const server = servers[0] as ServerProcess;
    const c = await open(`${server.url}?topics=orders.Balanced,market`);
    const err = await c.nextOf('error');
    expect(err.code).toBe('forbidden_topic');
    expect(err.message).toContain('private');
    await c.waitFor((f) => f.event_type === 'market' && !f.snapshot, 4, 10_000);
    c.send({ op: 'subscribe', topics: ['orders'], id: 1 });
    expect((await c.next((f) => f.event_type === 'error' && f.id === 1)).code).toBe('unknown_topic');
    // The model does place orders (trades name the agents), yet none reached this client.
    const t = await open(`${server.url}?topics=trades`);
    await t
      .waitFor((f) => f.event_type === 'trade' && !String(f.trade.buyer).startsWith('bg-'), 1, 20_000)
      .catch(() => []);
    expect(c.frames.some((f) => f.event_type === 'order')).toBe(false);
    const snapshot = (await (await fetch(`${server.http}/api/snapshot`)).text()) as string;
    expect(snapshot).not.toContain('"order_id"');
  }, 30_000);

  test('a conflated book subscriber gets fresh snapshots marked conflated, and the chain stays valid', async () => {
    const server = servers[0] as ServerProcess;
    const c = await open(`${server.url}?topics=book.ETH-USD&conflate_ms=500`);
    await c.waitFor((f) => f.event_type === 'book' && f.conflated !== undefined, 3, 10_000);
    const books = events(c, 'book');
    expect(books.every((f) => f.snapshot === true)).toBe(true);
    const conflated = books.filter((f) => f.conflated !== undefined);
    expect(conflated.some((f) => f.conflated > 0)).toBe(true);
    for (const f of books) expect(f.key_seq).toBe(f.book.update_id);
    const ids = books.map((f) => f.book.update_id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
  }, 20_000);

  test('a restart continues every key: a resuming client sees no key_seq gap in the book, trades or candles', async () => {
    const db = join(dir, 'restart.db');
    const args = [...ARGS, '--db', db, '--checkpoint-ms', '300'];
    let server = await startServer(args);
    const port = new URL(server.url).port;
    const topics = 'book.BTC-USD,trades.BTC-USD,candles.BTC-USD,market.BTC-USD';
    const before = await open(`${server.url}?topics=${topics}`);
    await before.waitFor((f) => f.event_type === 'trade' && !f.snapshot, 30, 15_000);
    await server.stop('SIGTERM');
    const last = Math.max(...before.frames.filter((f) => f.sequence !== undefined).map((f) => f.sequence));
    const epoch = (before.frames[0] as Frame).epoch;
    server = await startServer([...args, '--port', port]);
    servers.push(server);
    expect(server.output()).toContain('restored');
    const after = await open(`${server.url}?topics=${topics}&since=${last}&epoch=${epoch}`);
    await after.nextOf('resumed', 10_000);
    await after.waitFor((f) => f.event_type === 'trade', 20, 15_000);
    await after.nextOf('market', 10_000);
    const keyOf = (f: Frame) => `${f.event_type}.${(f.trade ?? f.book ?? f.candle ?? f.market).symbol}`;
    const lastSeq = new Map<string, number>();
    for (const f of before.frames.filter((x) => x.key_seq !== undefined)) lastSeq.set(keyOf(f), f.key_seq);
    const continued = new Set<string>();
    for (const f of after.frames.filter((x) => x.key_seq !== undefined)) {
      const k = keyOf(f);
      const prev = lastSeq.get(k);
      if (prev !== undefined) expect({ k, seq: f.key_seq }).toEqual({ k, seq: prev + 1 });
      lastSeq.set(k, f.key_seq);
      continued.add(k);
    }
    expect(continued).toEqual(new Set(['trade.BTC-USD', 'book.BTC-USD', 'candle.BTC-USD', 'market.BTC-USD']));
  }, 60_000);
});
