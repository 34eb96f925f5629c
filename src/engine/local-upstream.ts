// A node that runs the simulation worker itself (roles `all` and `sim`); with `sim` it also publishes to Redis.
import type { Config } from '../config.ts';
import type { Hub } from '../hub/hub.ts';
import type { SimMetrics } from '../metrics/sim-metrics.ts';
import { SimulationHost } from './host.ts';
import type { Upstream } from './upstream.ts';

export interface BatchSink {
  /** Called after each batch reached the hub (and the journal). */
  published(): void;
  health(): { ok: boolean; reason?: string };
  stop(): Promise<void>;
  describe: string;
}

export async function startLocalUpstream(
  config: Config,
  seed: number,
  hub: Hub,
  simMetrics: SimMetrics,
  sink?: (meta: { epoch: string; symbols: string[] }) => BatchSink,
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
  out = sink?.({ epoch: ready.epoch, symbols: ready.symbols }) ?? null;
  out?.published();
  const origin = ready.restored ? `restored from ${config.db} at sequence ${ready.sequence}` : config.db === ':memory:' ? 'in memory (nothing persisted)' : `new database ${config.db}`;
  return {
    epoch: ready.epoch,
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
