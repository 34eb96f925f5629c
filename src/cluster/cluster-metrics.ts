// Broker metrics of a cluster node: connection state, reconnects, events appended/read, lag.
import type { Counter, Histogram } from '@opentelemetry/api';
import type { MetricsRegistry } from '../metrics/registry.ts';

export class ClusterMetrics {
  private readonly appendedCounter: Counter;
  private readonly readCounter: Counter;
  private readonly lag: Histogram;
  private readonly gaps: Counter;

  /** Each role exports only its own side: `sim` what it appends, `gateway` what it reads. */
  constructor(
    registry: MetricsRegistry,
    role: 'sim' | 'gateway',
    state: { connected(): boolean; reconnects(): number; pending(): number; lagSeconds(): number | null },
  ) {
    const m = registry.meter;
    m.createObservableGauge('lineage_broker_connected', {
      description: 'Whether this node is connected to Redis (1) or not (0)',
    }).addCallback((r) => r.observe(state.connected() ? 1 : 0));
    m.createObservableCounter('lineage_broker_reconnects', { description: 'Redis reconnection attempts' }).addCallback(
      (r) => r.observe(state.reconnects()),
    );
    if (role === 'sim') {
      m.createObservableGauge('lineage_broker_pending_events', {
        description: 'Events journaled but not yet in the Redis stream (sim node)',
      }).addCallback((r) => r.observe(state.pending()));
    } else {
      m.createObservableGauge('lineage_broker_lag_seconds', {
        description: 'Age of the newest event read from the stream when it was read (gateway)',
      }).addCallback((r) => {
        const v = state.lagSeconds();
        if (v !== null) r.observe(v);
      });
    }
    this.appendedCounter = m.createCounter('lineage_broker_events_appended', {
      description: 'Events appended to the Redis stream (sim node)',
    });
    this.readCounter = m.createCounter('lineage_broker_events_read', {
      description: 'Events read from the Redis stream (gateway)',
    });
    this.gaps = m.createCounter('lineage_broker_gaps', {
      description: 'Unrecoverable gaps in the stream (events lost upstream); clients were told to resume',
    });
    this.lag = m.createHistogram('lineage_broker_read_lag_seconds', {
      description: 'Event age when a gateway read it from the stream',
      advice: {
        explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      },
    });
    if (role === 'sim') this.appendedCounter.add(0);
    else {
      this.readCounter.add(0);
      this.gaps.add(0);
    }
  }

  appended(n: number): void {
    if (n > 0) this.appendedCounter.add(n);
  }

  read(n: number, lagSeconds: number): void {
    this.readCounter.add(n);
    this.lag.record(Math.max(0, lagSeconds));
  }

  gap(): void {
    this.gaps.add(1);
  }
}
