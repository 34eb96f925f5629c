// The hub's and process's instruments (OpenTelemetry), behind the HubMetrics domain interface.
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import {
  CLOSED_BY,
  type ClosedBy,
  REJECTED_FRAME_REASONS as FRAME_REASONS,
  type HubMetrics,
  RESUME_OUTCOMES,
  type RejectedFrameReason,
  type RejectedUpgradeReason,
  type ResumeOutcome,
  REJECTED_UPGRADE_REASONS as UPGRADE_REASONS,
} from './hub-metrics.ts';
import type { MetricsRegistry } from './registry.ts';

export interface HubGauges {
  connections(): number;
  subscribersByFamily(): Record<string, number>;
  startedAt: number;
}

export class OtelHubMetrics implements HubMetrics {
  private readonly connectionsOpened: Counter;
  private readonly connectionsClosed: Counter;
  /** Per-event counts are plain numbers read at scrape time: OpenTelemetry's per-call attribute hashing is not free. */
  private deliveries = 0;
  private readonly published: Record<string, number> = { market: 0, agent: 0, arena: 0 };
  private readonly fanout: Histogram;
  private readonly slow: Counter;
  private readonly frames: Counter;
  private readonly upgrades: Counter;
  private readonly resumes: Counter;
  private readonly replayed: Counter;
  private readonly attrs = new Map<string, Attributes>();

  constructor(registry: MetricsRegistry, gauges: HubGauges) {
    const m = registry.meter;
    m.createObservableGauge('lineage_active_connections', { description: 'Current WebSocket connections' }).addCallback(
      (r) => r.observe(gauges.connections()),
    );
    m.createObservableGauge('lineage_uptime_seconds', { description: 'Seconds since the server started' }).addCallback(
      (r) => r.observe((Date.now() - gauges.startedAt) / 1000),
    );
    m.createObservableGauge('lineage_topic_subscribers', {
      description: 'Native topic subscriptions per topic family',
    }).addCallback((r) => {
      for (const [family, n] of Object.entries(gauges.subscribersByFamily())) r.observe(n, { family });
    });
    m.createObservableCounter('lineage_messages_broadcast', {
      description: 'Event frames handed to subscribers (one per subscriber per event)',
    }).addCallback((r) => r.observe(this.deliveries));
    m.createObservableCounter('lineage_events_published', { description: 'Events published, by family' }).addCallback(
      (r) => {
        for (const [family, n] of Object.entries(this.published)) r.observe(n, this.a('family', family));
      },
    );
    this.fanout = m.createHistogram('lineage_fanout_latency_seconds', {
      description: 'Time from event creation in the simulation worker to hand-off to all subscribers',
      advice: {
        explicitBucketBoundaries: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      },
    });
    this.connectionsOpened = m.createCounter('lineage_connections_opened', {
      description: 'WebSocket connections accepted',
    });
    this.connectionsClosed = m.createCounter('lineage_connections_closed', {
      description: 'WebSocket connections closed, by who closed them',
    });
    this.slow = m.createCounter('lineage_slow_consumers_closed', {
      description: 'Connections closed with 1013 because their send buffer passed the bound',
    });
    this.frames = m.createCounter('lineage_frames_rejected', { description: 'Client frames rejected, by reason' });
    this.upgrades = m.createCounter('lineage_upgrades_rejected', {
      description: 'WebSocket upgrades refused, by reason',
    });
    this.resumes = m.createCounter('lineage_resume_requests', { description: 'Resume requests, by outcome' });
    this.replayed = m.createCounter('lineage_resume_replayed_events', {
      description: 'Events replayed to resuming clients',
    });
    // Every known label value starts at 0, so rate() and alerts see a series before the first occurrence.
    this.slow.add(0);
    this.replayed.add(0);
    for (const by of CLOSED_BY) this.connectionsClosed.add(0, this.a('by', by));
    for (const reason of FRAME_REASONS) this.frames.add(0, this.a('reason', reason));
    for (const reason of UPGRADE_REASONS) this.upgrades.add(0, this.a('reason', reason));
    for (const outcome of RESUME_OUTCOMES) this.resumes.add(0, this.a('outcome', outcome));
  }

  private a(key: string, value: string): Attributes {
    const k = `${key}=${value}`;
    let attrs = this.attrs.get(k);
    if (attrs === undefined) {
      attrs = { [key]: value };
      this.attrs.set(k, attrs);
    }
    return attrs;
  }

  connectionOpened(): void {
    this.connectionsOpened.add(1);
  }
  connectionClosed(by: ClosedBy): void {
    this.connectionsClosed.add(1, this.a('by', by));
  }
  eventPublished(family: string, deliveries: number, fanoutMs: number): void {
    this.published[family] = (this.published[family] ?? 0) + 1;
    this.deliveries += deliveries;
    this.fanout.record(Math.max(0, fanoutMs) / 1000);
  }
  slowConsumerClosed(): void {
    this.slow.add(1);
  }
  frameRejected(reason: RejectedFrameReason): void {
    this.frames.add(1, this.a('reason', reason));
  }
  upgradeRejected(reason: RejectedUpgradeReason): void {
    this.upgrades.add(1, this.a('reason', reason));
  }
  resumeRequested(outcome: ResumeOutcome, replayed: number): void {
    this.resumes.add(1, this.a('outcome', outcome));
    if (replayed > 0) this.replayed.add(replayed);
  }
}
