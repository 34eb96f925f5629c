// A Redis that hangs (SIGSTOP) is a Redis that is down: /health 503 and lineage_broker_connected 0 within seconds, no loss
// after SIGCONT; and when the hang outlasts the writer lease, a standby takes over with its own epoch and the first
// sim never appends again.
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEntries } from '../../src/cluster/stream-codec.ts';
import { TestClient } from '../helpers/clients.ts';
import {
  ALL,
  expectContiguous,
  gateway,
  health,
  lastSeq,
  metric,
  redisClient,
  replayFrom,
  sequences,
  sim,
  stopAll,
  streamOf,
  until,
} from '../helpers/cluster.ts';
import { type RedisProcess, startRedis } from '../helpers/redis.ts';
import type { ServerProcess } from '../helpers/server-process.ts';

let redis: RedisProcess | null = null;
let nodes: ServerProcess[] = [];
const clients: TestClient[] = [];
let dir = '';

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  redis?.signal('SIGCONT');
  await stopAll(nodes);
  nodes = [];
  await redis?.stop('SIGKILL');
  redis = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.open(url, 'ws');
  clients.push(c);
  return c;
}

describe('cluster: a hung Redis', () => {
  test('SIGSTOP: sim and gateway report it within seconds; after SIGCONT a tracking client sees every event once', async () => {
    redis = await startRedis();
    const s = await sim(redis.url, ':memory:', ['--seed', '3']);
    nodes.push(s);
    const g = await gateway(redis.url);
    nodes.push(g);
    const c = await connect(`${g.url}${ALL}`);
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);
    expect(await metric(g, 'lineage_broker_connected')).toBe(1);

    redis.signal('SIGSTOP');
    const frozenAt = Date.now();
    const noticed = { sim: NaN, gateway: NaN };
    await until(
      async () => {
        for (const [name, node] of [
          ['sim', s],
          ['gateway', g],
        ] as const) {
          if (!Number.isNaN(noticed[name])) continue;
          const h = await health(node);
          if (h.code === 503 && (await metric(node, 'lineage_broker_connected')) === 0) {
            expect(h.body.reason).toContain('redis');
            noticed[name] = Date.now() - frozenAt;
          }
        }
        return !Number.isNaN(noticed.sim) && !Number.isNaN(noticed.gateway);
      },
      5000,
      '503 and lineage_broker_connected 0 on both nodes',
      100,
    );
    console.log(`redis SIGSTOP noticed after: sim ${noticed.sim} ms, gateway ${noticed.gateway} ms`);
    await Bun.sleep(Math.max(0, 6000 - (Date.now() - frozenAt)));
    const atResume = lastSeq(c);
    redis.signal('SIGCONT');
    const resumedAt = Date.now();

    await c.waitFor((f) => !f.snapshot && typeof f.sequence === 'number' && f.sequence > atResume + 300, 1, 20_000);
    await until(
      async () => (await health(g)).code === 200 && (await health(s)).code === 200,
      10_000,
      'both nodes healthy again',
    );
    console.log(`healthy again ${Date.now() - resumedAt} ms after SIGCONT`);
    expect(c.closeInfo).toBeNull();
    const seen = sequences(c);
    expectContiguous(seen, 'through the hang');
    expect(new Set(seen).size).toBe(seen.length);
    expect(await metric(g, 'lineage_broker_connected')).toBe(1);
  }, 60_000);

  test('SIGSTOP longer than the writer lease: the standby takes over with its own epoch, clients resync, the first sim never appends again', async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'lineage-hang-'));
    // A 6 s lease (test-only override) keeps this bounded; the freeze lasts 8 s. The first sim stands back 6 s after
    // Redis answers again, the standby reconnects within ~4 s (backoff) and takes the stream.
    const env = { LINEAGE_TEST_LEASE_MS: '6000' };
    const first = await sim(redis.url, join(dir, 'first.db'), ['--seed', '3'], env);
    nodes.push(first);
    await until(async () => (await health(first)).code === 200, 10_000, 'the first sim publishing');
    const standby = await sim(redis.url, join(dir, 'standby.db'), ['--seed', '11'], env);
    nodes.push(standby);
    await until(
      async () => String((await health(standby)).body.reason).includes('another sim node'),
      10_000,
      'the standby to wait',
    );
    const g = await gateway(redis.url);
    nodes.push(g);
    const c = await connect(`${g.url}${ALL}`);
    const epoch1 = (await c.nextOf('welcome')).epoch as string;
    await c.waitFor((f) => !f.snapshot && f.event_type === 'market', 20, 10_000);

    redis.signal('SIGSTOP');
    await Bun.sleep(8000);
    const appendedByFirst = await metric(first, 'lineage_broker_events_appended_total');
    redis.signal('SIGCONT');
    const resumedAt = Date.now();

    const closed = await Promise.race([c.closed, Bun.sleep(20_000).then(() => null)]);
    expect(closed?.code).toBe(1013);
    console.log(`standby took over; gateway clients closed 1013 ${Date.now() - resumedAt} ms after SIGCONT`);
    const epoch2 = (await health(standby)).body.epoch as string;
    expect(epoch2).not.toBe(epoch1);
    await until(
      async () => (await health(g)).body.epoch === epoch2 && (await health(g)).code === 200,
      10_000,
      'the gateway on the standby epoch',
    );
    const again = await connect(`${g.url}${ALL}&since=${lastSeq(c)}&epoch=${epoch1}`);
    expect((await again.nextOf('welcome')).epoch).toBe(epoch2);
    expect((await again.nextOf('resume_failed', 10_000)).reason).toBe('epoch_mismatch');

    // The first sim stands back, then finds the standby holding the lease; it appends nothing after SIGCONT.
    await until(
      async () => String((await health(first)).body.reason).includes('another sim node'),
      15_000,
      'the first sim to yield',
    );
    await Bun.sleep(1000);
    expect(await metric(first, 'lineage_broker_events_appended_total')).toBe(appendedByFirst);
    const r = await redisClient(redis.url);
    try {
      expect(await r.send('HGET', ['lineage:meta', 'epoch'])).toBe(epoch2);
      const entries = decodeEntries(await r.send('XRANGE', ['lineage:events', '-', '+'])).entries;
      expect(entries.length).toBeGreaterThan(0);
      expect([...new Set(entries.map((e) => e.epoch))]).toEqual([epoch2]);
    } finally {
      r.close();
    }
    // Never spliced: under epoch 1 the client saw exactly the first sim's events, in order.
    const seen = sequences(c);
    expectContiguous(seen, 'under epoch 1');
    const truth = await replayFrom(first, (seen[0] as number) - 1);
    for (const f of streamOf(c)) expect(JSON.stringify(f)).toBe(truth.get(f.sequence as number) as string);
  }, 60_000);
});
