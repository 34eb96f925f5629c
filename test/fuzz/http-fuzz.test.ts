// Arbitrary HTTP paths, query strings, methods and headers on both ports, and raw garbage on the sockets.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

export const REQUESTS = Number(process.env.LINEAGE_FUZZ_REQUESTS ?? 600);
const DOCUMENTED = new Set([200, 400, 401, 403, 404, 405, 503]);
let server: ServerProcess;
beforeAll(async () => {
  server = await startServer(['--market-interval-ms', '50', '--market-data', 'off']);
});
afterAll(async () => {
  await server?.stop('SIGKILL');
});

const segment = fc.oneof(
  fc.constantFrom(
    '',
    'api',
    'agents',
    'Balanced',
    'arena',
    'rounds',
    'snapshot',
    'health',
    'metrics',
    '..',
    '%2e%2e',
    '%00',
    '%ff',
    'ws',
    'index.html',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.string({ maxLength: 20 }).map((s) => s.replace(/[/?#]/g, '')),
);
const path = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
const query = fc.dictionary(
  fc.constantFrom('limit', 'before', 'topics', 'since', 'token', 'epoch', 'x'),
  fc.string({ unit: 'binary', maxLength: 30 }),
  { maxKeys: 4 },
);
const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const headers = fc.dictionary(
  fc.constantFrom(
    'authorization',
    'origin',
    'upgrade',
    'connection',
    'x-forwarded-for',
    'accept',
    'content-type',
    'sec-websocket-version',
    'sec-websocket-key',
  ),
  headerValue,
  { maxKeys: 5 },
);
const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');

describe('HTTP fuzzing', () => {
  test(`${REQUESTS} arbitrary requests on both ports: documented statuses, JSON errors, no stack traces or paths`, async () => {
    const problems: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(server.http, server.metrics),
        path,
        query,
        headers,
        method,
        async (base, p, q, h, m) => {
          const url = new URL(base + p);
          for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
          let res: Response;
          try {
            res = await fetch(url, { method: m, headers: h, redirect: 'manual' });
          } catch (error) {
            // fetch itself may refuse a header combination; that never reached the server.
            if (String(error).includes('fetch')) return;
            throw error;
          }
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const body = await res.text();
          if (!DOCUMENTED.has(res.status))
            problems.push(`${m} ${url.pathname}${url.search} → ${res.status} ${body.slice(0, 100)}`);
          if (res.status >= 400 && m !== 'HEAD') {
            try {
              const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
              if (typeof parsed.error?.code !== 'string' || typeof parsed.error?.message !== 'string')
                problems.push(`error without code/message: ${body.slice(0, 100)}`);
            } catch {
              problems.push(`non-JSON error body for ${m} ${url.pathname}: ${body.slice(0, 100)}`);
            }
          }
          if (/\bat \S+ \(|\/work\/|node_modules|\.ts:\d+/.test(body))
            problems.push(`stack trace or path leaked: ${body.slice(0, 200)}`);
        },
      ),
      { numRuns: REQUESTS, seed: 99 },
    );
    console.log(`[http fuzz] ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.http}/health`)).status).toBe(200);
  }, 300_000);

  test('raw garbage on both sockets (not HTTP at all) never takes the server down', async () => {
    const garbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 4096 }), { numRuns: 100, seed: 5 });
    for (const [i, bytes] of garbage.entries()) {
      const port = Number(new URL(i % 2 === 0 ? server.http : server.metrics).port);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        Bun.connect({
          hostname: '127.0.0.1',
          port,
          socket: {
            open(s) {
              s.write(bytes);
              s.end();
            },
            data() {},
            close() {
              clearTimeout(timer);
              resolve();
            },
            error() {
              clearTimeout(timer);
              resolve();
            },
          },
        }).catch(() => resolve());
      });
    }
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.http}/health`)).status).toBe(200);
    expect((await fetch(`${server.metrics}/health`)).status).toBe(200);
  }, 120_000);
});
