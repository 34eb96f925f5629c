// The WebSocket hub over real sockets (port 0), with two client implementations.
import { afterEach, describe, expect, test } from 'bun:test';
import { ServerMessage, StreamEvent, WELCOME_MESSAGE } from '../../src/protocol/index.ts';
import { type Kind, TestClient, waitUntil } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness;
const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  h?.stop();
});
async function connect(url: string, kind: Kind = 'bun', headers?: Record<string, string>) {
  const c = await TestClient.open(url, kind, headers);
  clients.push(c);
  return c;
}
const isLive = (f: Record<string, any>) => ['market', 'agent', 'arena'].includes(f.event_type) && !f.snapshot;

for (const kind of ['bun', 'ws'] as const) {
  describe(`hub with ${kind} client`, () => {
    test('welcome is the first frame and names the epoch, sequence and topics', async () => {
      h = startHarness();
      const c = await connect(h.url, kind);
      const w = await c.next();
      expect(w.event_type).toBe('welcome');
      expect(w.message).toBe(WELCOME_MESSAGE);
      expect(w.epoch).toBe('test-epoch');
      expect(w.sequence).toBe(h.seq);
      expect(w.topics).toContain('market.BTC-USD');
      expect(w.subscriptions).toEqual(['market', 'agent']);
      expect(ServerMessage.safeParse(w).success).toBe(true);
    });

    test('a client that sends nothing gets market and agent events, not arena', async () => {
      h = startHarness();
      const c = await connect(h.url, kind);
      await c.nextOf('welcome');
      h.arena(1, 'Balanced');
      h.market('ETH-USD', 2500.5);
      h.agent('Momentum', 120500.75);
      const m = await c.next(isLive);
      const a = await c.next(isLive);
      expect(m.event_type).toBe('market');
      expect(m.market).toMatchObject({ symbol: 'ETH-USD', price: 2500.5 });
      expect(a.event_type).toBe('agent');
      expect(a.agent.agent_id).toBe('Momentum');
      expect(StreamEvent.safeParse(m).success && StreamEvent.safeParse(a).success).toBe(true);
      expect(c.frames.some((f) => f.event_type === 'arena')).toBe(false);
    });

    test('snapshot on connect: latest event per symbol and agent, marked snapshot', async () => {
      h = startHarness();
      const c = await connect(h.url, kind);
      const snaps = await c.waitFor((f) => f.snapshot === true, 6);
      expect(new Set(snaps.filter((f) => f.event_type === 'market').map((f) => f.market.symbol))).toEqual(
        new Set(['BTC-USD', 'ETH-USD', 'SOL-USD']),
      );
      expect(new Set(snaps.filter((f) => f.event_type === 'agent').map((f) => f.agent.agent_id))).toEqual(
        new Set(['Balanced', 'Momentum', 'Conservative']),
      );
    });

    test('?topics= chooses at connect; market + market.BTC-USD delivers each event once', async () => {
      h = startHarness();
      const c = await connect(`${h.url}?topics=market.BTC-USD,arena`, kind);
      const w = await c.nextOf('welcome');
      expect(w.subscriptions).toEqual(['market.BTC-USD', 'arena']);
      c.send({ op: 'subscribe', topics: ['market'] });
      await c.nextOf('subscribed');
      const e1 = h.market('BTC-USD');
      const e2 = h.market('ETH-USD');
      const e3 = h.arena(1, 'Balanced');
      await c.waitFor(isLive, 3);
      await Bun.sleep(50);
      expect(c.frames.filter(isLive).map((f) => f.sequence)).toEqual([e1.sequence, e2.sequence, e3.sequence]);
      // Dropping the family keeps the narrow topic alive.
      c.send({ op: 'unsubscribe', topics: ['market'] });
      const u = await c.nextOf('unsubscribed');
      expect(u.subscriptions).toEqual(['market.BTC-USD', 'arena']);
      const e4 = h.market('ETH-USD');
      const e5 = h.market('BTC-USD');
      await c.waitFor(isLive, 4);
      await Bun.sleep(50);
      const seqs = c.frames.filter(isLive).map((f) => f.sequence);
      expect(seqs).toContain(e5.sequence);
      expect(seqs).not.toContain(e4.sequence);
    });

    test('unknown topic → error with code, connection stays', async () => {
      h = startHarness();
      const c = await connect(h.url, kind);
      await c.nextOf('welcome');
      c.send({ op: 'subscribe', topics: ['nope', 'market.NOPE-USD', 'arena'] });
      // One error names every bad topic of the request (#11.10: never one frame per bad topic).
      const e = await c.nextOf('error');
      expect(e.code).toBe('unknown_topic');
      expect(e.topic).toBe('nope');
      expect(e.topics).toEqual(['nope', 'market.NOPE-USD']);
      expect(e.message).toContain('NOPE-USD');
      const s = await c.nextOf('subscribed');
      expect(s.topics).toEqual(['arena']);
      expect(c.frames.filter((f) => f.event_type === 'error')).toHaveLength(1);
      h.arena(2, 'Momentum');
      expect((await c.nextOf('arena')).arena.winner).toBe('Momentum');
    });

    test('request ids: every reply to an op echoes its id (strings up to 64 characters or integers)', async () => {
      h = startHarness({ history: 20 });
      const c = await connect(`${h.url}?topics=arena`, kind);
      await c.nextOf('welcome');
      c.send({ op: 'subscribe', topics: ['market.BTC-USD'], id: 'sub-1' });
      expect(await c.nextOf('subscribed')).toMatchObject({ id: 'sub-1', topics: ['market.BTC-USD'] });
      c.send({ op: 'unsubscribe', topics: ['market.BTC-USD'], id: 7 });
      expect(await c.nextOf('unsubscribed')).toMatchObject({ id: 7, topics: ['market.BTC-USD'] });
      c.send({ op: 'list_subscriptions', id: 'ls' });
      expect(await c.nextOf('subscriptions')).toEqual({
        event_type: 'subscriptions',
        id: 'ls',
        subscriptions: ['arena'],
      });
      c.send({ op: 'ping', id: -3 });
      expect((await c.nextOf('pong')).id).toBe(-3);
      c.send({ op: 'resume', since: h.seq, id: 'r-ok' });
      expect(await c.nextOf('resumed')).toMatchObject({ id: 'r-ok', replayed: 0 });
      for (let i = 0; i < 30; i++) h.market('ETH-USD');
      c.send({ op: 'resume', since: 1, id: 'r-old' });
      expect(await c.nextOf('resume_failed')).toMatchObject({ id: 'r-old', reason: 'too_old' });
      c.send({ op: 'subscribe', topics: ['market.NOPE-USD'], id: 'bad-topic' });
      expect(await c.nextOf('error')).toMatchObject({ id: 'bad-topic', code: 'unknown_topic' });
      c.send({ op: 'subscribe', topics: 'arena', id: 'bad-shape' });
      expect(await c.nextOf('error')).toMatchObject({ id: 'bad-shape', code: 'invalid_message' });
      c.send({ op: 'dance', id: 12 });
      expect(await c.nextOf('error')).toMatchObject({ id: 12, code: 'unknown_op' });
      // An id that is not a valid id is itself the error (and is not echoed).
      c.send({ op: 'ping', id: 'x'.repeat(65) });
      const long = await c.nextOf('error');
      expect(long.code).toBe('invalid_message');
      expect(long.id).toBeUndefined();
      c.send({ op: 'ping', id: 1.5 });
      expect((await c.nextOf('error')).code).toBe('invalid_message');
      for (const f of c.frames) expect(ServerMessage.safeParse(f).success).toBe(true);
    });

    test('subscribe sends a snapshot of the new topics', async () => {
      h = startHarness();
      const c = await connect(`${h.url}?topics=arena`, kind);
      await c.nextOf('welcome');
      c.send({ op: 'subscribe', topics: ['agent.Momentum'] });
      await c.nextOf('subscribed');
      const snap = await c.next((f) => f.snapshot === true);
      expect(snap.agent.agent_id).toBe('Momentum');
    });

    test('ping op → pong with id and current sequence', async () => {
      h = startHarness();
      const c = await connect(h.url, kind);
      await c.nextOf('welcome');
      c.send({ op: 'ping', id: 'abc' });
      const p = await c.nextOf('pong');
      expect(p).toMatchObject({ id: 'abc', sequence: h.seq });
    });

    test('bad input: non-JSON, wrong shape, unknown op, binary → error codes, connection stays', async () => {
      h = startHarness();
      const c = await connect(h.url, kind);
      await c.nextOf('welcome');
      c.send('not json{');
      expect((await c.nextOf('error')).code).toBe('invalid_json');
      c.send({ op: 'subscribe', topics: 'market' });
      expect((await c.nextOf('error')).code).toBe('invalid_message');
      c.send({ op: 'dance' });
      expect((await c.nextOf('error')).code).toBe('unknown_op');
      c.send({ op: 'subscribe', topics: [null] });
      expect((await c.nextOf('error')).code).toBe('invalid_message');
      c.send({ op: 'resume', since: -4 });
      expect((await c.nextOf('error')).code).toBe('invalid_since');
      c.send(new Uint8Array([1, 2, 3]));
      expect((await c.nextOf('error')).code).toBe('binary_not_supported');
      c.send({ op: 'ping' });
      await c.nextOf('pong');
      expect(c.closeInfo).toBeNull();
    });
  });
}

