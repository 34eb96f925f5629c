// JWTs on a real edge (Bun.serve on port 0): 401s for upgrades, SSE and /api; topics claims (forbidden_topic by op and
// by ?topics=); token_expiring before exp, 4001 at exp, refresh swapping the claims; SSE ending at exp.
import { afterEach, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/clients.ts';
import type { Harness } from '../helpers/hub-harness.ts';
import { counterMetrics, startHarness } from '../helpers/hub-harness.ts';
import { hs256, inSeconds, SECRET, startJwtHarness, unsigned, upgradeRequest } from '../helpers/jwt.ts';

let h: Harness | null = null;
const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  h?.stop();
  h = null;
});

async function connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
  const c = await TestClient.open(url, 'ws', headers);
  clients.push(c);
  await c.nextOf('welcome');
  return c;
}

const errorOf = async (r: Response): Promise<Record<string, any>> => ({
  status: r.status,
  ...((await r.json()) as { error: object }).error,
});

/** Read an SSE response's text until it ends (or `ms` pass). */
async function readSse(r: Response, ms: number): Promise<{ text: string; ended: boolean }> {
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      await reader.cancel();
      return { text, ended: false };
    }
    const next = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)]);
    if (next === null) continue;
    if (next.done) return { text, ended: true };
    text += decoder.decode(next.value, { stream: true });
  }
}

describe('refused without a valid JWT: 401 with the JSON error shape', () => {
  test('upgrades, SSE and /api, for a missing, badly signed, unsigned or expired token; /health stays open', async () => {
    const metrics = counterMetrics();
    h = await startJwtHarness({ jwtSecret: SECRET }, { metrics });
    const http = h.http;
    const bad = await hs256({}, 'another-secret-of-at-least-32-characters');
    const expired = await hs256({ exp: inSeconds(-10) });
    for (const [path, request] of [
      ['/', (p: string, hd?: Record<string, string>) => upgradeRequest(http, p, hd)],
      ['/sse', (p: string, hd?: Record<string, string>) => fetch(`${http}${p}`, { headers: hd })],
      ['/api/snapshot', (p: string, hd?: Record<string, string>) => fetch(`${http}${p}`, { headers: hd })],
    ] as const) {
      const sep = path.includes('?') ? '&' : '?';
      const missing = await request(path);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(await errorOf(missing)).toEqual({
        status: 401,
        code: 'unauthorized',
        message: 'a valid token is required (Authorization: Bearer <token> or ?token=)',
      });
      const forged = await request(`${path}${sep}token=${bad}`);
      expect(forged.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await errorOf(forged)).toMatchObject({
        status: 401,
        code: 'unauthorized',
        message: expect.stringMatching(/signature/),
      });
      expect(await errorOf(await request(path, { authorization: `Bearer ${unsigned()}` }))).toMatchObject({
        status: 401,
        code: 'unauthorized',
        message: expect.stringMatching(/algorithm/),
      });
      expect(await errorOf(await request(path, { authorization: `Bearer ${expired}` }))).toMatchObject({
        status: 401,
        code: 'token_expired',
      });
    }
    expect(metrics.counts.upgrade_unauthorized).toBe(6);
    expect(metrics.counts.upgrade_token_expired).toBe(2);
    expect((await fetch(`${http}/health`)).status).toBe(200);
    const good = await hs256();
    expect((await fetch(`${http}/api/snapshot?token=${good}`)).status).toBe(200);
    expect((await fetch(`${http}/api/agents`, { headers: { authorization: `Bearer ${good}` } })).status).toBe(200);
    await connect(`${h.url}?token=${good}`);
    await connect(h.url, { authorization: `Bearer ${good}` });
    await expect(TestClient.open(h.url, 'ws')).rejects.toThrow('401');
  });
});

