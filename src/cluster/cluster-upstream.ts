// Cluster wiring: the sim node's Redis publisher, and the gateway's Redis-fed upstream.
import type { Config } from '../config.ts';
import type { BatchSink } from '../engine/local-upstream.ts';
import type { Downstream, RecentEvents, Upstream } from '../engine/upstream.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { MAX_ROUNDS_PAGE } from '../protocol/round-summary.ts';
import { ClusterMetrics } from './cluster-metrics.ts';
import { redactUrl } from './redact-url.ts';
import { RedisFeed } from './redis-feed.ts';
import { RedisLink } from './redis-link.ts';
import { type PublisherMeta, RedisPublisher } from './redis-publisher.ts';
import { clusterKeys } from './stream-codec.ts';

/** For `--role sim`: after each batch, append to the stream. */
export function redisSink(
  config: Config,
  history: RecentEvents,
  registry: MetricsRegistry,
  log: (line: string) => void,
) {
  return (meta: PublisherMeta): BatchSink => {
    let publisher: RedisPublisher | null = null;
    const link = new RedisLink(config.redisUrl as string, {
      up: () => publisher?.kick(),
      down: (reason) => {
        publisher?.linkDown();
        log(`lineage: redis connection lost (${reason}); events are kept and appended on reconnect`);
      },
    });
    const metrics = new ClusterMetrics(registry, 'sim', {
      connected: () => link.state === 'up',
      reconnects: () => link.reconnects,
      pending: () => publisher?.pending ?? 0,
      lagSeconds: () => null,
    });
    publisher = new RedisPublisher(link, clusterKeys(config.redisPrefix), history, meta, metrics, log);
    return {
      describe: `publishing to ${redactUrl(config.redisUrl as string)} (${config.redisPrefix})`,
      published: () => publisher?.kick(),
      health: () =>
        publisher?.healthy
          ? { ok: true }
          : {
              ok: false,
              reason: `redis: ${publisher?.blocked ?? (link.lastError || (link.state === 'up' ? 'taking the stream over' : link.state))}`,
            },
      async stop() {
        const deadline = Date.now() + 1000;
        while (publisher && publisher.pending > 0 && publisher.healthy && Date.now() < deadline) {
          publisher.kick();
          await Bun.sleep(10);
        }
        await publisher?.close();
        link.close();
      },
    };
  };
}

/** For `--role gateway`: events come from the stream; the node serves as soon as its listeners are up (503 until synced). */
export function startGatewayUpstream(
  config: Config,
  hub: Downstream,
  registry: MetricsRegistry,
  log: (line: string) => void,
): Upstream {
  let feed: RedisFeed | null = null;
  const commands = new RedisLink(config.redisUrl as string, {
    down: (reason) =>
      log(`lineage: redis connection lost (${reason}); clients stay connected, reading resumes on reconnect`),
  });
  const reader = new RedisLink(config.redisUrl as string);
  const metrics = new ClusterMetrics(registry, 'gateway', {
    connected: () => commands.state === 'up' && reader.state === 'up',
    reconnects: () => commands.reconnects + reader.reconnects,
    pending: () => 0,
    lagSeconds: () => feed?.lastLagSeconds ?? null,
  });
  const keys = clusterKeys(config.redisPrefix);
  feed = new RedisFeed(commands, reader, keys, hub, metrics, log);
  const f = feed;
  void f
    .start()
    .then(() =>
      log(`🔗 gateway synced with ${redactUrl(config.redisUrl as string)} · epoch ${f.epoch} · sequence ${f.lastSeq}`),
    );
  return {
    get epoch() {
      return f.epoch;
    },
    describe: `🔗 gateway reading ${redactUrl(config.redisUrl as string)} (${config.redisPrefix})`,
    // One page straight from the sorted set (summarised rounds, scored by round number): only what is answered is read.
    rounds: async (limit, before) => {
      const max = before === undefined ? '+inf' : `(${before}`;
      const raw = await commands.send('ZREVRANGEBYSCORE', [
        keys.rounds,
        max,
        '-inf',
        'LIMIT',
        '0',
        String(Math.min(limit, MAX_ROUNDS_PAGE)),
      ]);
      return (Array.isArray(raw) ? raw : []).flatMap((r) => {
        try {
          return [JSON.parse(String(r)) as unknown];
        } catch {
          return [];
        }
      });
    },
    health: () => {
      if (f.healthy) return { ok: true };
      if (f.held !== null) return { ok: false, reason: `redis: ${f.held}` };
      const down = reader.lastError || commands.lastError;
      return {
        ok: false,
        reason: f.synced || down ? `redis: ${down || 'reconnecting'}` : 'redis: waiting for the stream',
      };
    },
    failed: new Promise<string>(() => {}),
    stop: () => f.stop(),
  };
}