describe('hub limits and resume', () => {
  test('a flood of bad frames closes with 1008; other clients never notice', async () => {
    const metrics = counterMetrics();
    h = startHarness({ maxBadFrames: 5, metrics });
    const bad = await connect(h.url);
    const good = await connect(h.url, 'ws');
    await good.nextOf('welcome');
    for (let i = 0; i < 20; i++) bad.send('garbage');
    expect((await bad.closed).code).toBe(1008);
    const e = h.market('SOL-USD');
    expect((await good.next(isLive)).sequence).toBe(e.sequence);
    expect(metrics.counts.closed_policy).toBe(1);
  });

  test('a message flood (valid frames) is rate-limited with 1008', async () => {
    h = startHarness({ maxMessageRate: 10 });
    const c = await connect(h.url);
    for (let i = 0; i < 200; i++) c.send({ op: 'ping' });
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('rate limit');
  });

  test('a frame over the payload limit closes with 1009', async () => {
    h = startHarness({ maxPayloadBytes: 1024 });
    const c = await connect(h.url, 'ws');
    const other = await connect(h.url);
    c.send({ op: 'ping', id: 'x'.repeat(2000) });
    expect((await c.closed).code).toBe(1009);
    other.send({ op: 'ping' });
    await other.nextOf('pong');
  });

  test('too many topics → too_many_topics error, nothing added', async () => {
    h = startHarness({ maxTopics: 3 });
    const c = await connect(h.url);
    await c.nextOf('welcome');
    c.send({ op: 'subscribe', topics: ['arena', 'market.BTC-USD'] });
    expect((await c.nextOf('error')).code).toBe('too_many_topics');
    c.send({ op: 'subscribe', topics: ['arena'] });
    expect((await c.nextOf('subscribed')).subscriptions).toEqual(['market', 'agent', 'arena']);
  });

  test('upgrade refused over max connections (503) and without the token (401)', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics }, { maxConnections: 2, authToken: 's3cret-token' });
    await expect(TestClient.open(h.url, 'ws')).rejects.toThrow('401');
    await expect(TestClient.open(`${h.url}?token=wrong-token`, 'ws')).rejects.toThrow('401');
    await connect(`${h.url}?token=s3cret-token`);
    await connect(h.url, 'ws', { authorization: 'Bearer s3cret-token' });
    await expect(TestClient.open(`${h.url}?token=s3cret-token`, 'ws')).rejects.toThrow('503');
    const res = await fetch(`${h.http.replace('http', 'http')}/`, {
      headers: {
        upgrade: 'websocket',
        connection: 'upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
    expect(metrics.counts.upgrade_unauthorized).toBe(3);
    expect(metrics.counts.upgrade_max_connections).toBe(1);
  });

  test('resume with since replays every missed event in order, then resumed', async () => {
    h = startHarness();
    const first = await connect(h.url);
    await first.nextOf('welcome');
    const e = h.market('BTC-USD');
    const last = (await first.next(isLive)).sequence;
    expect(last).toBe(e.sequence);
    first.close();
    await first.closed;
    const missed = [h.market('ETH-USD'), h.agent('Momentum'), h.arena(1, 'Momentum'), h.market('BTC-USD')];
    const c = await connect(`${h.url}?since=${last}`, 'ws');
    const r = await c.nextOf('resumed');
    expect(r).toMatchObject({ since: last, replayed: 3, sequence: h.seq });
    const got = c.frames.filter(isLive).map((f) => f.sequence);
    expect(got).toEqual(missed.filter((m) => m.family !== 'arena').map((m) => m.sequence));
    expect(c.frames.some((f) => f.snapshot)).toBe(false);
    const next = h.market('SOL-USD');
    expect((await c.next((f) => isLive(f) && f.sequence > (r.sequence as number))).sequence).toBe(next.sequence);
  });

  test('resume op mid-connection sends only what this connection has not received', async () => {
    h = startHarness();
    const start = h.seq;
    const before = [h.market('BTC-USD'), h.agent('Balanced')];
    const c = await connect(h.url);
    await c.nextOf('welcome');
    const live = [h.market('ETH-USD'), h.agent('Momentum')];
    await c.waitFor(isLive, 2);
    c.send({ op: 'resume', since: start });
    const r = await c.nextOf('resumed');
    expect(r.replayed).toBe(2);
    const seqs = c.frames.filter(isLive).map((f) => f.sequence);
    expect(seqs.sort((a, b) => a - b)).toEqual([...before, ...live].map((x) => x.sequence).sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  test('resume older than history → resume_failed with oldest sequence, then a snapshot', async () => {
    h = startHarness({ history: 20 });
    for (let i = 0; i < 50; i++) h.market('BTC-USD');
    const c = await connect(h.url);
    await c.nextOf('welcome');
    c.send({ op: 'resume', since: 3 });
    const f = await c.nextOf('resume_failed');
    expect(f).toMatchObject({ since: 3, reason: 'too_old', oldest_sequence: h.seq - 19, sequence: h.seq });
    const snap = await c.next((x) => x.snapshot === true);
    expect(snap.sequence).toBeLessThanOrEqual(h.seq);
    c.send({ op: 'resume', since: h.seq + 10 });
    expect((await c.nextOf('resume_failed')).reason).toBe('ahead');
    c.send({ op: 'resume', since: 1, epoch: 'other' });
    expect((await c.nextOf('resume_failed')).reason).toBe('epoch_mismatch');
  });

  test('a slow consumer is closed with 1013 (never a silent drop) and resumes with no loss', async () => {
    const metrics = counterMetrics();
    h = startHarness({ sendBufferBytes: 64 * 1024, history: 100_000, metrics });
    const slow = await connect(`${h.url}?topics=market`, 'ws');
    const fast = await connect(`${h.url}?topics=market`, 'bun');
    await slow.nextOf('welcome');
    await fast.nextOf('welcome');
    (slow.native as import('ws').WebSocket).pause();
    const startSeq = h.seq;
    for (let round = 0; round < 400 && !metrics.counts.slow; round++) {
      for (let i = 0; i < 50; i++) h.market('BTC-USD', 45000, 2000);
      await Bun.sleep(25);
    }
    expect(metrics.counts.slow).toBe(1);
    const head = h.seq;
    (slow.native as import('ws').WebSocket).resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(1013);
    const got = slow.frames.filter(isLive).map((f) => f.sequence as number);
    // What arrived is a gap-free prefix of the stream.
    for (let i = 1; i < got.length; i++) expect(got[i]).toBe((got[i - 1] as number) + 1);
    const last = got.length > 0 ? (got[got.length - 1] as number) : startSeq;
    const again = await connect(`${h.url}?topics=market&since=${last}`, 'ws');
    const r = await again.nextOf('resumed', 15000);
    const replayed = again.frames.filter(isLive).map((f) => f.sequence as number);
    expect(r.replayed).toBe(head - last);
    expect([...got, ...replayed]).toEqual(Array.from({ length: head - startSeq }, (_, i) => startSeq + 1 + i));
    // The fast client got everything.
    await fast.waitFor(isLive, head - startSeq, 10000);
  });

  test('regression #11.10: hundreds of bad topics in a 13 KB ?topics= get one bounded error frame, counted as one bad frame', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics, maxBadFrames: 3 });
    const bad = Array.from({ length: 800 }, (_, i) => `market.NOPE${i}`);
    const c = await connect(`${h.url}?topics=${bad.join(',')},arena`);
    const welcome = await c.nextOf('welcome');
    expect(welcome.subscriptions).toEqual(['arena']);
    const e = await c.nextOf('error');
    expect(e.code).toBe('unknown_topic');
    expect(e.message).toStartWith('800 unknown topics: ');
    expect(e.message).toContain('and 797 more');
    expect(e.topics).toHaveLength(16);
    expect(JSON.stringify(e).length).toBeLessThan(2048);
    await Bun.sleep(50);
    expect(c.frames.filter((f) => f.event_type === 'error')).toHaveLength(1);
    expect(metrics.counts.frame_unknown_topic).toBe(1);
    // Each request with bad topics spends one bad-frame token: a client that keeps asking is closed like any other.
    for (let i = 0; i < 3; i++) c.send({ op: 'subscribe', topics: bad.slice(0, 100) });
    expect((await c.closed).code).toBe(1008);
    expect(c.frames.filter((f) => f.event_type === 'error')).toHaveLength(4);
  });

  test('retired agents leave the snapshot and cannot be subscribed', async () => {
    h = startHarness();
    h.arena(1, 'Balanced', ['Conservative']);
    const c = await connect(`${h.url}?topics=agent`);
    await c.nextOf('welcome');
    await Bun.sleep(50);
    const ids = c.frames.filter((f) => f.snapshot).map((f) => f.agent.agent_id);
    expect(ids.sort()).toEqual(['Balanced', 'Momentum']);
    c.send({ op: 'subscribe', topics: ['agent.Conservative'] });
    expect((await c.nextOf('error')).code).toBe('unknown_topic');
  });

  test('shutdown sends the shutdown notice, then closes every socket with 1001, and refuses new upgrades', async () => {
    h = startHarness();
    const a = await connect(h.url);
    const b = await connect(h.url, 'ws');
    h.hub.closeAll(1500);
    expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect((await b.closed).code).toBe(1001);
    // The notice is the last frame before the close, on both client kinds.
    for (const c of [a, b]) expect(c.frames.at(-1)).toEqual({ event_type: 'shutdown', retry_after_ms: 1500 });
    await expect(TestClient.open(h.url, 'ws')).rejects.toThrow('503');
    await waitUntil(() => h.hub.connections === 0);
  });
});