describe('the topics claim', () => {
  test('?topics= outside it: one forbidden_topic error, the rest held, the connection stays', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET });
    const token = await hs256({ topics: ['market.*', 'agent.Balanced'] });
    const c = await TestClient.open(
      `${h.url}?topics=market.BTC-USD,arena,agent.Momentum,agent.Balanced&token=${token}`,
    );
    clients.push(c);
    expect((await c.nextOf('welcome')).subscriptions).toEqual(['market.BTC-USD', 'agent.Balanced']);
    expect(await c.nextOf('error')).toMatchObject({
      code: 'forbidden_topic',
      topic: 'arena',
      topics: ['arena', 'agent.Momentum'],
    });
    c.send({ op: 'ping', id: 'still-here' });
    expect((await c.nextOf('pong')).id).toBe('still-here');
  });

  test('subscribe outside it: forbidden_topic echoing the id; inside it: subscribed; no events of what was refused', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET });
    const c = await connect(`${h.url}?topics=market.ETH-USD&token=${await hs256({ topics: ['market.*'] })}`);
    c.send({ op: 'subscribe', topics: ['agent', 'arena'], id: 's1' });
    expect(await c.nextOf('error')).toMatchObject({ code: 'forbidden_topic', id: 's1', topics: ['agent', 'arena'] });
    c.send({ op: 'subscribe', topics: ['market'], id: 's2' });
    expect(await c.nextOf('subscribed')).toMatchObject({ id: 's2', topics: ['market'] });
    h.agent('Balanced');
    h.arena(1, 'Balanced');
    const tick = h.market('SOL-USD');
    const got = await c.next((f) => f.event_type === 'market' && f.sequence === tick.sequence);
    expect(got.market.symbol).toBe('SOL-USD');
    expect(c.frames.some((f) => f.event_type === 'agent' || f.event_type === 'arena')).toBe(false);
  });

  test('without ?topics=, the default topics it covers, with no error', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET });
    const c = await connect(`${h.url}?token=${await hs256({ topics: ['market.*', 'arena'] })}`);
    expect(c.frames[0]?.subscriptions).toEqual(['market']);
    c.send({ op: 'ping' });
    await c.nextOf('pong');
    expect(c.frames.some((f) => f.event_type === 'error')).toBe(false);
    const none = await connect(`${h.url}?token=${await hs256({ topics: undefined })}`);
    expect(none.frames[0]?.subscriptions).toEqual([]);
  });

  test("a private family (an agent's orders): * does not cover it, a token naming it does", async () => {
    h = await startJwtHarness({ jwtSecret: SECRET });
    const everything = await connect(`${h.url}?topics=market&token=${await hs256({ topics: ['*'] })}`);
    everything.send({ op: 'subscribe', topics: ['orders.Balanced'], id: 'o1' });
    expect(await everything.nextOf('error')).toMatchObject({
      code: 'forbidden_topic',
      id: 'o1',
      message: expect.stringContaining('private'),
    });
    const owner = await connect(
      `${h.url}?topics=market&token=${await hs256({ topics: ['market', 'orders.Balanced'] })}`,
    );
    owner.send({ op: 'subscribe', topics: ['orders.Balanced', 'orders.Momentum'], id: 'o2' });
    expect(await owner.nextOf('subscribed')).toMatchObject({ id: 'o2', topics: ['orders.Balanced'] });
    expect(owner.frames.find((f) => f.event_type === 'error')).toMatchObject({
      code: 'forbidden_topic',
      topic: 'orders.Momentum',
    });
    // Without JWTs at all, no connection may hold it.
    const open = startHarness();
    try {
      const anon = await connect(`${open.url}?topics=orders.Balanced`);
      expect(await anon.nextOf('error')).toMatchObject({ code: 'forbidden_topic' });
    } finally {
      open.stop();
    }
  });

  test('SSE: a topic outside it is 403 forbidden_topic; the defaults are filtered as on the WebSocket', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET });
    const token = await hs256({ topics: ['agent.*'] });
    expect(await errorOf(await fetch(`${h.http}/sse?topics=arena&token=${token}`))).toMatchObject({
      status: 403,
      code: 'forbidden_topic',
    });
    const r = await fetch(`${h.http}/sse?token=${token}`);
    expect(r.status).toBe(200);
    const { text } = await readSse(r, 300);
    expect(text).toContain('"subscriptions":["agent"]');
  });
});

