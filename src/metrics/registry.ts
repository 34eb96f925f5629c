// One MeterProvider with the Prometheus exporter (no server of its own) and the serializer for /metrics.
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { VERSION } from '../version.ts';

export class MetricsRegistry {
  readonly exporter: PrometheusExporter;
  readonly provider: MeterProvider;
  readonly meter: Meter;
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  private shutdownPromise: Promise<void> | null = null;

  /** `producers` add metric families computed at scrape time (the live agent population). */
  constructor(producers: MetricProducer[] = []) {
    this.exporter = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: producers,
    });
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'lineage', 'service.version': VERSION }),
      readers: [this.exporter],
    });
    this.meter = this.provider.getMeter('lineage', VERSION);
  }

  /** The Prometheus text exposition of every instrument. */
  async scrape(): Promise<string> {
    const { resourceMetrics, errors } = await this.exporter.collect();
    if (errors.length > 0) console.error(`lineage: metrics collection: ${String(errors[0])}`);
    return this.serializer.serialize(resourceMetrics);
  }

  /** Safe to call twice. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.provider.shutdown().catch(() => undefined);
    return this.shutdownPromise;
  }
}
