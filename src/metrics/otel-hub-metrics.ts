// The hub's and process's instruments (OpenTelemetry), behind the HubMetrics domain interface.
import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
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
  /**
   * Counts are plain numbers read at scrape time (OpenTelemetry's per-call attribute hashing is not free, and connects,
   * closes and resumes come by the thousand a second in a storm); only the fan-out latency histogram records per event.
   */
  private deliveries = 0;
  private readonly published: Record<string, number> = { market: 0, agent: 0, arena: 0 };
  private readonly fanout: Histogram;
  private readonly connectionsOpened: PlainCounter;
  private readonly connectionsClosed: PlainCounter;
  private readonly slow: PlainCounter;
  private readonly frames: PlainCounter;
  private readonly upgrades: PlainCounter;
  private readonly resumes: PlainCounter;
  private readonly replayed: PlainCounter;
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
    // Every known label value starts at 0, so rate() and alerts see a series before the first occurrence.
    this.connectionsOpened = new PlainCounter(m, 'lineage_connections_opened', 'WebSocket connections accepted');
    this.connectionsClosed = new PlainCounter(
      m,
      'lineage_connections_closed',
      'WebSocket connections closed, by who closed them',
      ['by', CLOSED_BY],
    );
    this.slow = new PlainCounter(
      m,
      'lineage_slow_consumers_closed',
      'Connections closed with 1013 because their send buffer passed the bound',
    );
    this.frames = new PlainCounter(m, 'lineage_frames_rejected', 'Client frames rejected, by reason', [
      'reason',
      FRAME_REASONS,
    ]);
    this.upgrades = new PlainCounter(m, 'lineage_upgrades_rejected', 'WebSocket upgrades refused, by reason', [
      'reason',
      UPGRADE_REASONS,
    ]);
    this.resumes = new PlainCounter(m, 'lineage_resume_requests', 'Resume requests, by outcome', [
      'outcome',
      RESUME_OUTCOMES,
    ]);
    this.replayed = new PlainCounter(m, 'lineage_resume_replayed_events', 'Events replayed to resuming clients');
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
    this.connectionsClosed.add(1, by);
  }
  eventPublished(family: string, deliveries: number, fanoutMs: number): void {
    this.published[family] = (this.published[family] ?? 0) + 1;
    this.deliveries += deliveries;
    // What a client waited for: an event nobody holds (another symbol's book, an agent no one follows) is not timed.
    if (deliveries > 0) this.fanout.record(Math.max(0, fanoutMs) / 1000);
  }
  slowConsumerClosed(): void {
    this.slow.add(1);
  }
  frameRejected(reason: RejectedFrameReason): void {
    this.frames.add(1, reason);
  }
  upgradeRejected(reason: RejectedUpgradeReason): void {
    this.upgrades.add(1, reason);
  }
  resumeRequested(outcome: ResumeOutcome, replayed: number): void {
    this.resumes.add(1, outcome);
    if (replayed > 0) this.replayed.add(replayed);
  }
}

/** A counter kept as plain numbers per label value (every known value from 0), observed at scrape time. */
class PlainCounter {
  private readonly counts = new Map<string, { n: number; attrs: Attributes }>();

  constructor(
    meter: Meter,
    name: string,
    description: string,
    private readonly label?: [key: string, values: readonly string[]],
  ) {
    for (const v of label?.[1] ?? ['']) this.add(0, v);
    meter.createObservableCounter(name, { description }).addCallback((r) => {
      for (const c of this.counts.values()) r.observe(c.n, c.attrs);
    });
  }

  add(n: number, value = ''): void {
    const c = this.counts.get(value);
    if (c !== undefined) c.n += n;
    else this.counts.set(value, { n, attrs: this.label === undefined ? {} : { [this.label[0]]: value } });
  }
}
