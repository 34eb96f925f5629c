// A node that runs the simulation worker itself (roles `all` and `sim`); with `sim` it also publishes to Redis.
import type { Config } from '../config.ts';
import { CloseReason } from '../protocol/codes.ts';
import { publishedFamilies, type TopicFamily } from '../protocol/topics.ts';
import { LiveQuery, type PublishedEvent, type SimStats, type WorkerQuery } from '../protocol/worker-messages.ts';
import { type Ready, SimulationHost } from './host.ts';
import { QueryGate } from './query-gate.ts';
import { ReaderHost } from './reader-host.ts';
import type { Downstream, Upstream } from './upstream.ts';

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
  /** The topic families it publishes. */
  families: TopicFamily[];
  /**
   * Start a new epoch (the published history turned out to be ahead of this node's database: an older copy): the
   * database gets a fresh epoch, local clients are closed with 1013 to resync. Resolves with the new epoch.
   */
  fork(): Promise<string>;
}

/** Queries running at once, per worker; more are refused with 503 busy. */
export const MAX_CONCURRENT_QUERIES = 4;

/** The configuration a local upstream reads. */
export type LocalUpstreamConfig = Pick<
  Config,
  | 'seed'
  | 'symbols'
  | 'marketIntervalMs'
  | 'agentIntervalMs'
  | 'arenaRoundMs'
  | 'agents'
  | 'feedErrorRate'
  | 'feedLatencyMs'
  | 'replay'
  | 'db'
  | 'history'
  | 'checkpointMs'
  | 'marketData'
  | 'bookDepth'
>;

export async function startLocalUpstream(
  config: LocalUpstreamConfig,
  seed: number,
  hub: Downstream,
  /** The model's counters, once a second (for its metrics). */
  onStats: (stats: SimStats) => void,
  sink?: (meta: SinkMeta) => BatchSink,
  log: (line: string) => void = (line) => console.error(line),
): Promise<Upstream> {
  let resolveFailed: (message: string) => void = () => {};
  const failed = new Promise<string>((r) => (resolveFailed = r));
  let out: BatchSink | null = null;
  const journaled: PublishedEvent[] = [];
  // Database questions go to a read-only reader worker on the same file (never to the step loop); a :memory: database
  // has no file to share, so there the simulation worker answers them (each is bounded by its page).
  const reader = config.db === ':memory:' ? null : new ReaderHost();
  const host = new SimulationHost();
  const ready = await host
    .start(
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
        marketData: { ...config.marketData, bookDepth: config.bookDepth },
      },
      {
        events: (batch) => {
          for (const event of batch) hub.publish(event);
          out?.published();
        },
        history: (batch) => void journaled.push(...batch),
        stats: onStats,
        notice: (message) => log(`lineage: ${message}`),
        fatal: (message) => resolveFailed(message),
      },
    )
    .catch((error: unknown) => {
      reader?.stop();
      throw error;
    });
  const families = publishedFamilies(config.marketData);
  // The journal's recent events (from before a restart) refill the resume history.
  hub.adopt({
    epoch: ready.epoch,
    head: ready.sequence,
    symbols: ready.symbols,
    families,
    history: journaled,
    latest: ready.latest,
  });
  journaled.length = 0;
  // The stream in Redis is ahead of this database (an older copy): continue under a new epoch, never reuse numbers.
  const fork = async (): Promise<string> => {
    const epoch = await host.newEpoch();
    hub.adopt({ epoch, head: hub.sequence, symbols: ready.symbols, resync: CloseReason.historyChanged });
    return epoch;
  };
  out = sink?.({ epoch: ready.epoch, symbols: ready.symbols, families, fork }) ?? null;
  out?.published();

  reader?.open(config.db);
  void reader?.ready.then(
    (ok) =>
      !ok &&
      reader.failure !== null &&
      log(`lineage: ${reader.failure}; the simulation worker answers database queries`),
  );
  const liveGate = new QueryGate(MAX_CONCURRENT_QUERIES, 'live');
  const dbGate = new QueryGate(MAX_CONCURRENT_QUERIES, 'database');
  const ask = (q: WorkerQuery): Promise<unknown> => {
    const live = LiveQuery.safeParse(q);
    if (live.success) return liveGate.run(() => host.query(live.data));
    return dbGate.run(async () =>
      reader !== null && q.kind !== 'agents' && q.kind !== 'agent' && (await reader.ready)
        ? reader.query(q)
        : host.query(q),
    );
  };

  return {
    get epoch() {
      return hub.epoch;
    },
    seed: ready.seed,
    describe: `🎲 seed ${ready.seed}${config.seed !== undefined && config.seed !== ready.seed ? ` (the database's; --seed ${config.seed} applies to a new database)` : ''} · epoch ${ready.epoch} · ${ready.symbols.length} symbols · ${config.agents} agents · ${origin(config.db, ready)}${out ? ` · ${out.describe}` : ''}`,
    ask,
    health: () => out?.health() ?? { ok: true },
    failed,
    async stop(timeoutMs) {
      reader?.stop();
      await host.stop(timeoutMs);
      // The last batches reached the hub before the worker stopped; give the publisher a moment to append them.
      await out?.stop();
    },
  };
}

function origin(db: string, ready: Ready): string {
  if (db === ':memory:') return 'in memory (nothing persisted)';
  if (ready.newEpochReason !== null)
    return `new epoch on ${db}: ${ready.newEpochReason}; the model continues from its checkpoint`;
  if (!ready.restored) return `new database ${db}`;
  return `restored from ${db} at sequence ${ready.sequence}${ready.replayed > 0 ? ` (${ready.replayed} events after the checkpoint replayed and verified)` : ''}`;
}
