// A node that runs the simulation worker itself (roles `all` and `sim`); with `sim` it also publishes to Redis.
import type { Config } from '../config.ts';
import type { Hub } from '../hub/hub.ts';
import type { SimMetrics } from '../metrics/sim-metrics.ts';
import { CloseReason } from '../protocol/codes.ts';
import { SimulationHost } from './host.ts';
import type { Upstream } from './upstream.ts';

export interface BatchSink {
  /** Called after each batch reached the hub (and the journal). */
  published(): void;
  health(): { ok: boolean; reason?: string };
  stop(): Promise<void>;
  describe: string;
}

/** What a sink learns about the node: its epoch and symbols, and how to start a new epoch. */
export interface SinkMeta {
  epoch: string;
  symbols: string[];
  /**
   * Start a new epoch (the published history turned out to be ahead of this node's database: an older copy): the
   * database gets a fresh epoch, local clients are closed with 1013 to resync. Resolves with the new epoch.
   */
  fork(): Promise<string>;
}

export async function startLocalUpstream(
  config: Config,
  seed: number,
  hub: Hub,
  simMetrics: SimMetrics,
  sink?: (meta: SinkMeta) => BatchSink,
): Promise<Upstream> {
  let resolveFailed: (message: string) => void = () => {};
  const failed = new Promise<string>((r) => (resolveFailed = r));
  let out: BatchSink | null = null;
  const host = new SimulationHost();
  const ready = await host.start(
    {
      seed,
      symbols: [...config.symbols],
      marketIntervalMs: config.marketIntervalMs,
      agentIntervalMs: config.agentIntervalMs,
      arenaRoundMs: config.arenaRoundMs,
      agents: config.agents,
      feedErrorRate: config.feedErrorRate,
      feedLatencyMs: config.feedLatencyMs,
      replayCsv: config.replay ?? null,
      db: config.db,
      history: config.history,
      checkpointMs: config.checkpointMs,
    },
    {
      events: (batch) => {
        for (const event of batch) hub.publish(event);
        out?.published();
      },
      history: (batch) => hub.preload(batch),
      stats: (stats) => simMetrics.update(stats),
      fatal: (message) => resolveFailed(message),
    },
  );
  hub.adopt({ epoch: ready.epoch, head: ready.sequence, symbols: ready.symbols });
  // The stream in Redis is ahead of this database (an older copy): continue under a new epoch, never reuse numbers.
  const fork = async (): Promise<string> => {
    const epoch = await host.newEpoch();
    hub.adopt({ epoch, head: hub.history.sequence, symbols: ready.symbols, resync: CloseReason.historyChanged });
    return epoch;
  };
  out = sink?.({ epoch: ready.epoch, symbols: ready.symbols, fork }) ?? null;
  out?.published();
  const origin = ready.restored ? `restored from ${config.db} at sequence ${ready.sequence}` : config.db === ':memory:' ? 'in memory (nothing persisted)' : `new database ${config.db}`;
  return {
    get epoch() {
      return hub.epoch;
    },
    describe: `🎲 seed ${seed} · epoch ${ready.epoch} · ${ready.symbols.length} symbols · ${config.agents} agents · ${origin}${out ? ` · ${out.describe}` : ''}`,
    ask: (q) => host.query(q),
    health: () => out?.health() ?? { ok: true },
    failed,
    async stop(timeoutMs) {
      await host.stop(timeoutMs);
      // The last batches reached the hub before the worker stopped; give the publisher a moment to append them.
      await out?.stop();
    },
  };
}
