// One contract, run against both upstreams (a node that runs its own simulation, and a gateway fed through Redis), the
// way Hono runs one router suite against every router: what a client sees must not depend on where events come from.
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerMessage, StreamEvent } from '../../src/protocol/index.ts';
import { offeredTopics } from '../../src/protocol/topics.ts';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { startRedis } from '../helpers/redis.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD'];
const ARGS = [
  '--market-interval-ms',
  '40',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '80',
  '--arena-round-ms',
  '600',
  '--seed',
  '11',
  '--symbols',
  SYMBOLS.join(','),
  '--agents',
  '6',
];
const ALL = '?topics=market,agent,arena';

/** What a client connects to, however its events get there. */
interface Node {
  node: ServerProcess;
  role: string;
  [Symbol.asyncDispose](): Promise<void>;
}

async function healthy(node: ServerProcess): Promise<void> {
  for (const deadline = Date.now() + 15_000; (await fetch(`${node.http}/health`)).status !== 200; await Bun.sleep(50)) {
    if (Date.now() > deadline) throw new Error(`node never became healthy: ${node.output()}`);
  }
}

const UPSTREAMS: Record<string, () => Promise<Node>> = {
  async local() {
    const dir = mkdtempSync(join(tmpdir(), 'lineage-contract-'));
    const node = await startServer([...ARGS, '--db', join(dir, 'local.db')]);
    await healthy(node);
    return {
      node,
      role: 'all',
      async [Symbol.asyncDispose]() {
        await node.stop('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  async gateway() {
    const dir = mkdtempSync(join(tmpdir(), 'lineage-contract-'));
    const redis = await startRedis();
    const sim = await startServer([...ARGS, '--role', 'sim', '--redis-url', redis.url, '--db', join(dir, 'sim.db')]);
    const node = await startServer(['--role', 'gateway', '--redis-url', redis.url]);
    await healthy(node);
    return {
      node,
      role: 'gateway',
      async [Symbol.asyncDispose]() {
        await node.stop('SIGKILL');
        await sim.stop('SIGKILL');
        await redis.stop('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const isStream = (f: Frame) => ['market', 'agent', 'arena'].includes(f.event_type) && !f.snapshot;

for (const [name, start] of Object.entries(UPSTREAMS)) {
  describe(`upstream contract: ${name}`, () => {
    test('welcome, health and REST agree on the epoch, the symbols and the position', async () => {
      await using n = await start();
      const c = await TestClient.open(`${n.node.url}${ALL}`, 'ws');
      const welcome = await c.nextOf('welcome');
      const health = (await (await fetch(`${n.node.http}/health`)).json()) as Frame;
      expect(health).toMatchObject({ status: 'ok', role: n.role, epoch: welcome.epoch });
      // `--market-data off`: the books' families are not on offer, on the sim's node or on a gateway fed by it.
      expect(welcome.topics).toEqual(offeredTopics(SYMBOLS, ['market', 'agent', 'arena']));
      expect(welcome.topics).toEqual(['market', 'agent', 'arena', ...SYMBOLS.map((s) => `market.${s}`)]);
      const snapshot = (await (await fetch(`${n.node.http}/api/snapshot`)).json()) as Frame;
      expect(snapshot.epoch).toBe(welcome.epoch);
      expect(snapshot.market.map((m: Frame) => m.symbol).sort()).toEqual([...SYMBOLS].sort());
      // The population says which stream position it is as of: no older than what was out before it was asked, no
      // newer than what is out once it has been answered.
      const before = ((await (await fetch(`${n.node.http}/health`)).json()) as Frame).sequence as number;
      const agents = (await (await fetch(`${n.node.http}/api/agents`)).json()) as Frame;
      const after = ((await (await fetch(`${n.node.http}/health`)).json()) as Frame).sequence as number;
      expect(agents.total).toBeGreaterThan(0);
      expect(Number.isSafeInteger(agents.sequence)).toBe(true);
      expect(agents.sequence).toBeGreaterThanOrEqual(before);
      expect(agents.sequence).toBeLessThanOrEqual(after);
      c.close();
    }, 60_000);

    test('a family whose stream is off is refused with unknown_topic, naming why; the rest of the request holds', async () => {
      await using n = await start();
      const c = await TestClient.open(`${n.node.url}?topics=arena`, 'ws');
      await c.nextOf('welcome');
      c.send({ op: 'subscribe', topics: [`trades.${SYMBOLS[0]}`, 'candles', `market.${SYMBOLS[1]}`] });
      const error = await c.nextOf('error');
      expect(error).toMatchObject({ code: 'unknown_topic', topics: [`trades.${SYMBOLS[0]}`, 'candles'] });
      expect(error.message).toContain('does not publish trades');
      const ack = await c.nextOf('subscribed');
      expect(ack.topics).toEqual([`market.${SYMBOLS[1]}`]);
      c.close();
    }, 60_000);

    test('a client on every topic gets consecutive sequences, every frame valid', async () => {
      await using n = await start();
      const c = await TestClient.open(`${n.node.url}${ALL}`, 'ws');
      await c.nextOf('welcome');
      const events = await c.waitFor(isStream, 120, 20_000);
      for (let i = 1; i < events.length; i++) expect(events[i]?.sequence).toBe((events[i - 1]?.sequence as number) + 1);
      for (const f of c.frames) expect(ServerMessage.safeParse(f).success).toBe(true);
      for (const e of events) expect(StreamEvent.safeParse(e).success).toBe(true);
      c.close();
    }, 60_000);

    test('the snapshot on connect: the latest tick of every symbol, every agent, the latest round', async () => {
      await using n = await start();
      const watcher = await TestClient.open(`${n.node.url}?topics=arena`, 'ws');
      await watcher.waitFor((f) => f.event_type === 'arena' && !f.snapshot, 1, 20_000);
      const c = await TestClient.open(`${n.node.url}${ALL}`, 'ws');
      await c.nextOf('welcome');
      // Everything sent before the pong is the connect's snapshot (and live events).
      c.send({ op: 'ping', id: 'barrier' });
      await c.next((f) => f.event_type === 'pong');
      const snaps = c.frames.filter((f) => f.snapshot === true);
      expect(new Set(snaps.filter((f) => f.event_type === 'market').map((f) => f.market.symbol))).toEqual(
        new Set(SYMBOLS),
      );
      expect(snaps.filter((f) => f.event_type === 'agent').length).toBeGreaterThanOrEqual(5);
      expect(snaps.filter((f) => f.event_type === 'arena')).toHaveLength(1);
      watcher.close();
      c.close();
    }, 60_000);

    test('resume with since replays exactly what a continuous client saw; another epoch gets resume_failed', async () => {
      await using n = await start();
      const witness = await TestClient.open(`${n.node.url}${ALL}`, 'ws');
      const welcome = await witness.nextOf('welcome');
      const seen = await witness.waitFor(isStream, 40, 20_000);
      const since = seen[9]?.sequence as number;
      const resumed = await TestClient.open(`${n.node.url}${ALL}&since=${since}&epoch=${welcome.epoch}`, 'ws');
      const done = await resumed.nextOf('resumed', 10_000);
      const replayed = resumed.frames.filter(isStream).filter((f) => f.sequence <= done.sequence);
      await witness.waitFor((f) => isStream(f) && f.sequence >= done.sequence, 1, 10_000);
      const expected = witness.frames.filter(isStream).filter((f) => f.sequence > since && f.sequence <= done.sequence);
      expect(expected.length).toBeGreaterThan(0);
      expect(replayed.map((f) => JSON.stringify(f))).toEqual(expected.map((f) => JSON.stringify(f)));
      const stranger = await TestClient.open(`${n.node.url}${ALL}&since=${since}&epoch=not-this-one`, 'ws');
      expect(await stranger.nextOf('resume_failed', 10_000)).toMatchObject({ reason: 'epoch_mismatch' });
      for (const c of [witness, resumed, stranger]) c.close();
    }, 60_000);
  });
}
