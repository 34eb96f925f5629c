// GET /sse: the same events as Server-Sent Events, with curl -N and a streaming fetch reader; resume by Last-Event-ID.
import { afterEach, describe, expect, test } from 'bun:test';
import { connect as tcpConnect } from 'node:net';
import { waitUntil } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness | null = null;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  h?.stop();
  h = null;
});

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Parse SSE text into frames (blank-line separated; comment lines kept as frames of their own). */
function parseSse(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const f: SseFrame = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) f.comment = line.slice(1).trim();
      else {
        const i = line.indexOf(':');
        const key = line.slice(0, i) as keyof SseFrame;
        f[key] = line.slice(i + 1).replace(/^ /, '');
      }
    }
    frames.push(f);
  }
  return frames;
}

/** A streaming reader of /sse (fetch), collecting the text as it arrives. */
function openSse(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  let text = '';
  let done = false;
  const response = fetch(url, { headers, signal: abort.signal });
  const reading = (async () => {
    const r = await response;
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      text += decoder.decode(value, { stream: true });
    }
  })()
    .catch(() => undefined)
    .finally(() => (done = true));
  const stream = {
    response,
    frames: () => parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)),
    events: () => stream.frames().filter((f) => f.id !== undefined),
    ended: () => done,
    close: () => abort.abort(),
    reading,
  };
  cleanups.push(() => abort.abort());
  return stream;
}

