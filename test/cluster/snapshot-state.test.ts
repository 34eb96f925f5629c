// Snapshots come from the latest state, not from the resume ring: the arena round with a tiny --history, the agents
// after a stream gap; and a gateway's rounds page reads only that page from Redis.
import { afterEach, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/clients.ts';
import { ALL, gateway, health, lastSeq, redisClient, sim, stopAll, until } from '../helpers/cluster.ts';
import { type RedisProcess, startRedis } from '../helpers/redis.ts';
import type { ServerProcess } from '../helpers/server-process.ts';

let redis: RedisProcess | null = null;
let nodes: ServerProcess[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await stopAll(nodes);
  nodes = [];
  await redis?.stop('SIGKILL');
  redis = null;
});

async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.open(url, 'ws');
  clients.push(c);
  return c;
}
const getJson = async (url: string) => (await (await fetch(url)).json()) as any;

/** The arena snapshot of a node, over REST and as the WebSocket's snapshot frame. */
async function arenaSnapshot(node: ServerProcess): Promise<{ rest: any; frame: any }> {
  const rest = (await getJson(`${node.http}/api/snapshot`)).arena;
  const c = await connect(`${node.url}?topics=arena`);
  await c.nextOf('welcome');
  const frame = await c
    .next((f) => f.event_type === 'arena' && f.snapshot === true, 1000, 'arena snapshot')
    .catch(() => null);
  c.close();
  return { rest, frame };
}

/** Raw MONITOR of a redis-server: every command it runs from now on, one line each. */
async function monitor(port: number): Promise<{ lines: () => string[]; stop: () => void }> {
  let text = '';
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: { data: (_s, d) => void (text += d.toString()) },
  });
  socket.write('MONITOR\r\n');
  await until(() => text.includes('+OK'), 5000, 'MONITOR');
  return { lines: () => text.split('\r\n'), stop: () => socket.end() };
}

