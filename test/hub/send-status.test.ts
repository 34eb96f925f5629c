// What the catch-up replay's pacing rests on: Bun's `ws.send` answers -1 from the first frame that stays buffered, so
// the send status alone says when to wait for drain (the replay reads no buffer per frame). Checked on a real socket to
// a peer that never reads, from the two places the replay runs: a message handler (a resume) and a drain.
import { afterEach, describe, expect, test } from 'bun:test';
import type { ServerWebSocket } from 'bun';
import { TestClient } from '../helpers/clients.ts';
import { type Harness, startHarness } from '../helpers/hub-harness.ts';
import { stalledPeer } from '../helpers/stalled-peer.ts';

const FRAME = JSON.stringify({ event_type: 'market_update', data: { pad: 'x'.repeat(400) }, sequence: 1 });
/** Far more than loopback's socket buffers hold: the peer never reads, so some frame must stay buffered. */
const MAX_FRAMES = 200_000;

interface Seen {
  /** Frames sent with a positive status while something was buffered: must stay 0. */
  bufferedButPositive: number;
  /** Index of the first -1, and the buffer at that moment. */
  firstBackpressure: number;
  bufferedThen: number;
}

function sendUntilBackpressure(ws: ServerWebSocket<unknown>): Seen {
  const seen: Seen = { bufferedButPositive: 0, firstBackpressure: -1, bufferedThen: 0 };
  for (let i = 0; i < MAX_FRAMES; i++) {
    const status = ws.send(FRAME);
    const buffered = ws.getBufferedAmount();
    if (status > 0 && buffered > 0) seen.bufferedButPositive++;
    if (status === -1) {
      seen.firstBackpressure = i;
      seen.bufferedThen = buffered;
      return seen;
    }
  }
  return seen;
}

const stops: (() => void)[] = [];
let h: Harness | null = null;
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  h?.stop();
  h = null;
});

/** A server whose first client frame starts a send loop; the loop runs again on each drain. */
function serve(onSeen: (where: 'message' | 'drain', seen: Seen) => void) {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response('upgrade required', { status: 426 })),
    websocket: {
      backpressureLimit: 64 * 1024 * 1024,
      message: (ws) => onSeen('message', sendUntilBackpressure(ws)),
      drain: (ws) => onSeen('drain', sendUntilBackpressure(ws)),
    },
  });
  stops.push(() => server.stop(true));
  return server;
}

/** A stalled peer that sends one masked text frame (the server's cue to start sending); reading resumes on `read()`. */
async function stalledPeerThatAsks(port: number) {
  const socket = await stalledPeer(port, '/', stops);
  const mask = [1, 2, 3, 4];
  const payload = Buffer.from('go').map((b, i) => b ^ (mask[i % 4] as number));
  socket.write(Buffer.from([0x81, 0x80 | payload.length, ...mask, ...payload]));
  return { read: () => socket.resume() };
}

describe('send status under backpressure', () => {
  test('-1 comes with the first frame that stays buffered, never a positive status with a buffer', async () => {
    const seen: { where: string; s: Seen }[] = [];
    const server = serve((where, s) => seen.push({ where, s }));
    const peer = await stalledPeerThatAsks(server.port as number);
    for (let i = 0; i < 200 && seen.length === 0; i++) await Bun.sleep(10);
    // The peer reads again: the buffer drains, and the drain handler fills it once more.
    peer.read();
    for (let i = 0; i < 500 && !seen.some((x) => x.where === 'drain'); i++) await Bun.sleep(10);
    const message = seen.find((x) => x.where === 'message');
    const drain = seen.find((x) => x.where === 'drain');
    for (const x of [message, drain]) {
      expect(x).toBeDefined();
      expect(x?.s.firstBackpressure).toBeGreaterThanOrEqual(0);
      expect(x?.s.bufferedThen).toBeGreaterThan(0);
      expect(x?.s.bufferedButPositive).toBe(0);
    }
  });
});

describe('a replay larger than the send buffer', () => {
  test('pauses on backpressure and finishes on drain: every event in order, then resumed', async () => {
    // 3,000 missed events of ~10 KB: 30 MB, several times what the socket buffers and Bun's limit (2 x 64 KB + 4 MB)
    // hold, so the replay must stop at a backpressured frame and go on from the drain; without the pause Bun's buffer
    // passes its limit and the connection is closed (checked: 1006 here).
    h = startHarness({ history: 4000, sendBufferBytes: 64 * 1024 });
    const since = h.seq;
    const missed = Array.from({ length: 3000 }, () => h?.market('BTC-USD', 1, 10_000).sequence as number);
    const c = await TestClient.open(`${h.url}/?topics=market.BTC-USD&since=${since}`, 'ws');
    stops.push(() => c.close());
    const resumed = await c.nextOf('resumed', 30_000);
    expect(resumed).toMatchObject({ since, replayed: missed.length, sequence: h.seq });
    const got = c.frames.filter((f) => f.event_type === 'market' && !f.snapshot).map((f) => f.sequence);
    expect(got).toEqual(missed);
  }, 60_000);
});
