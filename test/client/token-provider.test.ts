// The reconnecting client's token: a fixed string or a provider, asked before every connect and on token_expiring
// (then `refresh`); after 4001 it reconnects at once with a new token. Scripted sockets, then a real JWT edge.
import { afterEach, describe, expect, test } from 'bun:test';
import { type ClientEvent, ReconnectingClient } from '../../src/client/reconnecting-client.ts';
import { waitUntil } from '../helpers/clients.ts';
import { fakeClient, market, welcome } from '../helpers/fake-socket.ts';
import type { Harness } from '../helpers/hub-harness.ts';
import { hs256, inSeconds, SECRET, startJwtHarness } from '../helpers/jwt.ts';

const tokenOf = (url: string) => new URL(url).searchParams.get('token');

describe('token (scripted server)', () => {
  test('a fixed token goes in ?token= on every connect; token_expiring sends nothing (it cannot be renewed)', async () => {
    const { client, sockets, latest } = fakeClient({ token: 'fixed.jwt.token' });
    client.start();
    expect(tokenOf(latest().url)).toBe('fixed.jwt.token');
    latest().open();
    latest().frame(welcome(1));
    latest().frame({ event_type: 'token_expiring', exp: inSeconds(5) });
    await Bun.sleep(5);
    expect(latest().sent).toEqual([]);
    // 4001 with a token that cannot change: back off, as for any other failure.
    latest().serverClose(4001, 'token expired');
    await waitUntil(() => sockets.length === 2, 2000, 'reconnect');
    expect(tokenOf(latest().url)).toBe('fixed.jwt.token');
    client.close();
  });

  test('a provider is asked before each connect, and on token_expiring its token is sent as refresh', async () => {
    let n = 0;
    const { client, events, sockets, latest } = fakeClient({ token: () => `token-${++n}` });
    client.start();
    expect(tokenOf(latest().url)).toBe('token-1');
    latest().open();
    latest().frame(welcome(1));
    latest().frame(market(2));
    latest().frame({ event_type: 'token_expiring', exp: inSeconds(5) });
    expect(latest().sent).toEqual([{ op: 'refresh', token: 'token-2' }]);
    expect(events.some((e) => e.type === 'control' && e.message.event_type === 'token_expiring')).toBe(true);
    // 4001: at once, with a new token, resuming after the last event.
    latest().serverClose(4001, 'token expired');
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ code: 4001, retryInMs: 0 });
    await waitUntil(() => sockets.length === 2, 2000, 'reconnect');
    expect(tokenOf(latest().url)).toBe('token-3');
    expect(new URL(latest().url).searchParams.get('since')).toBe('2');
    client.close();
  });

  test('an async provider: the socket opens when the token arrives; close() while waiting opens nothing', async () => {
    let resolve!: (t: string) => void;
    const { client, sockets } = fakeClient({ token: () => new Promise<string>((r) => (resolve = r)) });
    client.start();
    expect(client.state).toBe('connecting');
    expect(sockets).toHaveLength(0);
    resolve('late-token');
    await waitUntil(() => sockets.length === 1, 2000, 'the socket');
    expect(tokenOf(sockets[0]?.url ?? '')).toBe('late-token');
    client.close();

    const second = fakeClient({ token: () => new Promise<string>((r) => (resolve = r)) });
    second.client.start();
    second.client.close();
    resolve('too-late');
    await Bun.sleep(5);
    expect(second.sockets).toHaveLength(0);
  });

  test('a failing provider is a failed attempt (retried with backoff); failing at refresh is token_failed', async () => {
    let calls = 0;
    const { client, events, sockets, latest } = fakeClient({
      token: () => {
        calls++;
        if (calls === 1) throw new Error('no network');
        if (calls === 3) return Promise.reject(new Error('idp down'));
        return `token-${calls}`;
      },
    });
    client.start();
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({
      error: 'token provider failed: no network',
      wasOpen: false,
    });
    await waitUntil(() => sockets.length === 1, 2000, 'the retry');
    expect(tokenOf(latest().url)).toBe('token-2');
    latest().open();
    latest().frame(welcome(1));
    latest().frame({ event_type: 'token_expiring', exp: inSeconds(5) });
    await waitUntil(() => events.some((e) => e.type === 'token_failed'), 2000, 'token_failed');
    expect(events.find((e) => e.type === 'token_failed')).toEqual({ type: 'token_failed', error: 'idp down' });
    expect(latest().sent).toEqual([]);
    client.close();
  });
});

describe('token (real JWT edge)', () => {
  let h: Harness | null = null;
  let client: ReconnectingClient | null = null;
  afterEach(() => {
    client?.close();
    h?.stop();
  });

  test('refresh keeps one connection past its first exp; a refused refresh ends in 4001, then a new token resumes', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET }, { tokenRefreshWindowS: 1 });
    const firstExp = inSeconds(3);
    const tokens: (() => Promise<string>)[] = [
      () => hs256({ exp: firstExp }),
      () => hs256({ exp: inSeconds(3) }),
      // The third (a refresh) is refused: the connection holds until its exp, then 4001.
      () => hs256({}, 'another-secret-of-at-least-32-characters'),
      () => hs256({ exp: inSeconds(60) }),
    ];
    let asked = 0;
    const events: ClientEvent[] = [];
    client = new ReconnectingClient({
      url: h.url,
      topics: ['market'],
      backoff: { initialMs: 2000, maxMs: 2000 },
      token: () => (tokens[asked++] ?? (() => hs256()))(),
    });
    let disconnectedAt = 0;
    client.on((e) => {
      events.push(e);
      if (e.type === 'disconnected') disconnectedAt = Date.now();
    });
    client.start();
    const c = client;
    const harness = h;
    await waitUntil(() => c.state === 'live', 5000, 'live');
    const refreshed = () => events.filter((e) => e.type === 'control' && e.message.event_type === 'refreshed');
    await waitUntil(() => refreshed().length === 1, 5000, 'the first refresh');
    const before = harness.market('BTC-USD');
    await waitUntil(() => events.some((e) => e.type === 'event' && e.event.sequence === before.sequence));
    await waitUntil(() => events.some((e) => e.type === 'error' && e.message.code === 'unauthorized'), 8000, 'refused');
    await waitUntil(() => events.some((e) => e.type === 'disconnected'), 8000, '4001');
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ code: 4001, retryInMs: 0 });
    // The refreshed token, not the first one, set when the connection ended.
    expect(disconnectedAt).toBeGreaterThan(firstExp * 1000 + 500);
    // The refreshed token, not the first one, set when the connection ended.
    expect(disconnectedAt).toBeGreaterThan(firstExp * 1000 + 500);
    await waitUntil(() => c.state === 'live' && c.stats.connects === 2, 5000, 'the reconnect');
    expect(asked).toBe(4);
    const after = harness.market('ETH-USD');
    await waitUntil(() => events.some((e) => e.type === 'event' && e.event.sequence === after.sequence));
    expect(events.filter((e) => e.type === 'disconnected')).toHaveLength(1);
  }, 20_000);
});
