// Churn without growth (#15): sockets and SSE streams that come and go (some conflating, some toggling topics) leave
// nothing behind on a real hub and edge (port 0) — no socket, subscriber count, conflation entry or stream, and the
// collected JavaScript heap holds no more objects after the later cycles than after the first.

import { heapStats } from 'bun:jsc';
import { afterEach, expect, test } from 'bun:test';
import type { Conflator } from '../../src/hub/conflation.ts';
import { type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness | undefined;
afterEach(() => h?.stop());

const PER_CYCLE = 120;
const CYCLES = 4;

function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onmessage = () => resolve(ws);
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    ws.onclose = () => resolve();
    ws.close();
  });
}

async function sse(http: string): Promise<void> {
  const abort = new AbortController();
  const res = await fetch(`${http}/sse?topics=market.BTC-USD,arena`, { signal: abort.signal });
  const reader = res.body?.getReader();
  await reader?.read();
  abort.abort();
  await reader?.cancel().catch(() => {});
}

/** One cycle: PER_CYCLE sockets (a third conflating, a third toggling a topic) and a few SSE streams, all closed. */
async function cycle(hh: Harness): Promise<void> {
  for (let batch = 0; batch < PER_CYCLE; batch += 30) {
    const sockets = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        openWs(
          i % 3 === 0
            ? `${hh.url}?topics=market,arena&conflate_ms=50`
            : i % 3 === 1
              ? `${hh.url}?topics=arena`
              : `${hh.url}?topics=market.BTC-USD,agent`,
        ),
      ),
    );
    sockets.forEach((ws, i) => {
      if (i % 3 === 1) ws.send(JSON.stringify({ op: 'subscribe', topics: ['market.ETH-USD'], id: 't' }));
    });
    hh.market('BTC-USD');
    hh.market('ETH-USD');
    await Promise.all([sse(hh.http), sse(hh.http)]);
    await Bun.sleep(60);
    await Promise.all(sockets.map(closed));
  }
  // The server sees the closes after the clients do.
  for (let i = 0; i < 100 && (hh.hub.connections > 0 || hh.hub.sseStreams > 0); i++) await Bun.sleep(20);
}

/** Collected heap: the objects that per-connection state is made of. */
function retained(): number {
  Bun.gc(true);
  const counts = heapStats().objectTypeCounts as Record<string, number>;
  return (counts.Object ?? 0) + (counts.Map ?? 0) + (counts.Set ?? 0) + (counts.Array ?? 0);
}

test('connections that come and go leave no per-connection state behind', async () => {
  const hh = startHarness({ history: 16 });
  h = hh;
  const conflator = (hh.hub as unknown as { conflator: Conflator }).conflator;
  const after: number[] = [];
  for (let c = 0; c < CYCLES; c++) {
    await cycle(hh);
    expect(hh.hub.connections).toBe(0);
    expect(hh.hub.sseStreams).toBe(0);
    expect(Object.values(hh.hub.subscribersByFamily()).reduce((a, n) => a + n, 0)).toBe(0);
    expect(conflator.size).toBe(0);
    expect(conflator.intervals).toBe(0);
    after.push(retained());
  }
  // A leak of one session's state (its object, a Set and two Maps) per connection would add ≥ 4 × PER_CYCLE a cycle.
  const first = after[0] as number;
  for (const n of after.slice(1)) expect(n - first).toBeLessThan(PER_CYCLE);
}, 60_000);
