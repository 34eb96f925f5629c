// Per-address limits on a real edge: connections per address (WebSockets and SSE together) and the request rate,
// both answered 429 with Retry-After and the JSON error shape; --trust-proxy decides which address counts.
import { afterEach, describe, expect, test } from 'bun:test';
import { TestClient, waitUntil } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';
import { upgradeRequest } from '../helpers/jwt.ts';

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
  retryAfter: r.headers.get('retry-after'),
  ...((await r.json()) as { error: object }).error,
});

describe('--max-connections-per-ip', () => {
  test('past the bound: 429 ip_connection_limit with Retry-After; SSE counts too; a close frees a place', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics }, { maxConnectionsPerIp: 2 });
    const a = await connect(h.url);
    await connect(h.url);
    expect(await errorOf(await upgradeRequest(h.http))).toMatchObject({
      status: 429,
      code: 'ip_connection_limit',
      retryAfter: '5',
    });
    expect((await errorOf(await fetch(`${h.http}/sse`))).code).toBe('ip_connection_limit');
    await expect(TestClient.open(h.url, 'ws')).rejects.toThrow('429');
    expect(metrics.counts.upgrade_ip_connection_limit).toBe(3);
    a.close();
    await a.closed;
    // The place is free once the server has seen the close.
    await waitUntil(() => h?.hub.connections === 1, 5000, 'the close');
    const sse = await fetch(`${h.http}/sse?topics=arena`);
    expect(sse.status).toBe(200);
    await expect(TestClient.open(h.url, 'ws')).rejects.toThrow('429');
    await sse.body?.cancel();
    await waitUntil(() => h?.hub.sseStreams === 0, 5000, 'the stream end');
    await connect(h.url);
  });

  test('a refused request (bad topic) does not keep its place', async () => {
    h = startHarness({}, { maxConnectionsPerIp: 1 });
    for (let i = 0; i < 3; i++) expect((await fetch(`${h.http}/sse?topics=nope`)).status).toBe(400);
    await connect(h.url);
  });
});

describe('--max-connects-per-ip-per-s', () => {
  test('a burst of 2× the rate, then 429 ip_rate_limited with Retry-After, on /api and upgrades alike', async () => {
    h = startHarness({}, { maxConnectsPerIpPerS: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${h.http}/api/snapshot`)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(await errorOf(await fetch(`${h.http}/api/snapshot`))).toMatchObject({
      status: 429,
      code: 'ip_rate_limited',
      retryAfter: '1',
      message: 'too many upgrades or requests from this address',
    });
    expect((await errorOf(await upgradeRequest(h.http))).code).toBe('ip_rate_limited');
    expect((await fetch(`${h.http}/sse`)).status).toBe(429);
    // /health and the dashboard are not counted.
    expect((await fetch(`${h.http}/health`)).status).toBe(200);
    await Bun.sleep(600);
    expect((await fetch(`${h.http}/api/snapshot`)).status).toBe(200);
  });
});

describe('--trust-proxy', () => {
  test('from a trusted proxy each X-Forwarded-For client counts on its own; otherwise the header is ignored', async () => {
    h = startHarness({}, { maxConnectionsPerIp: 1, trustProxy: new Set(['127.0.0.1']) });
    await connect(h.url, { 'x-forwarded-for': '203.0.113.1' });
    await connect(h.url, { 'x-forwarded-for': '203.0.113.2' });
    // A client cannot escape its count by claiming another address before the proxy's entry.
    await expect(TestClient.open(h.url, 'ws', { 'x-forwarded-for': '198.51.100.7, 203.0.113.1' })).rejects.toThrow(
      '429',
    );
    h.stop();
    h = startHarness({}, { maxConnectionsPerIp: 1 });
    await connect(h.url, { 'x-forwarded-for': '203.0.113.1' });
    await expect(TestClient.open(h.url, 'ws', { 'x-forwarded-for': '203.0.113.2' })).rejects.toThrow('429');
    // Trusting another proxy: this peer (loopback) is not it, so its header is not believed.
    h.stop();
    h = startHarness({}, { maxConnectionsPerIp: 1, trustProxy: new Set(['192.0.2.10']) });
    await connect(h.url, { 'x-forwarded-for': '203.0.113.1' });
    await expect(TestClient.open(h.url, 'ws', { 'x-forwarded-for': '203.0.113.2' })).rejects.toThrow('429');
  });
});
