// The sim node's fenced Redis scripts against a real redis-server: claim, append, fork, lease and epoch fences.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { RedisClient } from 'bun';
import { appendArgs, claimArgs, Fence, fenceReply, SEEN_SCRIPT } from '../../src/cluster/fenced-scripts.ts';
import { roundMember } from '../../src/cluster/redis-publisher.ts';
import { clusterKeys, decodeEntries } from '../../src/cluster/stream-codec.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';
import { redisClient } from '../helpers/cluster.ts';
import { type RedisProcess, startRedis } from '../helpers/redis.ts';

let redis: RedisProcess;
let r: RedisClient;
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
  r = await redisClient(redis.url);
});
afterAll(async () => {
  r?.close();
  await redis?.stop('SIGKILL');
});

const OFFER = { symbols: ['BTC-USD'], families: ['market', 'agent', 'arena', 'trades'] };
const market = (sequence: number): PublishedEvent => ({
  sequence,
  family: 'market',
  key: 'BTC-USD',
  json: `{"event_type":"market","market":{"symbol":"BTC-USD"},"sequence":${sequence}}`,
  created_at: 1,
});
const arena = (sequence: number, round: number, agents: number): PublishedEvent => {
  const ranking = Array.from({ length: agents }, (_, i) => ({
    rank: i + 1,
    agent_id: `A${i}`,
    capital: 1000 - i,
    strategy: 'S',
    generation: 0,
  }));
  const data = {
    round,
    winner: 'A0',
    timestamp: '2026-01-01T00:00:00.000Z',
    ranking,
    births: [],
    deaths: [{ agent_id: 'A9', reason: 'eliminated', capital: 1 }],
  };
  return {
    sequence,
    family: 'arena',
    key: null,
    json: JSON.stringify({ event_type: 'arena', arena: data, sequence }),
    created_at: 1,
    retired: ['A9'],
  };
};

/** A fresh prefix with `node` holding the lease. */
async function fresh(node = 'node1') {
  const keys = clusterKeys(`t${++n}`);
  await r.send('SET', [keys.writer, node, 'PX', '60000']);
  return keys;
}
const claim = async (
  keys: ReturnType<typeof clusterKeys>,
  epoch: string,
  head: number,
  node = 'node1',
  latest: PublishedEvent[] = [],
) => fenceReply(await r.send('EVAL', claimArgs(keys, { epoch, writer: node, head }, OFFER, latest, new Date())));
const append = async (
  keys: ReturnType<typeof clusterKeys>,
  epoch: string,
  head: number,
  batch: PublishedEvent[],
  node = 'node1',
) => fenceReply(await r.send('EVAL', appendArgs(keys, { epoch, writer: node, head }, 1000, 3, batch, roundMember)));

