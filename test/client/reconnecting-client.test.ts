// The reconnecting client: close-code policy, duplicates, snapshots, keepalive (fake sockets), and exact resume against a real hub.
import { afterEach, describe, expect, test } from 'bun:test';
import { type ClientEvent, ReconnectingClient } from '../../src/client/reconnecting-client.ts';
import { waitUntil } from '../helpers/clients.ts';
import { delivered, fakeClient, market, welcome } from '../helpers/fake-socket.ts';
import { type Harness, SYMBOLS, startHarness } from '../helpers/hub-harness.ts';

describe('ReconnectingClient (scripted server)', () => {
  test('1013 reconnects at once and resumes with since+epoch; 1001 waits for the backoff', async () => {
    const { client, sockets, events, latest } = fakeClient({ topics: ['market'] });
    client.start();
    expect(latest().url).toBe('ws://server.test:1/?topics=market');
    latest().open();
    latest().frame(welcome(10));
    latest().frame(market(11));
    latest().serverClose(1013, 'slow consumer: reconnect and resume with since');
    const slow = events.find((e) => e.type === 'disconnected');
    expect(slow).toMatchObject({ code: 1013, retryInMs: 0, wasOpen: true });
    await waitUntil(() => sockets.length === 2, 2000, 'reconnect after 1013');
    const resumeUrl = new URL(latest().url);
    expect(resumeUrl.searchParams.get('since')).toBe('11');
    expect(resumeUrl.searchParams.get('epoch')).toBe('e1');
    expect(resumeUrl.searchParams.get('topics')).toBe('market');

    latest().open();
    latest().frame(welcome(20));
    expect(client.state).toBe('resuming');
    latest().frame({ event_type: 'resumed', since: 11, sequence: 20, replayed: 0 });
    expect(client.state).toBe('live');
    latest().serverClose(1001, 'server shutting down');
    const shutdown = events.filter((e) => e.type === 'disconnected')[1];
    expect(shutdown).toMatchObject({ code: 1001, retryInMs: 5, attempt: 1 });
    expect(client.state).toBe('reconnecting');
    client.close();
  });

  test('a shutdown notice sets the next delay to retry_after_ms plus jitter, once', async () => {
    const { client, events, latest } = fakeClient({ random: () => 0.5 });
    client.start();
    latest().open();
    latest().frame(welcome(10));
    latest().frame({ event_type: 'shutdown', retry_after_ms: 800 });
    latest().serverClose(1001, 'server shutting down');
    // 800 plus half of the 50% jitter share of 800.
    expect(events.filter((e) => e.type === 'disconnected')[0]).toMatchObject({ code: 1001, retryInMs: 1000 });
    await waitUntil(() => client.state === 'reconnecting');
    client.close();
    // The notice applies to that reconnect only: without one, 1001 backs off as usual.
    const second = fakeClient({ random: () => 0.5 });
    second.client.start();
    second.latest().open();
    second.latest().frame(welcome(1));
    second.latest().serverClose(1001, 'server shutting down');
    expect(second.events.find((e) => e.type === 'disconnected')).toMatchObject({ retryInMs: 4 });
    second.client.close();
  });

  test('failed attempts back off further each time, and a welcome resets the count', async () => {
    const { client, sockets, events, latest } = fakeClient();
    client.start();
    latest().open();
    latest().frame(welcome(1));
    latest().serverClose(1006);
    for (let n = 2; n <= 4; n++) {
      await waitUntil(() => sockets.length === n, 2000, `attempt ${n}`);
      latest().fail('Failed to connect');
    }
    const delays = events.flatMap((e) => (e.type === 'disconnected' ? [e.retryInMs] : []));
    expect(delays).toEqual([5, 10, 20, 40]);
    await waitUntil(() => sockets.length === 5, 2000, 'attempt 5');
    latest().open();
    latest().frame(welcome(1));
    latest().frame({ event_type: 'resumed', since: 1, sequence: 1, replayed: 0 });
    latest().serverClose(1006);
    expect(events.filter((e) => e.type === 'disconnected').at(-1)).toMatchObject({ retryInMs: 5, attempt: 1 });
    client.close();
  });

  test('frames at or below the last sequence are dropped; snapshots pass through without moving it', () => {
    const { client, events, latest } = fakeClient();
    client.start();
    latest().open();
    latest().frame(welcome(10));
    latest().frame(market(8, 1, true));
    latest().frame({
      event_type: 'arena',
      arena: { round: 1, winner: 'A', timestamp: '2026-02-03T14:30:45.123Z', ranking: [], births: [], deaths: [] },
      sequence: 9,
      snapshot: true,
    });
    latest().frame(market(11));
    latest().frame(market(11));
    latest().frame(market(9));
    latest().frame(market(12));
    expect(delivered(events)).toEqual([
      { seq: 8, snapshot: true },
      { seq: 9, snapshot: true },
      { seq: 11, snapshot: false },
      { seq: 12, snapshot: false },
    ]);
    expect(client.stats.duplicates).toBe(2);
    expect(client.lastSequence).toBe(12);
    client.close();
  });

  test('resume_failed: the gap is announced, the snapshot is delivered, and the position moves to the new head', async () => {
    const { client, sockets, events, latest } = fakeClient();
    client.start();
    latest().open();
    latest().frame(welcome(50, 'old'));
    latest().serverClose(1001);
    await waitUntil(() => sockets.length === 2, 2000, 'reconnect');
    latest().open();
    latest().frame(welcome(3, 'new'));
    latest().frame({
      event_type: 'resume_failed',
      since: 50,
      reason: 'epoch_mismatch',
      oldest_sequence: 1,
      sequence: 3,
    });
    latest().frame(market(2, 5, true));
    latest().frame(market(4));
    expect(events.some((e) => e.type === 'resume_failed')).toBe(true);
    expect(delivered(events)).toEqual([
      { seq: 2, snapshot: true },
      { seq: 4, snapshot: false },
    ]);
    expect(client.epoch).toBe('new');
    expect(client.stats.resumeFailures).toBe(1);
    client.close();
  });

  test('a first connection that fails gives up when asked to (the terminal client exits 1)', () => {
    const { client, events, latest } = fakeClient({ retryFirstConnect: false });
    client.start();
    latest().fail("WebSocket connection to 'ws://server.test:1/' failed: Expected 101 status code: 401");
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({
      retryInMs: null,
      error: expect.stringContaining('401'),
    });
    expect(client.state).toBe('closed');
  });

  test('invalid frames are reported and ignored', () => {
    const { client, events, latest } = fakeClient();
    client.start();
    latest().open();
    latest().frame('not json');
    latest().frame({ event_type: 'market', market: { symbol: 'X' }, sequence: 1 });
    latest().frame(welcome(0));
    expect(events.filter((e) => e.type === 'invalid')).toHaveLength(2);
    expect(client.state).toBe('live');
    client.close();
  });

  test('keepalive pings, and a silent connection is abandoned and replaced', async () => {
    const { client, sockets, events, latest } = fakeClient({ pingIntervalMs: 15 });
    client.start();
    latest().open();
    latest().frame(welcome(1));
    const first = latest();
    await waitUntil(() => first.sent.some((m) => (m as { op?: string }).op === 'ping'), 2000, 'a ping');
    // No answer at all: after two intervals the client gives up on this socket.
    await waitUntil(() => sockets.length === 2, 2000, 'a new socket');
    expect(first.closedWith).toBe(4000);
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ code: 4000, reason: 'keepalive timeout' });
    client.close();
  });

  test('subscribe/unsubscribe send ops now and change the topics of later connections', async () => {
    const { client, sockets, latest } = fakeClient();
    client.start();
    expect(new URL(latest().url).searchParams.has('topics')).toBe(false);
    latest().open();
    latest().frame(welcome(1));
    client.subscribe(['arena']);
    client.unsubscribe(['agent']);
    expect(latest().sent).toEqual([
      { op: 'subscribe', topics: ['arena'] },
      { op: 'unsubscribe', topics: ['agent'] },
    ]);
    latest().serverClose(1006);
    await waitUntil(() => sockets.length === 2, 2000, 'reconnect');
    expect(new URL(latest().url).searchParams.get('topics')).toBe('market,arena');
    client.close();
  });

  test('a key dropped, then taken again while disconnected, is not judged against its old key_seq on resume', async () => {
    const { client, sockets, events, latest } = fakeClient({ topics: ['market.BTC-USD', 'arena'] });
    const keyed = (sequence: number, keySeq: number) => ({ ...market(sequence), key_seq: keySeq });
    client.start();
    latest().open();
    latest().frame(welcome(1));
    latest().frame(keyed(2, 2));
    client.unsubscribe(['market.BTC-USD']);
    latest().serverClose(1006);
    // Taken again before the reconnect: the resume holds it and replays it from `since` on.
    client.subscribe(['market.BTC-USD']);
    await waitUntil(() => sockets.length === 2, 2000, 'reconnect');
    expect(new URL(latest().url).searchParams.get('topics')).toBe('arena,market.BTC-USD');
    expect(new URL(latest().url).searchParams.get('since')).toBe('2');
    latest().open();
    latest().frame(welcome(40));
    // The replay of the retaken key starts where the server is now, far past the number seen before it was dropped.
    latest().frame(keyed(35, 20));
    latest().frame(keyed(36, 21));
    latest().frame(keyed(37, 23));
    expect(events.filter((e) => e.type === 'key_gap')).toEqual([
      { type: 'key_gap', key: 'market.BTC-USD', expected: 22, got: 23 },
    ]);
    expect(client.stats.keyGaps).toBe(1);
    client.close();
  });

  test('close() is final: no reconnect afterwards', async () => {
    const { client, sockets, latest } = fakeClient();
    client.start();
    latest().open();
    latest().frame(welcome(1));
    client.close();
    expect(latest().closedWith).toBe(1000);
    await Bun.sleep(60);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('closed');
  });
});

