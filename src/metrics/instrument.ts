// The instrumentation API for your own code: record your agents' stats into the same meters Lineage exports.
import type { Counter } from '@opentelemetry/api';
import type { Server } from 'bun';
import { AgentBook } from './agent-book.ts';
import { startMetricsListener } from './metrics-listener.ts';
import { MetricsRegistry } from './registry.ts';

export interface AgentStats {
  capital: number;
  /** In [0, 1]. */
  winRate: number;
  trades?: number;
  scars?: number;
  wins?: number;
  finalCapital?: number;
}

/**
 * Records custom agents into `lineage_agent_*` / `lineage_arena_agent_*` and errors into `lineage_custom_api_errors_total`.
 * Values are checked: a non-finite number or a win rate outside [0, 1] throws a RangeError naming the field.
 *
 * @example
 * ```ts
 * import { serveLineageMetrics } from './src/metrics/instrument.ts';
 * const metrics = serveLineageMetrics({ port: 9185 });
 * metrics.updateAgentStats('MyBot', { capital: 101_250, winRate: 0.58, trades: 12 });
 * metrics.incrementErrors();
 * metrics.removeAgent('MyBot'); // its series disappear at the next scrape
 * ```
 */
export class LineageMetricsCollector {
  private readonly errors: Counter;
  private readonly trades = new Map<string, number>();

  constructor(
    registry: MetricsRegistry,
    private readonly book: AgentBook,
  ) {
    this.errors = registry.meter.createCounter('lineage_custom_api_errors', {
      description: 'API errors recorded by user code through the instrumentation API',
    });
  }

  updateAgentStats(agentId: string, stats: AgentStats): void {
    if (typeof agentId !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(agentId))
      throw new RangeError(`agentId: must be 1-64 letters, digits or _.:- (got ${JSON.stringify(agentId)})`);
    for (const [field, value] of Object.entries(stats)) {
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
        throw new RangeError(`${field}: must be a finite number (got ${String(value)})`);
    }
    if (stats.winRate < 0 || stats.winRate > 1)
      throw new RangeError(`winRate: must be between 0 and 1 (got ${stats.winRate})`);
    const trades = Math.max(stats.trades ?? 0, this.trades.get(agentId) ?? 0);
    this.trades.set(agentId, trades);
    this.book.setCustom(agentId, {
      capital: stats.capital,
      winRate: stats.winRate,
      trades,
      scars: stats.scars ?? 0,
      wins: stats.wins ?? 0,
      ...(stats.finalCapital !== undefined ? { finalCapital: stats.finalCapital } : {}),
    });
  }

  removeAgent(agentId: string): boolean {
    this.trades.delete(agentId);
    return this.book.removeCustom(agentId);
  }

  incrementErrors(count = 1): void {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`count: must be a non-negative integer (got ${count})`);
    this.errors.add(count);
  }
}

/** A standalone exporter for a process of your own: same metric names, its own `/metrics` and `/health`. */
export function serveLineageMetrics(
  options: { host?: string; port?: number } = {},
): LineageMetricsCollector & { server: Server<undefined>; stop(): Promise<void> } {
  const book = new AgentBook();
  const registry = new MetricsRegistry([book]);
  const collector = new LineageMetricsCollector(registry, book);
  const server = startMetricsListener(
    registry,
    () => ({ status: 200, body: { status: 'ok' } }),
    options.host ?? '127.0.0.1',
    options.port ?? 0,
  );
  return Object.assign(collector, {
    server,
    async stop() {
      server.stop(true);
      await registry.shutdown();
    },
  });
}