describe('fenced scripts', () => {
  test('claim writes meta and the snapshot; append adds entries above the top only, carrying their origin', async () => {
    const keys = await fresh();
    expect(await claim(keys, 'E1', 2, 'node1', [market(2)])).toEqual([Fence.ok, 0, 0]);
    expect(await r.send('HGETALL', [keys.meta])).toMatchObject({
      epoch: 'E1',
      writer: 'node1',
      head: '2',
      symbols: '["BTC-USD"]',
      families: '["market","agent","arena","trades"]',
    });
    expect(await append(keys, 'E1', 2, [market(1), market(2), market(3)])).toEqual([Fence.ok, 3, 3]);
    expect(await append(keys, 'E1', 2, [market(2), market(3), market(4)])).toEqual([Fence.ok, 4, 1]);
    const batch = decodeEntries(await r.send('XRANGE', [keys.events, '-', '+']));
    expect(batch.entries.map((e) => [e.event.sequence, e.epoch, e.writer, e.head])).toEqual([
      [1, 'E1', 'node1', 2],
      [2, 'E1', 'node1', 2],
      [3, 'E1', 'node1', 2],
      [4, 'E1', 'node1', 2],
    ]);
    expect(await r.send('HGET', [keys.latest, 'market.BTC-USD'])).toBe(market(4).json);
  });

  test('a node without the lease, or under another epoch, appends nothing', async () => {
    const keys = await fresh();
    await claim(keys, 'E1', 0);
    expect((await append(keys, 'E1', 0, [market(1)], 'node2'))[0]).toBe(Fence.notHolder);
    expect((await append(keys, 'E0', 0, [market(1)]))[0]).toBe(Fence.otherEpoch);
    await r.send('DEL', [keys.writer]);
    expect((await append(keys, 'E1', 0, [market(1)]))[0]).toBe(Fence.notHolder);
    expect(await r.send('XLEN', [keys.events])).toBe(0);
  });

  test('another epoch is replaced; a stream of our epoch ahead of our head asks for a fork', async () => {
    const keys = await fresh();
    await claim(keys, 'E1', 0);
    await append(keys, 'E1', 0, [market(1), market(2), market(3)]);
    expect(await claim(keys, 'E1', 1)).toEqual([Fence.fork, 3, 0]);
    expect(await r.send('XLEN', [keys.events])).toBe(3);
    expect(await claim(keys, 'E2', 1)).toEqual([Fence.ok, 0, 1]);
    expect(await r.send('XLEN', [keys.events])).toBe(0);
    expect(await r.send('HGET', [keys.meta, 'epoch'])).toBe('E2');
  });

  test('a gateway that delivered beyond the writer head makes the next append ask for a fork', async () => {
    const keys = await fresh();
    await claim(keys, 'E1', 5);
    expect(await r.send('EVAL', [SEEN_SCRIPT, '1', keys.meta, 'E0', '9'])).toBe(0);
    expect(await r.send('EVAL', [SEEN_SCRIPT, '1', keys.meta, 'E1', '4'])).toBe(1);
    expect((await append(keys, 'E1', 5, [market(6)]))[0]).toBe(Fence.ok);
    await r.send('EVAL', [SEEN_SCRIPT, '1', keys.meta, 'E1', '9']);
    expect((await append(keys, 'E1', 5, [market(7)]))[0]).toBe(Fence.fork);
    expect((await claim(keys, 'E1', 8))[0]).toBe(Fence.fork);
    expect((await claim(keys, 'E1', 9))[0]).toBe(Fence.ok);
  });

  test('rounds go to a sorted set of summaries (newest kept), the latest round to the snapshot hash', async () => {
    const keys = await fresh();
    await claim(keys, 'E1', 0);
    await r.send('HSET', [keys.latest, 'agent.A9', '{"sequence":1}']);
    const batch = [1, 2, 3, 4, 5].map((round) => arena(round, round, 30));
    expect(await append(keys, 'E1', 0, batch)).toEqual([Fence.ok, 5, 5]);
    const members = (await r.send('ZREVRANGEBYSCORE', [keys.rounds, '+inf', '-inf'])) as string[];
    expect(members.map((m) => JSON.parse(m).round)).toEqual([5, 4, 3]);
    const newest = JSON.parse(members[0] as string);
    expect(newest).toMatchObject({
      round: 5,
      winner: 'A0',
      sequence: 5,
      ended_at: Date.parse('2026-01-01T00:00:00.000Z'),
    });
    expect(newest.result).toMatchObject({ ranking_size: 30, ranking_truncated: true, deaths_size: 1, births_size: 0 });
    expect(newest.result.ranking).toHaveLength(10);
    expect(await r.send('HGET', [keys.latest, 'arena'])).toBe(batch[4]?.json);
    expect(await r.send('HEXISTS', [keys.latest, 'agent.A9'])).toBe(0);
  });

  test('the snapshot of a large population is written in one claim', async () => {
    const keys = await fresh();
    const agents = Array.from(
      { length: 6000 },
      (_, i): PublishedEvent => ({
        sequence: i + 1,
        family: 'agent',
        key: `A${i}`,
        json: `{"sequence":${i + 1}}`,
        created_at: 0,
      }),
    );
    expect((await claim(keys, 'E1', 6000, 'node1', agents))[0]).toBe(Fence.ok);
    expect(await r.send('HLEN', [keys.latest])).toBe(6000);
  });
});
