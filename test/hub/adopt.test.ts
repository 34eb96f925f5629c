// Hub.adopt, the one entry through which an upstream says where the stream stands (#12): the same epoch moves the head
// and keeps every client; a new epoch or a resync closes every client with 1013 and the reason; a history replaces the
// resume ring; latest state replaces (or, with a history, is laid over) the snapshot; new symbols change what is on
// offer. Each case asserts the frames a client sees, so a mutant of any branch fails one.
import { afterEach, describe, expect, test } from 'bun:test';
import { CloseCode, CloseReason } from '../../src/protocol/codes.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { TestClient } from '../helpers/clients.ts';
import { counterMetrics, type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness;
const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  h?.stop();
});

async function connect(query = '?topics=market,agent,arena'): Promise<TestClient> {
  const c = await TestClient.open(`${h.url}/${query}`, 'bun');
  clients.push(c);
  await c.nextOf('welcome');
  return c;
}

const publish = (...events: PublishedEvent[]) => {
  for (const e of events) h.hub.publish(e);
};

describe('Hub.adopt', () => {
  test('same epoch, no resync: the head moves on, every client stays, the latest state is kept', async () => {
    h = startHarness();
    publish(h.market('BTC-USD', 100));
    const c = await connect();
    const head = h.seq + 40;
    h.hub.adopt({ epoch: 'test-epoch', head, symbols: [] });
    expect(h.hub.sequence).toBe(head);
    expect(h.hub.epoch).toBe('test-epoch');
    const late = await TestClient.open(`${h.url}/?topics=market`, 'bun');
    clients.push(late);
    const welcome = await late.nextOf('welcome');
    expect(welcome.sequence).toBe(head);
    expect((await late.next((f) => f.market?.symbol === 'BTC-USD')).market.price).toBe(100);
    c.send({ op: 'ping', id: 'still' });
    expect((await c.next((f) => f.event_type === 'pong' && f.id === 'still')).sequence).toBe(head);
    expect(c.closeInfo).toBeNull();
  });

  test('a new epoch closes every client with 1013 (history changed); a resume with the old epoch is refused', async () => {
    h = startHarness();
    publish(h.market(), h.agent());
    const a = await connect();
    const b = await connect('?topics=market');
    h.hub.adopt({ epoch: 'epoch-2', head: 7, symbols: [] });
    for (const c of [a, b])
      expect(await c.closed).toEqual({ code: CloseCode.TryAgainLater, reason: CloseReason.historyChanged });
    expect(h.hub.epoch).toBe('epoch-2');
    const again = await TestClient.open(`${h.url}/?topics=market&since=2&epoch=test-epoch`, 'bun');
    clients.push(again);
    expect((await again.nextOf('welcome')).epoch).toBe('epoch-2');
    expect((await again.nextOf('resume_failed')).reason).toBe('epoch_mismatch');
  });

  test('a resync in the same epoch closes with its reason, forgets what can be replayed, keeps the latest state', async () => {
    h = startHarness();
    publish(h.market('BTC-USD', 111), h.market('ETH-USD', 222));
    const c = await connect();
    const head = h.seq + 3;
    h.hub.adopt({ epoch: 'test-epoch', head, symbols: [], resync: CloseReason.streamGap });
    expect(await c.closed).toEqual({ code: CloseCode.TryAgainLater, reason: CloseReason.streamGap });
    const back = await TestClient.open(`${h.url}/?topics=market&since=1&epoch=test-epoch`, 'bun');
    clients.push(back);
    const welcome = await back.nextOf('welcome');
    expect([welcome.sequence, welcome.oldest_sequence]).toEqual([head, head + 1]);
    expect((await back.nextOf('resume_failed')).reason).toBe('too_old');
    const snap = await back.waitFor((f) => f.event_type === 'market' && f.snapshot === true, 3);
    const price = (s: string) => snap.find((f) => f.market.symbol === s)?.market.price;
    expect([price('BTC-USD'), price('ETH-USD')]).toEqual([111, 222]);
  });

  test('a history replaces the resume ring: a resume from before it replays exactly its events', async () => {
    h = startHarness();
    publish(h.market('BTC-USD', 1), h.market('BTC-USD', 2));
    h.seq += 40;
    const first = h.seq + 1;
    const history = [h.market('SOL-USD', 41), h.market('ETH-USD', 42), h.agent('Momentum', 43)];
    h.hub.adopt({ epoch: 'test-epoch', head: first + 2, symbols: [], history });
    expect(h.hub.sequence).toBe(first + 2);
    const c = await TestClient.open(`${h.url}/?topics=market,agent&since=${first - 1}&epoch=test-epoch`, 'bun');
    clients.push(c);
    const welcome = await c.nextOf('welcome');
    expect(welcome.oldest_sequence).toBe(first);
    const resumed = await c.nextOf('resumed');
    expect(resumed.replayed).toBe(3);
    const replayed = c.frames.filter((f) => ['market', 'agent'].includes(f.event_type) && !f.snapshot);
    expect(replayed.map((f) => f.sequence)).toEqual([first, first + 1, first + 2]);
    const tooOld = await TestClient.open(`${h.url}/?topics=market&since=1&epoch=test-epoch`, 'bun');
    clients.push(tooOld);
    expect((await tooOld.nextOf('resume_failed')).reason).toBe('too_old');
  });

  test('latest state alone replaces the snapshot; with a history it is laid over what the history said', async () => {
    h = startHarness();
    const oldAgent = h.agent('Balanced', 1);
    publish(h.market('BTC-USD', 10), oldAgent);
    h.hub.adopt({ epoch: 'test-epoch', head: h.seq + 1, symbols: [], latest: [h.market('ETH-USD', 20)] });
    const c = await connect('?topics=market,agent');
    await c.nextOf('market');
    const snap = c.frames.filter((f) => f.snapshot === true);
    expect(snap.map((f) => f.event_type)).toEqual(['market']);
    expect(snap[0]?.market.symbol).toBe('ETH-USD');
    // With a history: the history's own latest state stays, and `latest` adds to it.
    h.seq += 100;
    const history = [h.market('SOL-USD', 30)];
    const momentum = h.agent('Momentum', 5);
    h.hub.adopt({ epoch: 'test-epoch', head: h.seq, symbols: [], history, latest: [momentum] });
    const d = await connect('?topics=market,agent');
    await d.waitFor((f) => f.snapshot === true, 2);
    const shown = d.frames.filter((f) => f.snapshot === true).map((f) => f.market?.symbol ?? f.agent?.agent_id);
    expect(shown.sort()).toEqual(['Momentum', 'SOL-USD']);
  });

  test('new symbols change what is on offer; an empty list keeps them', async () => {
    h = startHarness();
    h.hub.adopt({ epoch: 'test-epoch', head: 0, symbols: [] });
    expect((await connect()).frames[0]?.topics).toContain('market.SOL-USD');
    h.hub.adopt({ epoch: 'test-epoch', head: 0, symbols: ['DOGE-USD'] });
    const c = await connect('?topics=market.DOGE-USD,market.BTC-USD');
    expect(c.frames[0]?.topics).toContain('market.DOGE-USD');
    expect(c.frames[0]?.topics).not.toContain('market.BTC-USD');
    const err = await c.nextOf('error');
    expect([err.code, err.topic]).toEqual(['unknown_topic', 'market.BTC-USD']);
  });

  test('the families an upstream publishes change what is on offer; an origin that does not say keeps them', async () => {
    h = startHarness();
    expect((await connect()).frames[0]?.topics).toContain('trades.BTC-USD');
    h.hub.adopt({ epoch: 'test-epoch', head: 0, symbols: [], families: ['market', 'agent', 'arena'] });
    h.hub.adopt({ epoch: 'test-epoch', head: 0, symbols: [] });
    const c = await connect('?topics=market,trades');
    expect(c.frames[0]?.topics).toContain('market.BTC-USD');
    expect(c.frames[0]?.topics).not.toContain('trades.BTC-USD');
    expect(c.frames[0]?.topics).not.toContain('trades');
    const err = await c.nextOf('error');
    expect([err.code, err.topic]).toEqual(['unknown_topic', 'trades']);
  });

  test('deliveries are counted per subscriber, and fan-out to nobody counts none', async () => {
    const metrics = counterMetrics();
    h = startHarness({ metrics });
    publish(h.market());
    expect(metrics.counts.deliveries ?? 0).toBe(0);
    const a = await connect('?topics=market');
    const b = await connect('?topics=market.BTC-USD');
    await connect('?topics=agent');
    publish(h.market('BTC-USD'), h.market('ETH-USD'));
    await a.waitFor((f) => f.event_type === 'market' && !f.snapshot, 2);
    await b.waitFor((f) => f.event_type === 'market' && !f.snapshot, 1);
    expect(metrics.counts.deliveries).toBe(3);
  });
});
