// Conflation over real sockets, with both client kinds: rate, fidelity (each conflated frame is a real event plus its
// count), the loss-free path for arena rounds, a paused client that is not closed, resume, and the pure pieces.
import { afterEach, describe, expect, test } from 'bun:test';
import type WsClient from 'ws';
import {
  Conflator,
  conflatable,
  conflatedFrames,
  conflationInterval,
  holdLatest,
  type Pending,
} from '../../src/hub/conflation.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { type Frame, type Kind, TestClient, waitUntil } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness | null = null;
const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  h?.stop();
  h = null;
});
async function connect(url: string, kind: Kind = 'bun'): Promise<TestClient> {
  const c = await TestClient.open(url, kind);
  clients.push(c);
  return c;
}
const isConflated = (f: Frame) => f.conflated !== undefined;
/** The frame as published: the conflated frame without its count. */
const unconflated = (f: Frame) => {
  const { conflated: _, ...rest } = f;
  return rest;
};

describe('conflation (pure)', () => {
  test('only state families conflate; intervals are rounded up to 10 ms within 10 ms .. 60 s', () => {
    expect(['market', 'market.BTC-USD', 'agent', 'agent.Balanced'].every(conflatable)).toBe(true);
    expect(conflatable('arena')).toBe(false);
    expect([conflationInterval(1), conflationInterval(95), conflationInterval(100), conflationInterval(1e9)]).toEqual([
      10, 100, 100, 60_000,
    ]);
  });

  test('the latest per key wins and counts what it replaced; frames come oldest first', () => {
    const pending = new Map<string, Pending>();
    const ev = (sequence: number, key: string): PublishedEvent => ({
      sequence,
      family: 'market',
      key,
      json: `{"sequence":${sequence}}`,
      created_at: 0,
    });
    for (const e of [ev(1, 'A'), ev(2, 'B'), ev(3, 'A'), ev(4, 'A')]) holdLatest(pending, e);
    expect(conflatedFrames(pending)).toEqual(['{"sequence":2,"conflated":0}', '{"sequence":4,"conflated":2}']);
  });
});

for (const kind of ['bun', 'ws'] as const) {
  describe(`conflation with ${kind} client`, () => {
    test('at most one event per key per interval, each a real event, accounting for every event', async () => {
      h = startHarness();
      const c = await connect(`${h.url}?topics=arena`, kind);
      await c.nextOf('welcome');
      c.send({ op: 'subscribe', topics: ['market.BTC-USD', 'market.ETH-USD'], conflate_ms: 100, id: 'c' });
      expect(await c.nextOf('subscribed')).toMatchObject({
        id: 'c',
        conflation: { 'market.BTC-USD': 100, 'market.ETH-USD': 100 },
      });
      await c.waitFor((f) => f.snapshot === true, 2);
      const published: PublishedEvent[] = [];
      const t0 = Date.now();
      while (Date.now() - t0 < 450) {
        published.push(h.market('BTC-USD'), h.market('ETH-USD'));
        await Bun.sleep(5);
      }
      await Bun.sleep(250);
      const got = c.frames.filter(isConflated);
      for (const symbol of ['BTC-USD', 'ETH-USD']) {
        const mine = got.filter((f) => f.market.symbol === symbol);
        const sent = published.filter((e) => e.key === symbol);
        // ~450 ms at 100 ms: at most one per interval (plus the flush after the last burst).
        expect(mine.length).toBeGreaterThanOrEqual(3);
        expect(mine.length).toBeLessThanOrEqual(7);
        // Fidelity: each is a published event, unchanged but for its count; the counts add up to every event sent.
        for (const f of mine) expect(sent.map((e) => JSON.parse(e.json))).toContainEqual(unconflated(f));
        expect(mine.reduce((n, f) => n + f.conflated + 1, 0)).toBe(sent.length);
        expect(mine.at(-1)?.sequence).toBe(sent.at(-1)?.sequence);
      }
      c.send({ op: 'list_subscriptions', id: 'ls' });
      expect(await c.nextOf('subscriptions')).toMatchObject({ id: 'ls', conflation: { 'market.BTC-USD': 100 } });
    });

    test('?conflate_ms= applies to the connection; arena rounds stay on the loss-free path', async () => {
      h = startHarness();
      const c = await connect(`${h.url}?topics=market,arena&conflate_ms=200`, kind);
      expect((await c.nextOf('welcome')).subscriptions).toEqual(['market', 'arena']);
      const rounds = [h.arena(1, 'Balanced'), h.market(), h.arena(2, 'Momentum'), h.market(), h.arena(3, 'Breakout')];
      await c.waitFor((f) => f.event_type === 'arena' && !f.snapshot, 3);
      const arena = c.frames.filter((f) => f.event_type === 'arena' && !f.snapshot);
      expect(arena.map((f) => f.sequence)).toEqual([rounds[0], rounds[2], rounds[4]].map((e) => e?.sequence));
      expect(arena.some(isConflated)).toBe(false);
      await c.waitFor(isConflated, 1, 2000);
      expect(c.frames.filter(isConflated).map((f) => f.sequence)).toEqual([rounds[3]?.sequence]);
    });
  });
}