describe('SSE', () => {
  test('curl -N: retry, welcome, snapshot, then live events with id: <sequence>', async () => {
    h = startHarness();
    const proc = Bun.spawn(['curl', '-sN', `${h.http}/sse?topics=market.BTC-USD,arena`], {
      stdout: 'pipe',
      stderr: 'ignore',
    });
    cleanups.push(() => proc.kill());
    let text = '';
    const reader = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of proc.stdout) text += decoder.decode(chunk, { stream: true });
    })();
    await waitUntil(() => text.includes('event: welcome'), 5000, 'welcome');
    const live = [h.market('BTC-USD'), h.market('ETH-USD'), h.arena(1, 'Momentum'), h.market('BTC-USD')];
    await waitUntil(() => parseSse(text).filter((f) => f.id !== undefined).length >= 3, 5000, 'live events');
    proc.kill();
    await reader;
    const frames = parseSse(text);
    expect(frames[0]).toEqual({ retry: '1000' });
    expect(frames[1]?.event).toBe('welcome');
    expect(JSON.parse(frames[1]?.data as string)).toMatchObject({
      event_type: 'welcome',
      epoch: 'test-epoch',
      subscriptions: ['market.BTC-USD', 'arena'],
    });
    // The snapshot carries no id (it is not part of the stream), then each live event has its sequence as id.
    const snapshot = frames[2] as SseFrame;
    expect(snapshot.id).toBeUndefined();
    expect(JSON.parse(snapshot.data as string)).toMatchObject({
      event_type: 'market',
      snapshot: true,
      market: { symbol: 'BTC-USD' },
    });
    const events = frames.filter((f) => f.id !== undefined);
    const expected = [live[0], live[2], live[3]].map((e) => e as NonNullable<typeof e>);
    expect(events.map((f) => [f.id, f.event, f.data])).toEqual(
      expected.map((e) => [String(e.sequence), e.family, e.json]),
    );
  });

  test('Last-Event-ID resumes gap-free: exactly the missed events, in order, then resumed', async () => {
    h = startHarness();
    const first = openSse(`${h.http}/sse?topics=market`);
    await waitUntil(() => first.frames().some((f) => f.event === 'welcome'), 5000, 'welcome');
    const seen = [h.market('BTC-USD'), h.market('ETH-USD')];
    await waitUntil(() => first.events().length >= 2, 5000, 'two events');
    first.close();
    await first.reading;
    const lastId = first.events().at(-1)?.id as string;
    expect(lastId).toBe(String(seen[1]?.sequence));
    const missed = [h.market('SOL-USD'), h.agent('Balanced'), h.market('BTC-USD')];
    const again = openSse(`${h.http}/sse?topics=market`, { 'last-event-id': lastId });
    await waitUntil(() => again.frames().some((f) => f.event === 'resumed'), 5000, 'resumed');
    const after = [h.market('ETH-USD')];
    await waitUntil(() => again.events().length >= 3, 5000, 'live after resume');
    const frames = again.frames();
    const resumed = frames.findIndex((f) => f.event === 'resumed');
    const markets = [missed[0], missed[2], after[0]].map((e) => String(e?.sequence));
    expect(again.events().map((f) => f.id)).toEqual(markets);
    // The replayed ones come before `resumed`, the live one after; nothing is a snapshot.
    expect(
      frames
        .slice(0, resumed)
        .filter((f) => f.id !== undefined)
        .map((f) => f.id),
    ).toEqual(markets.slice(0, 2));
    expect(JSON.parse(frames[resumed]?.data as string)).toMatchObject({ since: Number(lastId), replayed: 2 });
    expect(frames.some((f) => f.data?.includes('"snapshot":true'))).toBe(false);
  });

  test('?conflate_ms= conflates the state topics: one event per interval, the latest, with its count and id', async () => {
    h = startHarness();
    const s = openSse(`${h.http}/sse?topics=market.BTC-USD,arena&conflate_ms=100`);
    await waitUntil(() => s.frames().some((f) => f.event === 'welcome'), 5000, 'welcome');
    const sent = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 350) {
      sent.push(h.market('BTC-USD'));
      await Bun.sleep(5);
    }
    const round = h.arena(1, 'Momentum');
    await Bun.sleep(250);
    const events = s.events().map((f) => ({ id: f.id, event: f.event, data: JSON.parse(f.data as string) }));
    const markets = events.filter((e) => e.event === 'market');
    expect(markets.length).toBeGreaterThanOrEqual(2);
    expect(markets.length).toBeLessThanOrEqual(6);
    for (const m of markets) expect(m.id).toBe(String(m.data.sequence));
    expect(markets.reduce((n, m) => n + m.data.conflated + 1, 0)).toBe(sent.length);
    expect(markets.at(-1)?.data.sequence).toBe(sent.at(-1)?.sequence);
    expect(events.find((e) => e.event === 'arena')?.data).toEqual(JSON.parse(round.json));
    expect((await fetch(`${h.http}/sse?conflate_ms=x`)).status).toBe(400);
  });

  test('bad requests get 400 with a code; the token and Origin rules of upgrades apply', async () => {
    h = startHarness({}, { authToken: 's3cret-token', origins: ['https://ok.example'] });
    const bad = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${h?.http}${path}`, { headers });
      return { status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code };
    };
    expect(await bad('/sse')).toEqual({ status: 401, code: 'unauthorized' });
    expect(await bad('/sse?token=s3cret-token', { origin: 'https://evil.example' })).toEqual({
      status: 403,
      code: 'forbidden_origin',
    });
    expect(await bad('/sse?token=s3cret-token&topics=nope')).toEqual({ status: 400, code: 'unknown_topic' });
    expect(await bad('/sse?token=s3cret-token&since=-4')).toEqual({ status: 400, code: 'invalid_since' });
    expect(await bad('/sse?token=s3cret-token', { 'last-event-id': 'x' })).toEqual({
      status: 400,
      code: 'invalid_since',
    });
    const ok = openSse(`${h.http}/sse?topics=arena`, { authorization: 'Bearer s3cret-token' });
    expect((await ok.response).headers.get('content-type')).toStartWith('text/event-stream');
  });

  test('an idle stream gets heartbeat comments; shutdown sends event: shutdown and ends every stream', async () => {
    h = startHarness({ sseHeartbeatMs: 100 });
    const s = openSse(`${h.http}/sse?topics=arena`);
    await waitUntil(() => s.frames().filter((f) => f.comment === 'ping').length >= 2, 5000, 'heartbeats');
    expect(h.hub.sseStreams).toBe(1);
    h.hub.closeAll(1200);
    await waitUntil(() => s.ended(), 5000, 'stream end');
    const last = s.frames().at(-1) as SseFrame;
    expect(last.event).toBe('shutdown');
    expect(JSON.parse(last.data as string)).toEqual({ event_type: 'shutdown', retry_after_ms: 1200 });
    expect(h.hub.sseStreams).toBe(0);
  });

  test('a stream that stops reading is ended (never silently dropped) and counted as a slow consumer', async () => {
    const metrics = counterMetrics();
    h = startHarness({ sendBufferBytes: 64 * 1024, metrics });
    const port = h.server.port as number;
    // A raw client that sends the request, then never reads: the kernel buffers fill, then our bound ends the stream.
    const socket = tcpConnect({ host: '127.0.0.1', port });
    cleanups.push(() => socket.destroy());
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(`GET /sse?topics=market HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    socket.pause();
    await waitUntil(() => h?.hub.sseStreams === 1, 5000, 'stream open');
    for (let i = 0; i < 400 && h.hub.sseStreams > 0; i++) {
      for (let j = 0; j < 50; j++) h.market('BTC-USD', 45_000, 2000);
      await Bun.sleep(5);
    }
    await waitUntil(() => h?.hub.sseStreams === 0, 5000, 'slow stream ended');
    expect(metrics.counts.slow).toBe(1);
    expect(metrics.counts.closed_slow_consumer).toBe(1);
  });
});