describe('cluster: snapshots from the latest state', () => {
  test('--history 100: the arena snapshot stays on the sim node and on gateways long after the round left the ring', async () => {
    redis = await startRedis();
    const tiny = ['--history', '100'];
    const s = await sim(redis.url, ':memory:', ['--seed', '3', '--arena-round-ms', '3000', ...tiny]);
    nodes.push(s);
    const g = await gateway(redis.url, tiny);
    nodes.push(g);
    await until(
      async () => (await getJson(`${s.http}/api/arena/rounds?limit=1`)).rounds.length === 1,
      10_000,
      'a first round',
    );
    const round = (await getJson(`${s.http}/api/arena/rounds?limit=1`)).rounds[0];
    await until(
      async () => (await health(s)).body.sequence > round.sequence + 300,
      10_000,
      'the round to leave the ring',
    );
    const late = await gateway(redis.url, tiny); // loads after the round left the stream's window too
    nodes.push(late);
    for (const node of [s, g, late]) {
      expect((await health(node)).body.oldest_sequence).toBeGreaterThan(round.sequence);
      const { rest, frame } = await arenaSnapshot(node);
      expect(rest?.round).toBeGreaterThanOrEqual(round.round);
      expect(frame?.arena?.round).toBeGreaterThanOrEqual(round.round);
    }
  }, 60_000);

  test('a stream gap on a gateway keeps the agent snapshot; agent.<ID> subscriptions still work', async () => {
    redis = await startRedis();
    const tiny = ['--history', '100'];
    // Agents report once at start (an hour between reports): after the gap only the snapshot knows them.
    const s = await sim(redis.url, ':memory:', [
      '--seed',
      '3',
      '--agents',
      '5',
      '--agent-interval-ms',
      '3600000',
      '--market-interval-ms',
      '20',
      '--market-data',
      'off',
      '--arena-round-ms',
      '3600000',
      ...tiny,
    ]);
    nodes.push(s);
    const g = await gateway(redis.url, tiny);
    nodes.push(g);
    const c = await connect(`${g.url}${ALL}`);
    const epoch = (await c.nextOf('welcome')).epoch as string;
    const agents = await c.waitFor((f) => f.event_type === 'agent', 5, 10_000);
    const id = agents[0]?.agent.agent_id as string;
    expect((await getJson(`${g.http}/api/agents`)).agents).toHaveLength(5);

    // Redis loses everything for longer than the sim's 100-event history: the gateway meets a gap.
    await redis.stop('SIGKILL');
    await Bun.sleep(1500);
    await redis.start();
    const closed = await Promise.race([c.closed, Bun.sleep(20_000).then(() => null)]);
    expect(closed?.code).toBe(1013);
    expect(closed?.reason).toContain('gap');
    await until(async () => (await health(g)).code === 200, 10_000, 'the gateway healthy again');

    expect((await getJson(`${g.http}/api/snapshot`)).agents).toHaveLength(5);
    expect((await getJson(`${g.http}/api/agents`)).agents).toHaveLength(5);
    const again = await connect(`${g.url}${ALL}&since=${lastSeq(c)}&epoch=${epoch}`);
    expect((await again.nextOf('resume_failed', 10_000)).reason).toBe('too_old');
    expect(await again.waitFor((f) => f.event_type === 'agent' && f.snapshot === true, 5, 5000)).toHaveLength(5);
    const one = await connect(`${g.url}?topics=market`);
    await one.nextOf('welcome');
    one.send({ op: 'subscribe', topics: [`agent.${id}`] });
    const reply = await one.next(
      (f) => f.event_type === 'subscribed' || f.event_type === 'error',
      5000,
      'subscribe reply',
    );
    expect(reply).toMatchObject({ event_type: 'subscribed', topics: [`agent.${id}`] });
    expect((await one.next((f) => f.event_type === 'agent', 5000, 'agent snapshot')).agent.agent_id).toBe(id);
  }, 60_000);

  test('a gateway answers a rounds page with one bounded read of that page', async () => {
    redis = await startRedis();
    const s = await sim(redis.url, ':memory:', ['--seed', '3', '--agents', '30', '--arena-round-ms', '150']);
    nodes.push(s);
    const g = await gateway(redis.url);
    nodes.push(g);
    await until(
      async () => (await getJson(`${g.http}/api/arena/rounds?limit=20`)).rounds.length >= 12,
      20_000,
      '12 rounds on the gateway',
    );
    const r = await redisClient(redis.url);
    const mon = await monitor(redis.port);
    let page: any;
    try {
      expect(await r.send('TYPE', ['lineage:rounds'])).toBe('zset');
      page = await getJson(`${g.http}/api/arena/rounds?limit=8`);
      await Bun.sleep(200);
    } finally {
      mon.stop();
      r.close();
    }
    // Commands that name the rounds key, except the sim's appends (EVAL and the calls it makes) and our TYPE.
    const reads = mon.lines().filter((l) => l.includes('"lineage:rounds"') && !/\[\d+ lua\]|"EVAL"|"TYPE"/.test(l));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toContain('"ZREVRANGEBYSCORE" "lineage:rounds" "+inf" "-inf" "LIMIT" "0" "8"');

    expect(page.rounds).toHaveLength(8);
    const numbers = page.rounds.map((x: any) => x.round);
    expect(numbers).toEqual([...numbers].sort((a: number, b: number) => b - a));
    for (const round of page.rounds) {
      expect(Object.keys(round).sort()).toEqual(['ended_at', 'result', 'round', 'sequence', 'winner']);
      expect(round.result.ranking).toHaveLength(10);
      expect(round.result).toMatchObject({ ranking_size: 30, ranking_truncated: true });
      expect(round.result.ranking[0].agent_id).toBe(round.winner);
      expect(round.result.births.length).toBeLessThanOrEqual(50);
      expect(round.result.births_size).toBe(round.result.births.length);
      expect(round.result.deaths_size).toBe(round.result.deaths.length);
    }
    const older = await getJson(`${g.http}/api/arena/rounds?limit=3&before=${numbers[2]}`);
    expect(older.rounds.map((x: any) => x.round)).toEqual([numbers[2] - 1, numbers[2] - 2, numbers[2] - 3]);
  }, 60_000);
});
