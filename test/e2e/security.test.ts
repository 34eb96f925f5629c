// Security review, as tests against the real server: loopback defaults, the token never printed, every limit configurable.
import { afterEach, describe, expect, test } from 'bun:test';
import { loadConfig } from '../../src/config.ts';
import { TestClient } from '../helpers/clients.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});

describe('security defaults', () => {
  test('both listeners default to loopback', () => {
    const c = loadConfig([], {});
    expect(c.host).toBe('127.0.0.1');
    expect(c.metricsHost).toBe('127.0.0.1');
  });

  test('the auth token is never printed, and a wrong one is refused', async () => {
    const token = 'tok-7f3a9c2e-never-print-me';
    server = await startServer(['--market-interval-ms', '50', '--market-data', 'off'], { LINEAGE_AUTH_TOKEN: token });
    await expect(TestClient.open(server.url, 'ws')).rejects.toThrow('401');
    await expect(TestClient.open(`${server.url}?token=${token}x`, 'ws')).rejects.toThrow('401');
    const ok = await TestClient.open(`${server.url}?token=${token}`, 'ws');
    await ok.nextOf('welcome');
    ok.close();
    const bearer = await TestClient.open(server.url, 'ws', { authorization: `Bearer ${token}` });
    await bearer.nextOf('welcome');
    bearer.close();
    const metrics = await (await fetch(`${server.metrics}/metrics`)).text();
    const health = await (await fetch(`${server.http}/health`)).text();
    for (const text of [server.output(), metrics, health]) expect(text).not.toContain(token);
    expect(metrics).toMatch(/lineage_upgrades_rejected_total\{reason="unauthorized"\} 2/);
    // The REST API takes the same token; /health stays open for load-balancer probes.
    expect((await fetch(`${server.http}/api/snapshot`)).status).toBe(401);
    expect((await fetch(`${server.http}/api/snapshot?token=${token}`)).status).toBe(200);
    expect((await fetch(`${server.http}/api/agents`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    expect((await fetch(`${server.http}/health`)).status).toBe(200);
  });
});

describe('limits are configurable on the real server', () => {
  test('--max-connections, --max-topics, --max-message-rate, --max-payload-bytes', async () => {
    server = await startServer([
      '--max-connections',
      '2',
      '--max-topics',
      '3',
      '--max-message-rate',
      '5',
      '--max-payload-bytes',
      '512',
    ]);
    const a = await TestClient.open(server.url, 'ws');
    const b = await TestClient.open(server.url, 'bun');
    await expect(TestClient.open(server.url, 'ws')).rejects.toThrow('503');
    await a.nextOf('welcome');
    a.send({ op: 'subscribe', topics: ['arena', 'market.BTC-USD'] });
    expect((await a.nextOf('error')).code).toBe('too_many_topics');
    b.send({ op: 'ping', id: 'y'.repeat(600) });
    expect((await b.closed).code).toBe(1009);
    for (let i = 0; i < 40; i++) a.send({ op: 'ping' });
    expect((await a.closed).code).toBe(1008);
  });

  test('--send-buffer-bytes and --idle-timeout-s reach the hub (a bad value is refused at start)', () => {
    expect(loadConfig(['--send-buffer-bytes', '65536', '--idle-timeout-s', '30'], {})).toMatchObject({
      sendBufferBytes: 65536,
      idleTimeoutS: 30,
    });
    expect(() => loadConfig(['--idle-timeout-s', '2000'], {})).toThrow('--idle-timeout-s');
    expect(() => loadConfig(['--send-buffer-bytes', '10'], {})).toThrow('--send-buffer-bytes');
  });
});