describe('a conflating client that stops reading', () => {
  test('is not closed while the market runs fast for 10 s (a loss-free one is, with 1013), and then gets the latest state', async () => {
    const metrics = counterMetrics();
    h = startHarness({ sendBufferBytes: 64 * 1024, metrics });
    const conflating = await connect(`${h.url}?topics=market&conflate_ms=50`, 'ws');
    const lossFree = await connect(`${h.url}?topics=market`, 'ws');
    await conflating.nextOf('welcome');
    await lossFree.nextOf('welcome');
    (conflating.native as WsClient).pause();
    (lossFree.native as WsClient).pause();
    const last = new Map<string, PublishedEvent>();
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000) {
      for (const symbol of ['BTC-USD', 'ETH-USD', 'SOL-USD']) last.set(symbol, h.market(symbol, 45_000 + h.seq, 1500));
      await Bun.sleep(2);
    }
    expect(metrics.counts.slow).toBe(1);
    (lossFree.native as WsClient).resume();
    expect((await lossFree.closed).code).toBe(1013);
    (conflating.native as WsClient).resume();
    // Once it reads again, the next flush brings the latest event of every key.
    await waitUntil(
      () => [...last.values()].every((e) => conflating.frames.some((f) => f.sequence === e.sequence)),
      5000,
      'latest per key',
    );
    expect(conflating.closeInfo).toBeNull();
    expect(metrics.counts.closed_slow_consumer).toBe(1);
  }, 30_000);
});

describe('resume with conflation', () => {
  test('loss-free topics replay every event; conflated ones replay the latest per key with its count', async () => {
    h = startHarness();
    const since = h.seq;
    const round = h.arena(1, 'Balanced');
    const btc = [h.market('BTC-USD'), h.market('BTC-USD'), h.market('BTC-USD')];
    const eth = h.market('ETH-USD');
    const c = await connect(`${h.url}?topics=market,arena&conflate_ms=100&since=${since}`);
    await c.nextOf('welcome');
    const resumed = await c.nextOf('resumed');
    const before = c.frames.slice(1, c.frames.indexOf(resumed));
    expect(before.filter((f) => !isConflated(f)).map((f) => f.sequence)).toEqual([round.sequence]);
    expect(before.filter(isConflated).map((f) => [f.sequence, f.conflated])).toEqual([
      [btc[2]?.sequence, 2],
      [eth.sequence, 0],
    ]);
  });
});

describe('Conflator bookkeeping (pure)', () => {
  const ev = (sequence: number, key: string): PublishedEvent => ({
    sequence,
    family: 'market',
    key,
    json: `{"sequence":${sequence}}`,
    created_at: 0,
  });
  const target = (budget = 0) => {
    const sent: string[] = [];
    return { sent, t: { buffered: () => budget, send: (json: string) => void sent.push(json) } };
  };

  test('a dropped target gets nothing more, and the last member of an interval stops its timer', () => {
    const c = new Conflator(1000);
    const a = target();
    const b = target();
    c.apply(a.t, new Map([['market', 50]]));
    c.apply(
      b.t,
      new Map([
        ['market.BTC-USD', 50],
        ['agent', 200],
      ]),
    );
    expect([c.size, c.intervals]).toEqual([2, 2]);
    expect(c.offer(ev(1, 'BTC-USD'))).toBe(2);
    c.drop(a.t);
    expect([c.size, c.intervals]).toEqual([1, 2]);
    expect(c.offer(ev(2, 'BTC-USD'))).toBe(1);
    c.flush(50);
    expect(a.sent).toEqual([]);
    expect(b.sent).toEqual(['{"sequence":2,"conflated":1}']);
    c.drop(b.t);
    expect([c.size, c.intervals]).toEqual([0, 0]);
    expect(c.offer(ev(3, 'BTC-USD'))).toBe(0);
    c.stop();
  });

  test('a target over its budget keeps its pending state until it has room', () => {
    let buffered = 5000;
    const sent: string[] = [];
    const c = new Conflator(1000);
    const t = { buffered: () => buffered, send: (json: string) => void sent.push(json) };
    c.apply(t, new Map([['market', 10]]));
    c.offer(ev(1, 'ETH-USD'));
    c.flush(10);
    expect(sent).toEqual([]);
    c.offer(ev(2, 'ETH-USD'));
    buffered = 1000;
    c.flush(10);
    expect(sent).toEqual(['{"sequence":2,"conflated":1}']);
    c.stop();
  });
});

describe('the conflate_ms bound', () => {
  const said = 'conflate_ms: must be an integer from 0 to 60000, got "60001"';

  test('one bound and one message for the upgrade, the SSE stream and the subscribe frame', async () => {
    h = startHarness();
    const ws = await connect(`${h.url}?topics=market&conflate_ms=60001`);
    expect(await ws.next((f) => f.event_type === 'error')).toMatchObject({ code: 'invalid_message', message: said });
    const sse = await fetch(`${h.http}/sse?topics=market&conflate_ms=60001`);
    expect(sse.status).toBe(400);
    expect(((await sse.json()) as { error: { message: string } }).error.message).toBe(said);
    // The largest allowed is taken, over the socket and as a frame.
    const top = await connect(`${h.url}?topics=market&conflate_ms=60000`);
    expect((await top.nextOf('welcome')).event_type).toBe('welcome');
    top.send({ op: 'subscribe', topics: ['agent'], conflate_ms: 60_001, id: 7 });
    expect(await top.next((f) => f.event_type === 'error')).toMatchObject({ code: 'invalid_message', id: 7 });
    top.send({ op: 'subscribe', topics: ['agent'], conflate_ms: 60_000, id: 8 });
    expect(await top.next((f) => f.id === 8)).toMatchObject({ event_type: 'subscribed' });
  });
});
