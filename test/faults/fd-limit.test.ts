// Regression (#11.9): with fewer file descriptors than --max-connections, the server used to spin a core while new
// connections hung and /health timed out. The bound now follows the fd limit and the excess gets 503 at once.
import { afterEach, describe, expect, test } from 'bun:test';
import { connectionBound, fdHeadroom, parseFdLimit } from '../../src/edge/connection-limit.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            256                  4096                 files
Max locked memory         8388608              8388608              bytes`;

describe('connection bound from the fd limit (pure)', () => {
  test('the soft limit is read from /proc/<pid>/limits', () => {
    expect(parseFdLimit(LIMITS)).toBe(256);
    expect(parseFdLimit('Max open files            unlimited            unlimited            files')).toBeNull();
    expect(parseFdLimit('nothing here')).toBeNull();
  });

  test('headroom is 5% of the limit, within 64..1024', () => {
    expect(fdHeadroom(256)).toBe(64);
    expect(fdHeadroom(20_000)).toBe(1000);
    expect(fdHeadroom(1_048_576)).toBe(1024);
  });

  test('the configured maximum is lowered to fit, never raised', () => {
    expect(connectionBound(50_000, 20_000)).toEqual({ max: 19_000, fdLimit: 20_000, headroom: 1000, lowered: true });
    expect(connectionBound(100, 20_000)).toEqual({ max: 100, fdLimit: 20_000, headroom: 1000, lowered: false });
    expect(connectionBound(500, null)).toEqual({ max: 500, fdLimit: null, headroom: 0, lowered: false });
    expect(connectionBound(10, 32).max).toBe(1);
  });
});

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});

/** Open `n` WebSockets at once; each ends open, refused (an HTTP status) or hung (nothing within 5 s). */
async function flood(url: string, n: number): Promise<{ open: WebSocket[]; refused: number; hung: number }> {
  const open: WebSocket[] = [];
  let refused = 0;
  let hung = 0;
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(url);
          const timer = setTimeout(() => {
            hung++;
            ws.close();
            resolve();
          }, 5000);
          ws.onopen = () => {
            clearTimeout(timer);
            open.push(ws);
            resolve();
          };
          ws.onerror = () => {
            clearTimeout(timer);
            refused++;
            resolve();
          };
        }),
    ),
  );
  return { open, refused, hung };
}

describe('a server with a low fd limit', () => {
  test('says its bound at startup, refuses the excess with 503 at once, and keeps answering /health', async () => {
    server = await startServer(['--market-interval-ms', '100', '--market-data', 'off'], {}, { fdLimit: 256 });
    expect(server.output()).toContain('🔌 up to 192 connections: the fd limit is 256');
    const { open, refused, hung } = await flood(`${server.url}?topics=arena`, 320);
    expect(hung).toBe(0);
    expect(open.length).toBe(192);
    expect(refused).toBe(320 - 192);
    const health = await fetch(`${server.http}/health`, { signal: AbortSignal.timeout(3000) });
    expect(health.status).toBe(200);
    expect((await health.json()).connections).toBe(192);
    // The refusal is the server's own documented 503, counted as such.
    const direct = await fetch(`${server.http}/`, {
      headers: {
        upgrade: 'websocket',
        connection: 'Upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    });
    expect(direct.status).toBe(503);
    expect((await direct.json()).error.code).toBe('too_many_connections');
    const metrics = await (await fetch(`${server.metrics}/metrics`)).text();
    expect(metrics).toMatch(/lineage_upgrades_rejected_total\{reason="max_connections"\} 129/);
    for (const ws of open) ws.close();
  }, 30_000);
});
