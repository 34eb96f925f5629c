// End to end: `bun run server` as a subprocess, exactly as a user starts it.
import { afterEach, describe, expect, test } from 'bun:test';
import { AgentEvent, MarketEvent, WelcomeMessage } from '../../src/protocol/index.ts';
import { TestClient } from '../helpers/clients.ts';
import { runServerExpectingExit, type ServerProcess, startServer } from '../helpers/server-process.ts';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});

describe('bun run server', () => {
  test("prints the seed's startup lines and streams the seed's event shapes", async () => {
    server = await startServer(
      ['--market-interval-ms', '50', '--market-data', 'off', '--agent-interval-ms', '100', '--seed', '42'],
      {},
      { viaBunRun: true },
    );
    expect(server.output()).toContain('(broadcast market ticks and agent updates to connected clients)');
    expect(server.output()).toContain('seed 42');
    const c = await TestClient.open(server.url, 'ws');
    expect(WelcomeMessage.safeParse(await c.nextOf('welcome')).success).toBe(true);
    const market = await c.next((f) => f.event_type === 'market' && !f.snapshot, 5000, 'market');
    const agent = await c.next((f) => f.event_type === 'agent' && !f.snapshot, 5000, 'agent');
    expect(MarketEvent.strict().safeParse(market).success).toBe(true);
    expect(AgentEvent.safeParse(agent).success).toBe(true);
    expect(Object.keys(market.market).slice(0, 4)).toEqual(['symbol', 'price', 'timestamp', 'change_percent']);
    for (const k of ['agent_id', 'capital', 'trades_executed', 'win_rate', 'status', 'timestamp'])
      expect(agent.agent).toHaveProperty(k);
    expect(['active', 'paused', 'eliminated']).toContain(agent.agent.status);
    // Sequence strictly increases on the live stream.
    const live = (
      await c.waitFor((f) => (f.event_type === 'market' || f.event_type === 'agent') && !f.snapshot, 30)
    ).map((f) => f.sequence);
    for (let i = 1; i < live.length; i++) expect(live[i]).toBeGreaterThan(live[i - 1]);
    c.close();
  });

  test('/health answers on both ports; unknown paths 404 on the metrics port', async () => {
    server = await startServer();
    for (const base of [server.http, server.metrics]) {
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.status).toBe('ok');
      expect(typeof body.epoch).toBe('string');
      expect(typeof body.sequence).toBe('number');
    }
    expect((await fetch(`${server.metrics}/nope`)).status).toBe(404);
    expect(await (await fetch(`${server.metrics}/metrics`)).text()).toContain('lineage_active_connections');
  });

  test('SIGTERM closes clients with 1001 "server shutting down" and exits 0 within 5 s', async () => {
    server = await startServer([], {}, { viaBunRun: true });
    const a = await TestClient.open(server.url, 'bun');
    const b = await TestClient.open(server.url, 'ws');
    await a.nextOf('welcome');
    const { code, ms } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect((await b.closed).code).toBe(1001);
    server = null;
  });

  test('an invalid value exits 2 with one line naming the field', async () => {
    const r = await runServerExpectingExit(['--port', 'nine']);
    expect(r.code).toBe(2);
    expect(
      r.output
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('lineage:')),
    ).toEqual(['lineage: invalid configuration: --port: must be an integer (got "nine")']);
    const e = await runServerExpectingExit([], { LINEAGE_MARKET_INTERVAL_MS: '0' });
    expect(e.code).toBe(2);
    expect(e.output).toContain('LINEAGE_MARKET_INTERVAL_MS');
  });

  test('a port in use fails with a clear line and status 1', async () => {
    const blocker = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('busy') });
    try {
      const r = await runServerExpectingExit([
        '--port',
        String(blocker.port),
        '--metrics-port',
        '0',
        '--db',
        ':memory:',
      ]);
      expect(r.code).toBe(1);
      expect(r.output).toContain(`cannot listen on 127.0.0.1:${blocker.port}`);
    } finally {
      blocker.stop(true);
    }
  });
});