describe('ReconnectingClient (real hub)', () => {
  let h: Harness | null = null;
  let client: ReconnectingClient | null = null;
  afterEach(() => {
    client?.close();
    h?.stop();
    h = null;
    client = null;
  });

  /** Close every server-side socket with `code` (what the hub does to slow consumers or at shutdown). */
  const closeAllServerSide = (harness: Harness, code: number, reason: string) => {
    for (const ws of (harness.hub as any).sockets as Set<{ close(code: number, reason: string): void }>)
      ws.close(code, reason);
  };

  test('every event exactly once, in order, across 1013 and 1001 closes while events keep flowing', async () => {
    const harness = (h = startHarness());
    const seen: number[] = [];
    const notices: string[] = [];
    client = new ReconnectingClient({
      url: harness.url,
      topics: ['market', 'agent', 'arena'],
      backoff: { initialMs: 10, maxMs: 50 },
    });
    client.on((e) => {
      if (e.type === 'event' && !e.snapshot) seen.push(e.event.sequence);
      if (e.type === 'resumed') notices.push(`resumed ${e.message.replayed}`);
    });
    client.start();
    await waitUntil(() => client?.state === 'live', 3000, 'live');
    const start = harness.seq;
    for (const code of [1013, 1001]) {
      for (let i = 0; i < 5; i++) harness.market('ETH-USD');
      await waitUntil(() => seen.length >= harness.seq - start, 3000, 'live events');
      closeAllServerSide(harness, code, 'test');
      // Published while the client is away: must be replayed on resume.
      for (let i = 0; i < 4; i++) harness.agent('Momentum');
      harness.arena(1 + seen.length, 'Momentum');
      await waitUntil(() => notices.length > (code === 1013 ? 0 : 1), 3000, `resume after ${code}`);
    }
    for (let i = 0; i < 3; i++) harness.market('SOL-USD');
    await waitUntil(() => seen.length >= harness.seq - start, 3000, 'all events');
    expect(seen).toEqual(Array.from({ length: harness.seq - start }, (_, i) => start + 1 + i));
    expect(notices).toEqual(['resumed 5', 'resumed 5']);
    expect(client.stats.duplicates).toBe(0);
    expect(client.stats.connects).toBe(3);
  });

  test('a new epoch on the server: resume_failed, then the snapshot, then live events', async () => {
    const harness = (h = startHarness());
    const events: ClientEvent[] = [];
    client = new ReconnectingClient({ url: harness.url, topics: ['market'], backoff: { initialMs: 10, maxMs: 50 } });
    client.on((e) => events.push(e));
    client.start();
    await waitUntil(() => client?.state === 'live', 3000, 'live');
    // The server now serves another sequence space (as after a restart on a new database), with its own state.
    harness.hub.adopt({ epoch: 'restarted', head: harness.seq, symbols: SYMBOLS });
    for (const symbol of SYMBOLS) harness.market(symbol);
    closeAllServerSide(harness, 1001, 'server shutting down');
    await waitUntil(() => events.some((e) => e.type === 'resume_failed'), 3000, 'resume_failed');
    const failed = events.find((e) => e.type === 'resume_failed');
    expect(failed).toMatchObject({ message: { reason: 'epoch_mismatch' } });
    await waitUntil(() => events.filter((e) => e.type === 'event' && e.snapshot).length >= 6, 3000, 'second snapshot');
    const next = harness.market('BTC-USD');
    await waitUntil(() => client?.lastSequence === next.sequence, 3000, 'live after the gap');
    expect(client.epoch).toBe('restarted');
  });
});
