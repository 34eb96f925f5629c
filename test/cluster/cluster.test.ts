// A sim node and gateways through a real Redis: identical streams, resume across nodes, Redis and sim restarts. Each
// test starts its own cluster (`await using`), so any one runs alone and in any order.
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { startPrometheus } from '../helpers/prometheus.ts';
import { type RedisProcess, startRedis } from '../helpers/redis.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const FAST = [
  '--market-interval-ms',
  '50',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '100',
  '--arena-round-ms',
  '1000',
  '--seed',
  '3',
];
const ALL = '?topics=market,agent,arena';

const stream = (c: TestClient) =>
  c.frames
    .filter((f) => ['market', 'agent', 'arena'].includes(f.event_type) && !f.snapshot)
    .map((f) => f.sequence as number);
const last = (c: TestClient) => stream(c).at(-1) as number;
function expectContiguous(seqs: number[], what: string) {
  const problems: string[] = [];
  for (let i = 1; i < seqs.length; i++)
    if (seqs[i] !== (seqs[i - 1] as number) + 1) problems.push(`${seqs[i - 1]}→${seqs[i]}`);
  expect({ what, problems: problems.slice(0, 5) }).toEqual({ what, problems: [] });
}

/** One test's own cluster: a real redis-server, a sim node on its own database, and `gateways` gateways. */
interface Cluster {
  redis: RedisProcess;
  dir: string;
  sim: ServerProcess;
  gateways: (ServerProcess | null)[];
  connect(url: string): Promise<TestClient>;
  gateway(): Promise<ServerProcess>;
  startSim(db?: string): Promise<ServerProcess>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function cluster(gateways: number): Promise<Cluster> {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'lineage-cluster-'));
  const clients: TestClient[] = [];
  const extra: ServerProcess[] = [];
  const c: Cluster = {
    redis,
    dir,
    sim: null as unknown as ServerProcess,
    gateways: [],
    async connect(url) {
      const client = await TestClient.open(url, 'ws');
      clients.push(client);
      return client;
    },
    async gateway() {
      const g = await startServer(['--role', 'gateway', '--redis-url', redis.url]);
      extra.push(g);
      const deadline = Date.now() + 15_000;
      while ((await fetch(`${g.http}/health`)).status !== 200) {
        if (Date.now() > deadline) throw new Error(`gateway never became healthy: ${g.output()}`);
        await Bun.sleep(50);
      }
      return g;
    },
    async startSim(db = 'sim.db') {
      const s = await startServer(['--role', 'sim', '--redis-url', redis.url, '--db', join(dir, db), ...FAST]);
      extra.push(s);
      return s;
    },
    async [Symbol.asyncDispose]() {
      for (const client of clients) client.close();
      for (const node of extra) await node.stop('SIGKILL').catch(() => undefined);
      await redis.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  c.sim = await c.startSim();
  for (let i = 0; i < gateways; i++) c.gateways.push(await c.gateway());
  return c;
}

describe('cluster: sim + 2 gateways + Redis', () => {
  test('clients on each gateway receive identical sequences with no gaps', async () => {
    await using k = await cluster(2);
    const [g1, g2] = k.gateways as [ServerProcess, ServerProcess];
    const sim = k.sim;
    const a = await k.connect(`${g1.url}${ALL}`);
    const b = await k.connect(`${g2.url}${ALL}`);
    const wa = await a.nextOf('welcome');
    const wb = await b.nextOf('welcome');
    expect(wa.epoch).toBe(wb.epoch);
    await a.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.event_type !== 'welcome', 150, 15_000);
    await b.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.event_type !== 'welcome', 150, 15_000);
    const sa = stream(a);
    const sb = stream(b);
    expectContiguous(sa, 'gateway 1');
    expectContiguous(sb, 'gateway 2');
    const from = Math.max(sa[0] as number, sb[0] as number);
    const to = Math.min(sa.at(-1) as number, sb.at(-1) as number);
    const json = (c: TestClient) =>
      c.frames
        .filter((f) => !f.snapshot && f.sequence >= from && f.sequence <= to && f.event_type !== 'welcome')
        .map((f) => JSON.stringify(f));
    expect(json(a)).toEqual(json(b));
    expect(to - from).toBeGreaterThan(50);
    const metrics = await (await fetch(`${g2.metrics}/metrics`)).text();
    expect(metrics).toMatch(/lineage_broker_events_read_total \d+/);
    expect(metrics).toContain('lineage_broker_connected 1');
    expect(metrics).toContain('lineage_broker_read_lag_seconds_bucket');
    // A gateway serves the population from the stream's snapshot; records stay with the sim node.
    // (Each agent appears with its first report: give a fresh cluster's population a moment to report once.)
    let agents: any = { agents: [] };
    for (
      const deadline = Date.now() + 10_000;
      agents.agents.length < 9 && Date.now() < deadline;
      await Bun.sleep(100)
    ) {
      agents = await (await fetch(`${g2.http}/api/agents`)).json();
    }
    // (A newborn appears with its first report, a moment after the round that retired its predecessor.)
    expect(agents.agents.length).toBeGreaterThanOrEqual(9);
    expect(agents.agents.length).toBeLessThanOrEqual(10);
    for (const a of agents.agents) expect(typeof a.agent_id).toBe('string');
    // Arena rounds come from Redis on a gateway, the same rounds as the sim node's records.
    await a.waitFor((f) => f.event_type === 'arena', 1, 10_000);
    const fromSim = ((await (await fetch(`${sim.http}/api/arena/rounds?limit=5`)).json()) as any).rounds as any[];
    const fromGateway = ((await (await fetch(`${g2.http}/api/arena/rounds?limit=5`)).json()) as any).rounds as any[];
    const brief = (r: any) => ({
      round: r.round,
      winner: r.winner,
      sequence: r.sequence,
      ended_at: r.ended_at,
      ranked: r.result.ranking.map((x: any) => x.agent_id),
    });
    // (A round may end between the two requests: compare the rounds both lists hold.)
    const common = fromGateway.filter((g) => fromSim.some((r) => r.round === g.round));
    expect(common.length).toBeGreaterThanOrEqual(1);
    for (const g of common) expect(brief(g)).toEqual(brief(fromSim.find((r) => r.round === g.round)));
    expect((await fetch(`${g2.http}/api/arena/rounds?limit=0`)).status).toBe(400);
    const record = await fetch(`${g2.http}/api/agents/Balanced`);
    expect(record.status).toBe(503);
    expect(((await record.json()) as any).error.code).toBe('not_on_gateway');
  }, 60_000);

  test('a gateway is killed; its client resumes on the other one with no gap and no duplicate', async () => {
    await using k = await cluster(2);
    const [g1, g2] = k.gateways as [ServerProcess, ServerProcess];
    const a = await k.connect(`${g1.url}${ALL}`);
    await a.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);
    await g1.stop('SIGKILL');
    await a.closed;
    const before = stream(a);
    const moved = await k.connect(`${g2.url}${ALL}&since=${before.at(-1)}`);
    const r = await moved.nextOf('resumed', 10_000);
    expect(r.since).toBe(before.at(-1));
    await moved.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);
    const all = [...before, ...stream(moved)];
    expectContiguous(all, 'across gateways');
  }, 60_000);

  test('Redis restarts mid-stream: gateways keep their sockets, report not ready, and every client still sees every event once', async () => {
    await using k = await cluster(1);
    const [g2] = k.gateways as [ServerProcess];
    const { redis, sim } = k;
    const c = await k.connect(`${g2.url}${ALL}`);
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 10, 10_000);
    await redis.stop('SIGKILL');
    const deadline = Date.now() + 10_000;
    let health = 200;
    while (Date.now() < deadline && health === 200) {
      health = (await fetch(`${g2.http}/health`)).status;
      await Bun.sleep(50);
    }
    expect(health).toBe(503);
    const down = (await (await fetch(`${g2.http}/health`)).json()) as any;
    expect(down.reason).toContain('redis');
    expect((await fetch(`${sim.http}/health`)).status).toBe(503);
    await Bun.sleep(1000);
    const atRestart = last(c);
    await redis.start();
    await c.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.sequence > atRestart + 100, 1, 20_000);
    expect(c.closeInfo).toBeNull();
    expectContiguous(stream(c), 'through the Redis restart');
    const deadline2 = Date.now() + 10_000;
    while ((await fetch(`${g2.http}/health`)).status !== 200 && Date.now() < deadline2) await Bun.sleep(50);
    expect((await fetch(`${g2.http}/health`)).status).toBe(200);
    // A gateway started after the restart serves the same stream.
    const g1 = await k.gateway();
    const late = await k.connect(`${g1.url}${ALL}&since=${atRestart}`);
    await late.nextOf('resumed', 10_000);
    expectContiguous(stream(late), 'late gateway after the restart');
  }, 90_000);

  test('a second sim node on the same prefix does not publish while the first holds the writer lease', async () => {
    await using k = await cluster(1);
    const [g2] = k.gateways as [ServerProcess];
    const sim = k.sim;
    const c = await k.connect(`${g2.url}${ALL}`);
    const w = await c.nextOf('welcome');
    const other = await k.startSim('other.db');
    try {
      const deadline = Date.now() + 10_000;
      let health: any = {};
      while (Date.now() < deadline) {
        health = await (await fetch(`${other.http}/health`)).json();
        if (String(health.reason ?? '').includes('another sim node')) break;
        await Bun.sleep(100);
      }
      expect(health.status).toBe('degraded');
      expect(health.reason).toContain('another sim node');
      expect((await fetch(`${sim.http}/health`)).status).toBe(200);
      const at = last(c) ?? 0;
      await c.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.sequence > at + 30, 1, 10_000);
      expect(c.closeInfo).toBeNull();
      expect(((await (await fetch(`${g2.http}/health`)).json()) as any).epoch).toBe(w.epoch);
      expectContiguous(stream(c), 'with a second sim node present');
    } finally {
      await other.stop('SIGKILL');
    }
  }, 60_000);

  test('the sim node restarts: the sequence continues from its database, clients see no gap', async () => {
    await using k = await cluster(1);
    const [g2] = k.gateways as [ServerProcess];
    const c = await k.connect(`${g2.url}${ALL}`);
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 10, 10_000);
    const { code } = await k.sim.stop('SIGTERM');
    expect(code).toBe(0);
    const stoppedAt = last(c);
    const sim = await k.startSim();
    expect(sim.output()).toContain('restored');
    await c.waitFor(
      (f: Frame) => !f.snapshot && typeof f.sequence === 'number' && f.sequence > stoppedAt + 50,
      1,
      20_000,
    );
    expect(c.closeInfo).toBeNull();
    expectContiguous(stream(c), 'through the sim restart');
  }, 60_000);

  test('one Prometheus scrapes every node; the dashboard aggregates across instances', async () => {
    await using k = await cluster(2);
    const nodes = [k.sim, ...(k.gateways as ServerProcess[])];
    const prom = await startPrometheus(nodes.map((n) => n.metrics.replace('http://', '')));
    try {
      const deadline = Date.now() + 20_000;
      let instances = 0;
      while (Date.now() < deadline && instances < 3) {
        const r = await prom.query('count(count by (instance) (lineage_uptime_seconds))');
        instances = Number(r.data?.result[0]?.value[1] ?? 0);
        await Bun.sleep(200);
      }
      expect(instances).toBe(3);
      const connections = await prom.query('sum by (instance) (lineage_active_connections{instance=~".*"})');
      expect(connections.data?.result.length).toBe(3);
      const read = await prom.query('sum(lineage_broker_events_read_total)');
      expect(Number(read.data?.result[0]?.value[1])).toBeGreaterThan(0);
      const appended = await prom.query('lineage_broker_events_appended_total');
      expect(appended.data?.result.length).toBe(1);
    } finally {
      await prom.stop();
    }
  }, 60_000);
});
