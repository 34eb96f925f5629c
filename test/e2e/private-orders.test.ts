// Private agent channels over real sockets: `orders.<AGENT_ID>` delivers that agent's order lifecycle to a token whose
// claims name it (exactly, or by `orders.*`); `*` does not cover it; and its events never reach a public topic, a
// family, a snapshot of another topic or the REST API. Gateways enforce the same (same hub), checked through Redis.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { OrderEvent } from '../../src/protocol/server-messages.ts';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { clusterFixture, gateway } from '../helpers/cluster.ts';
import { hs256, SECRET } from '../helpers/jwt.ts';
import type { RedisProcess } from '../helpers/redis.ts';
import { startServer } from '../helpers/server-process.ts';

const FOUNDERS = ['Balanced', 'Momentum', 'Conservative', 'MeanReversion', 'Contrarian'];
const ARGS = [
  '--market-interval-ms',
  '500',
  '--agent-interval-ms',
  '1000',
  '--symbols',
  'BTC-USD,ETH-USD',
  '--seed',
  '3',
];
const { dir, nodes, clients, startRedis } = clusterFixture('lineage-orders-');
let redis: RedisProcess | null = null;

const open = async (url: string, token: string) => {
  const c = await TestClient.open(`${url}${url.includes('?') ? '&' : '?'}token=${token}`, 'ws');
  clients.push(c);
  await c.nextOf('welcome');
  return c;
};

describe('private order channels', () => {
  test('a token naming orders.* gets every founder’s orders; an exact claim only its agent; `*` none', async () => {
    redis = await startRedis();
    const sim = await startServer([
      ...ARGS,
      '--jwt-secret',
      SECRET,
      '--role',
      'sim',
      '--redis-url',
      redis.url,
      '--db',
      join(dir, 'sim.db'),
    ]);
    nodes.push(sim);
    const g = await gateway(redis.url, ['--jwt-secret', SECRET]);
    nodes.push(g);
    const all = await hs256({ topics: ['orders.*', 'market'] });
    const one = await hs256({ topics: ['orders.Momentum'] });
    const pub = await hs256({ topics: ['*'] });
    const topics = FOUNDERS.map((a) => `orders.${a}`).join(',');
    const owner = await open(`${sim.url}?topics=${topics}`, all);
    const viaGateway = await open(`${g.url}?topics=${topics}`, all);
    const narrow = await open(sim.url, one);
    narrow.send({ op: 'subscribe', topics: ['orders.Momentum', 'orders.Balanced'], id: 'n' });
    const refused = await narrow.next((f) => f.event_type === 'error' && f.id === 'n');
    expect(refused.code).toBe('forbidden_topic');
    expect(refused.topic).toBe('orders.Balanced');
    const everyone = await open(`${sim.url}?topics=market,agent,arena,trades,candles`, pub);
    everyone.send({ op: 'subscribe', topics: ['orders.Momentum'], id: 'p' });
    expect((await everyone.next((f) => f.event_type === 'error' && f.id === 'p')).code).toBe('forbidden_topic');

    const orders = await owner.waitFor((f) => f.event_type === 'order' && !f.snapshot, 12, 30_000);
    for (const o of orders) expect(OrderEvent.safeParse(o).success).toBe(true);
    expect(new Set(orders.map((o) => o.order.agent_id)).size).toBeGreaterThan(0);
    // The gateway delivers the same private events, with the same sequences.
    const seqs = orders.map((o) => o.sequence as number);
    await viaGateway.waitFor((f) => f.event_type === 'order' && f.sequence >= (seqs.at(-1) as number), 1, 15_000);
    const gwSeqs = new Set(viaGateway.frames.filter((f) => f.event_type === 'order').map((f) => f.sequence));
    for (const s of seqs.filter((s) => s > Math.min(...gwSeqs))) expect(gwSeqs.has(s)).toBe(true);
    // key_seq consecutive per agent.
    const byAgent = new Map<string, number[]>();
    for (const o of orders) byAgent.set(o.order.agent_id, [...(byAgent.get(o.order.agent_id) ?? []), o.key_seq]);
    for (const ks of byAgent.values()) expect(ks).toEqual(ks.map((_, i) => (ks[0] as number) + i));
    // A resume replays private events only to a token that names them, on the sim node and through the gateway.
    const since = Math.min(...seqs) - 1;
    const epoch = (owner.frames[0] as Frame).epoch;
    for (const node of [sim, g]) {
      const back = await open(
        `${node.url}?topics=market,agent,arena,trades,candles&since=${since}&epoch=${epoch}`,
        pub,
      );
      await back.nextOf('resumed', 10_000);
      expect(back.frames.some((f) => f.event_type === 'order')).toBe(false);
      const ownerBack = await open(`${node.url}?topics=${topics}&since=${since}&epoch=${epoch}`, all);
      await ownerBack.nextOf('resumed', 10_000);
      const replayed = ownerBack.frames.filter((f) => f.event_type === 'order' && !f.snapshot).map((f) => f.sequence);
      expect(replayed.slice(0, seqs.length)).toEqual(seqs);
    }
    // Nothing private reached the public subscriber, nor any REST answer, on either node.
    expect(everyone.frames.some((f: Frame) => f.event_type === 'order')).toBe(false);
    for (const node of [sim, g]) {
      for (const path of ['/api/snapshot', '/api/trades/BTC-USD?limit=1000', '/api/agents']) {
        const r = await fetch(`${node.http}${path}`, { headers: { authorization: `Bearer ${pub}` } });
        expect(r.status).toBe(200);
        expect(await r.text()).not.toContain('"order_id"');
      }
    }
    if (narrow.frames.some((f) => f.event_type === 'order'))
      expect(narrow.frames.filter((f) => f.event_type === 'order').every((f) => f.order.agent_id === 'Momentum')).toBe(
        true,
      );
  }, 90_000);
});
