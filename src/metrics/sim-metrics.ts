// The simulation's instruments: the seed's market-data rates and counters, arena rounds, step time, the population,
// and each symbol's order book.
import type { Histogram } from '@opentelemetry/api';
import type { SimStats } from '../protocol/worker-messages.ts';
import type { AgentBook, AgentFigures } from './agent-book.ts';
import { BookMetrics } from './book-metrics.ts';
import type { MetricsRegistry } from './registry.ts';

/** Rates are computed over this window so that an alert sees a drop quickly, not diluted by hours of history. */
export const RATE_WINDOW_MS = 60_000;

interface Sample {
  at: number;
  hits: number;
  misses: number;
  requests: number;
  successes: number;
}

export class SimMetrics {
  private latest: SimStats | null = null;
  private readonly samples: Sample[] = [];
  private readonly stepTime: Histogram;
  private readonly books: BookMetrics;

  constructor(
    registry: MetricsRegistry,
    private readonly book: AgentBook,
    private readonly now: () => number = Date.now,
  ) {
    const m = registry.meter;
    this.books = new BookMetrics(registry);
    m.createObservableGauge('lineage_cache_hit_rate', {
      description: 'Quote cache hit rate over the last minute, 0-100 (%)',
    }).addCallback((r) => {
      const v = this.rate('cache');
      if (v !== null) r.observe(v);
    });
    m.createObservableGauge('lineage_request_success_rate', {
      description: 'Market-data request success rate over the last minute, 0-100 (%)',
    }).addCallback((r) => {
      const v = this.rate('requests');
      if (v !== null) r.observe(v);
    });
    m.createObservableCounter('lineage_api_errors', {
      description: 'Market-data requests that failed (API errors)',
    }).addCallback((r) => {
      if (this.latest) r.observe(this.latest.failures);
    });
    m.createObservableCounter('lineage_arena_rounds', {
      description: 'Arena competition rounds completed',
    }).addCallback((r) => {
      if (this.latest) r.observe(this.latest.rounds);
    });
    m.createObservableCounter('lineage_market_data_requests', {
      description: 'Market-data requests sent to the exchange (after cache misses, including retries)',
    }).addCallback((r) => {
      if (this.latest) r.observe(this.latest.requests);
    });
    m.createObservableCounter('lineage_simulation_trades', {
      description: 'Trades executed by all agents',
    }).addCallback((r) => {
      if (this.latest) r.observe(this.latest.trades);
    });
    m.createObservableCounter('lineage_decisions_skipped', {
      description: 'Agent decisions skipped for want of a fresh quote',
    }).addCallback((r) => {
      if (this.latest) r.observe(this.latest.skips);
    });
    m.createObservableGauge('lineage_agents_live', { description: 'Agents in the population' }).addCallback((r) => {
      if (this.latest) r.observe(this.latest.agents.length);
    });
    this.stepTime = m.createHistogram('lineage_simulation_step_seconds', {
      description: 'Duration of one simulation advance (market steps, agent decisions, reports, rounds) in the worker',
      advice: {
        explicitBucketBoundaries: [
          0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        ],
      },
    });
  }

  /** One stats message from the worker. */
  update(stats: SimStats): void {
    this.latest = stats;
    for (const ms of stats.step_ms) this.stepTime.record(ms / 1000);
    this.books.update(stats);
    const at = this.now();
    this.samples.push({
      at,
      hits: stats.cache_hits,
      misses: stats.cache_misses,
      requests: stats.requests,
      successes: stats.successes,
    });
    while (this.samples.length > 2 && (this.samples[1] as Sample).at <= at - RATE_WINDOW_MS) this.samples.shift();
    const population = new Map<string, AgentFigures>();
    for (const a of stats.agents) {
      population.set(a.agent_id, {
        capital: a.capital,
        trades: a.trades_executed,
        winRate: a.win_rate,
        scars: a.scars,
        wins: a.wins,
        ...(a.final_capital !== null ? { finalCapital: a.final_capital } : {}),
      });
    }
    this.book.replaceSimulated(population);
  }

  /** 100 × good / total over the window (cumulative when the window saw nothing); null before any data. */
  private rate(kind: 'cache' | 'requests'): number | null {
    const last = this.samples[this.samples.length - 1];
    if (last === undefined) return null;
    const first = this.samples[0] as Sample;
    const good = (s: Sample) => (kind === 'cache' ? s.hits : s.successes);
    const total = (s: Sample) => (kind === 'cache' ? s.hits + s.misses : s.requests);
    let g = good(last) - good(first);
    let t = total(last) - total(first);
    if (t <= 0) {
      g = good(last);
      t = total(last);
    }
    return t > 0 ? (100 * g) / t : null;
  }
}