describe('heartbeats and origins', () => {
  test('protocol pings keep a responsive client alive; a silent one is closed at the idle timeout', async () => {
    h = startHarness({ idleTimeoutS: 8 });
    const good = await connect(h.url, 'ws');
    let pings = 0;
    (good.native as import('ws').WebSocket).on('ping', () => pings++);
    let closedAfter = 0;
    const t0 = Date.now();
    let raw = '';
    await Bun.connect({
      hostname: '127.0.0.1',
      port: h.server.port as number,
      socket: {
        open(s) {
          s.write(
            'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          );
        },
        data(_s, d) {
          raw += d.toString('latin1');
        },
        close() {
          closedAfter = Date.now() - t0;
        },
      },
    });
    await waitUntil(() => closedAfter > 0, 20_000, 'the silent socket to be closed');
    expect(raw.startsWith('HTTP/1.1 101')).toBe(true);
    expect(closedAfter).toBeGreaterThanOrEqual(7000);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(good.closeInfo).toBeNull();
    good.send({ op: 'ping', id: 1 });
    expect((await good.nextOf('pong')).id).toBe(1);
  }, 30_000);

  test('with --origins, browsers from other origins are refused (403); clients without Origin are not', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics }, { origins: ['http://dash.example'] });
    await expect(TestClient.open(h.url, 'ws', { origin: 'http://evil.example' })).rejects.toThrow('403');
    const ok = await connect(h.url, 'ws', { origin: 'http://dash.example' });
    expect((await ok.nextOf('welcome')).event_type).toBe('welcome');
    const cli = await connect(h.url, 'ws');
    await cli.nextOf('welcome');
    expect(metrics.counts.upgrade_forbidden_origin).toBe(1);
  });
});

describe('HTTP on the main port', () => {
  test('/health, /api/snapshot, 404 and 405 answer JSON', async () => {
    h = startHarness();
    const health = await fetch(`${h.http}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', epoch: 'test-epoch', sequence: h.seq, connections: 0 });
    const snap = (await (await fetch(`${h.http}/api/snapshot`)).json()) as any;
    expect(snap.market.map((m: any) => m.symbol).sort()).toEqual(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    expect(snap.agents).toHaveLength(3);
    const missing = await fetch(`${h.http}/nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
    const wrong = await fetch(`${h.http}/health`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});
