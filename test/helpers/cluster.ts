// Shared pieces of the cluster tests: nodes as subprocesses against a real redis-server, stream checks, health polling.
import { afterAll, expect } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisClient } from 'bun';
import { describeError } from '../../src/lib/describe-error.ts';
import { type Frame, TestClient } from './clients.ts';
import { type RedisProcess, startRedis as startRedisProcess } from './redis.ts';
import { type ServerProcess, startServer } from './server-process.ts';

/**
 * A test file's cluster pieces, all ended after its last test: the nodes and clients it pushes, the Redis servers it
 * starts with `startRedis`, and a temporary directory for their databases.
 */
export function clusterFixture(prefix: string): {
  dir: string;
  nodes: ServerProcess[];
  clients: TestClient[];
  startRedis(): Promise<RedisProcess>;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const nodes: ServerProcess[] = [];
  const clients: TestClient[] = [];
  const redises: RedisProcess[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const n of nodes) await n.stop();
    for (const r of redises) await r.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const startRedis = async () => {
    const r = await startRedisProcess();
    redises.push(r);
    return r;
  };
  return { dir, nodes, clients, startRedis };
}

// Market data off: at a 50 ms simulated hour the books print ~20,000 trades a second; cluster-books.test.ts carries them.
export const FAST = [
  '--market-interval-ms',
  '50',
  '--agent-interval-ms',
  '100',
  '--arena-round-ms',
  '1000',
  '--market-data',
  'off',
];
export const ALL = '?topics=market,agent,arena';

/** Non-snapshot stream events a client received, in order. */
export const streamOf = (c: TestClient): Frame[] =>
  c.frames.filter((f) => ['market', 'agent', 'arena'].includes(f.event_type) && !f.snapshot);
export const sequences = (c: TestClient): number[] => streamOf(c).map((f) => f.sequence as number);
export const lastSeq = (c: TestClient): number => sequences(c).at(-1) ?? 0;

export function expectContiguous(seqs: number[], what: string): void {
  const problems: string[] = [];
  for (let i = 1; i < seqs.length; i++)
    if (seqs[i] !== (seqs[i - 1] as number) + 1) problems.push(`${seqs[i - 1]}→${seqs[i]}`);
  expect({ what, problems: problems.slice(0, 5) }).toEqual({ what, problems: [] });
}

export async function health(node: ServerProcess): Promise<{ code: number; body: any }> {
  const r = await fetch(`${node.http}/health`);
  return { code: r.status, body: await r.json() };
}

/** Poll until `cond` holds (bounded); returns how long it took. */
export async function until(
  cond: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  everyMs = 50,
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

/** A metric's value from a node's /metrics (first series of that name), NaN when absent. */
export async function metric(node: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${node.metrics}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

export async function sim(
  redisUrl: string,
  db: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  return startServer(['--role', 'sim', '--redis-url', redisUrl, '--db', db, ...FAST, ...extra], env);
}

/** A gateway, once its /health is 200. */
export async function gateway(redisUrl: string, extra: string[] = []): Promise<ServerProcess> {
  const g = await startServer(['--role', 'gateway', '--redis-url', redisUrl, ...extra]);
  try {
    await until(async () => (await fetch(`${g.http}/health`)).status === 200, 15_000, 'a healthy gateway');
  } catch (error) {
    await g.stop('SIGKILL');
    throw new Error(`${describeError(error)}: ${g.output()}`);
  }
  return g;
}

/** A direct Redis connection for the test's own checks. */
export async function redisClient(url: string): Promise<RedisClient> {
  const c = new RedisClient(url, { autoReconnect: false });
  await c.connect();
  return c;
}

/** Every event a node can replay after `since`, by sequence (a resume against it), to compare with what a client got. */
export async function replayFrom(node: ServerProcess, since: number): Promise<Map<number, string>> {
  const c = await TestClient.open(`${node.url}${ALL}&since=${since}`, 'ws');
  try {
    await c.nextOf('resumed', 10_000);
    return new Map(streamOf(c).map((f) => [f.sequence as number, JSON.stringify(f)]));
  } finally {
    c.close();
  }
}

/** Stop every node given, tolerating ones already stopped. */
export async function stopAll(nodes: (ServerProcess | null | undefined)[]): Promise<void> {
  for (const n of nodes) await n?.stop('SIGKILL').catch(() => undefined);
}