describe('expiry and refresh', () => {
  test('token_expiring arrives a window before exp, then 4001 "token expired" at exp (logged with the sub)', async () => {
    const metrics = counterMetrics();
    const jh = await startJwtHarness({ jwtSecret: SECRET }, { tokenRefreshWindowS: 2, metrics });
    h = jh;
    const exp = inSeconds(4);
    const c = await connect(`${h.url}?token=${await hs256({ sub: 'carol', exp })}`);
    const notice = await c.nextOf('token_expiring', 5000);
    const noticedAt = Date.now();
    expect(notice).toEqual({ event_type: 'token_expiring', exp });
    expect(noticedAt).toBeGreaterThanOrEqual(exp * 1000 - 2000 - 50);
    expect(noticedAt).toBeLessThan(exp * 1000);
    const closed = await c.closed;
    expect(closed).toEqual({ code: 4001, reason: 'token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(metrics.counts.closed_token_expired).toBe(1);
    expect(jh.logs.some((l) => l.includes('sub="carol"') && l.includes('4001'))).toBe(true);
  }, 15_000);

  test('refresh swaps the claims at once: what the new token does not cover is unsubscribed with a reason', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET }, { tokenRefreshWindowS: 1 });
    const c = await connect(`${h.url}?topics=market,agent,arena&token=${await hs256({ exp: inSeconds(3) })}`);
    await c.nextOf('token_expiring', 5000);
    const exp = inSeconds(60);
    c.send({ op: 'refresh', token: await hs256({ exp, topics: ['market.*'] }), id: 'r1' });
    expect(await c.nextOf('unsubscribed')).toEqual({
      event_type: 'unsubscribed',
      id: 'r1',
      topics: ['agent', 'arena'],
      subscriptions: ['market'],
      reason: 'forbidden_topic',
    });
    expect(await c.nextOf('refreshed')).toEqual({ event_type: 'refreshed', id: 'r1', exp, subscriptions: ['market'] });
    // The new claims hold for later subscribes, and the old exp no longer closes the connection.
    c.send({ op: 'subscribe', topics: ['arena'] });
    expect((await c.nextOf('error')).code).toBe('forbidden_topic');
    await Bun.sleep(3200);
    expect(c.closeInfo).toBeNull();
    h.agent('Balanced');
    const tick = h.market('BTC-USD');
    await c.next((f) => f.sequence === tick.sequence);
    expect(c.frames.some((f) => f.event_type === 'agent' && f.snapshot === undefined)).toBe(false);
  }, 15_000);

  test('a refused refresh token is an error frame; the old token holds until its own exp', async () => {
    h = await startJwtHarness({ jwtSecret: SECRET }, { tokenRefreshWindowS: 1 });
    const c = await connect(`${h.url}?token=${await hs256({ exp: inSeconds(3) })}`);
    c.send({ op: 'refresh', token: await hs256({}, 'another-secret-of-at-least-32-characters'), id: 1 });
    expect(await c.nextOf('error')).toMatchObject({
      code: 'unauthorized',
      id: 1,
      message: expect.stringMatching(/^refresh: .*signature/),
    });
    c.send({ op: 'refresh', token: await hs256({ exp: inSeconds(-1) }), id: 2 });
    expect(await c.nextOf('error')).toMatchObject({ code: 'token_expired', id: 2 });
    c.send({ op: 'refresh', token: 'x.y.z', id: 3 });
    expect(await c.nextOf('error')).toMatchObject({ code: 'unauthorized', id: 3 });
    c.send({ op: 'ping', id: 'alive' });
    expect((await c.nextOf('pong')).id).toBe('alive');
    expect((await c.closed).code).toBe(4001);
  }, 15_000);

  test('refresh on a server that takes no JWTs is invalid_message', async () => {
    h = startHarness();
    const c = await connect(h.url);
    c.send({ op: 'refresh', token: await hs256(), id: 'n' });
    expect(await c.nextOf('error')).toMatchObject({ code: 'invalid_message', id: 'n' });
  });

  test('an SSE stream gets token_expiring, then ends at exp', async () => {
    const metrics = counterMetrics();
    h = await startJwtHarness({ jwtSecret: SECRET }, { tokenRefreshWindowS: 1, metrics });
    const exp = inSeconds(2);
    const r = await fetch(`${h.http}/sse?topics=market&token=${await hs256({ exp })}`);
    expect(r.status).toBe(200);
    const { text, ended } = await readSse(r, 5000);
    expect(ended).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(text).toContain(`event: token_expiring\ndata: {"event_type":"token_expiring","exp":${exp}}`);
    expect(h.hub.sseStreams).toBe(0);
    expect(metrics.counts.closed_token_expired).toBe(1);
  }, 15_000);
});
