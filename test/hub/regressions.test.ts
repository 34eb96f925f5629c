// Regression tests named after bugs that once survived the hub suite (#12): each asserts the exact frames, so the
// deliberate mutation that used to pass (wrong snapshot topics, duplicate snapshots, no arena snapshot, every rejected
// frame reported as invalid_json) now fails.
import { afterEach, describe, expect, test } from 'bun:test';
import { markSnapshot } from '../../src/protocol/encode.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness;
const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  h?.stop();
});

async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.open(url, 'bun');
  clients.push(c);
  return c;
}

/** Every frame the server sent before answering a ping: the whole reply to what was sent before it. */
async function framesUntilPong(c: TestClient, id: string): Promise<Frame[]> {
  const from = c.frames.length;
  c.send({ op: 'ping', id });
  await c.next((f) => f.event_type === 'pong' && f.id === id);
  const all = c.frames.slice(from);
  return all.slice(
    0,
    all.findIndex((f) => f.event_type === 'pong' && f.id === id),
  );
}

const snapshotOf = (e: PublishedEvent) => JSON.parse(markSnapshot(e.json)) as Frame;

describe('hub regressions', () => {
  test('after resume_failed, the snapshot covers exactly the held topics (not a fixed family)', async () => {
    h = startHarness({ history: 20 });
    const btc = h.market('BTC-USD');
    for (let i = 0; i < 30; i++) h.market('ETH-USD');
    const round = h.arena(4, 'Momentum');
    const c = await connect(`${h.url}?topics=market.BTC-USD,arena`);
    await c.nextOf('welcome');
    await framesUntilPong(c, 'settle');
    c.send({ op: 'resume', since: 1 });
    const reply = await framesUntilPong(c, 'after-resume');
    expect(reply[0]).toMatchObject({ event_type: 'resume_failed', reason: 'too_old' });
    expect(reply.slice(1)).toEqual([snapshotOf(btc), snapshotOf(round)]);
  });

  test('subscribing to a topic whose family is already held sends no second snapshot', async () => {
    h = startHarness();
    const c = await connect(`${h.url}?topics=market`);
    await c.nextOf('welcome');
    await framesUntilPong(c, 'settle');
    c.send({ op: 'subscribe', topics: ['market.BTC-USD'] });
    const reply = await framesUntilPong(c, 'after-subscribe');
    expect(reply).toEqual([
      { event_type: 'subscribed', topics: ['market.BTC-USD'], subscriptions: ['market', 'market.BTC-USD'] },
    ]);
  });

  test('the arena topic gets the latest round as its snapshot, on connect and on subscribe', async () => {
    h = startHarness();
    h.arena(1, 'Balanced');
    const latest = h.arena(2, 'Momentum');
    const a = await connect(`${h.url}?topics=arena`);
    await a.nextOf('welcome');
    expect(await framesUntilPong(a, 'connect')).toEqual([snapshotOf(latest)]);
    const b = await connect(`${h.url}?topics=market.SOL-USD`);
    await b.nextOf('welcome');
    await framesUntilPong(b, 'settle');
    b.send({ op: 'subscribe', topics: ['arena'] });
    const reply = await framesUntilPong(b, 'subscribe');
    expect(reply).toEqual([
      { event_type: 'subscribed', topics: ['arena'], subscriptions: ['market.SOL-USD', 'arena'] },
      snapshotOf(latest),
    ]);
  });

  test('each rejected frame is reported (and counted) with its own reason', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics });
    const c = await connect(`${h.url}?topics=arena`);
    await c.nextOf('welcome');
    await framesUntilPong(c, 'settle');
    c.send('{not json');
    c.send({ op: 'dance' });
    c.send({ op: 'subscribe', topics: 'market' });
    c.send(new Uint8Array([1, 2, 3]));
    const codes = (await framesUntilPong(c, 'after-bad')).map((f) => f.code);
    expect(codes).toEqual(['invalid_json', 'unknown_op', 'invalid_message', 'binary_not_supported']);
    expect(metrics.counts).toMatchObject({
      frame_invalid_json: 1,
      frame_unknown_op: 1,
      frame_invalid_message: 1,
      frame_binary: 1,
    });
  });
});
