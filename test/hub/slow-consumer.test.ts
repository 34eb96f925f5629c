// A WebSocket reader that stops reading is closed with 1013 once its send buffer passes --send-buffer-bytes, even
// when nothing in the publish path reports backpressure (a topic publish does not report one slow subscriber among
// many): the hub sweeps on its own. The readers beside it are not touched and get every event.
import { afterEach, describe, expect, test } from 'bun:test';
import { TestClient, waitUntil } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';
import { ROOT, startServer } from '../helpers/server-process.ts';
import { stalledPeer } from '../helpers/stalled-peer.ts';

let h: Harness | null = null;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  h?.stop();
  h = null;
});

describe('slow consumers', () => {
  test('a reader that stops reading is closed 1013 by the sweep; the others keep every event', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics, sendBufferBytes: 64 * 1024 });
    const harness = h;
    const port = Number(new URL(harness.url).port);
    const readers: TestClient[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await TestClient.open(`${harness.url}/?topics=market`, 'bun');
      cleanups.push(() => c.close());
      await c.nextOf('welcome');
      readers.push(c);
    }
    await stalledPeer(port, '/?topics=market', cleanups);
    await waitUntil(() => harness.hub.connections === 4, 5000, 'four connections');
    const first = harness.seq + 1;
    // About 8 MB in 2 KB frames: far past the bound, but in bursts small enough that the readers keep up.
    for (let i = 0; i < 200 && (metrics.counts.slow ?? 0) === 0; i++) {
      for (let j = 0; j < 200; j++) harness.market('BTC-USD', 45_000, 150);
      await Bun.sleep(10);
    }
    await waitUntil(() => (metrics.counts.slow ?? 0) === 1, 5000, 'the stalled reader closed as a slow consumer');
    expect(metrics.counts.closed_slow_consumer).toBe(1);
    const last = harness.seq;
    for (const c of readers) {
      await c.waitFor((f) => f.sequence === last, 1, 10_000);
      const seqs = c.frames.filter((f) => f.event_type === 'market' && !f.snapshot && f.sequence >= first);
      expect(seqs.map((f) => f.sequence)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      expect(c.closeInfo).toBeNull();
    }
  }, 30_000);

  test('on the server, a stalled reader of the busy market streams is closed by the sweep, not left to Bun', async () => {
    const server = await startServer([
      ...['--market-interval-ms', '100', '--symbols', 'BTC-USD,ETH-USD', '--send-buffer-bytes', '65536'],
    ]);
    cleanups.push(() => void server.stop('SIGKILL'));
    // Node's `ws` client, reading for half a second and then pausing its socket (what the bench's slow reader does).
    const script = `const W=require('ws');const ws=new W(process.argv[1]);ws.on('open',()=>setTimeout(()=>ws._socket.pause(),500));setTimeout(()=>process.exit(0),30000);`;
    const reader = Bun.spawn(['node', '-e', script, `${server.url}/?topics=trades,book.BTC-USD,market`], {
      cwd: ROOT,
      stdout: 'ignore',
      stderr: 'ignore',
    });
    cleanups.push(() => reader.kill('SIGKILL'));
    const closed = async () => {
      const text = await (await fetch(`${server.metrics}/metrics`)).text();
      return Number(/^lineage_slow_consumers_closed_total (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const deadline = Date.now() + 25_000;
    while ((await closed()) === 0 && Date.now() < deadline) await Bun.sleep(250);
    expect(await closed()).toBe(1);
  }, 40_000);

  test('the periodic sweep runs only when something was published since the last one', async () => {
    h = startHarness({ sendBufferBytes: 64 * 1024 });
    const harness = h;
    const c = await TestClient.open(`${harness.url}/?topics=market`, 'bun');
    cleanups.push(() => c.close());
    await c.nextOf('welcome');
    // Nothing published: the 250 ms timer fires about three times and checks no socket.
    const idle = harness.hub.sweeps;
    await Bun.sleep(800);
    expect(harness.hub.sweeps).toBe(idle);
    // One publish: one sweep (within a period) checks the buffers it may have grown, then the timer is idle again.
    const event = harness.market('BTC-USD', 45_000);
    await c.waitFor((f) => f.sequence === event.sequence, 1, 5000);
    await waitUntil(() => harness.hub.sweeps === idle + 1, 2000, 'one sweep after the publish');
    await Bun.sleep(800);
    expect(harness.hub.sweeps).toBe(idle + 1);
  }, 15_000);
});
