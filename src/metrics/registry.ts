// One MeterProvider with the Prometheus exporter (no server of its own) and the serializer for /metrics.
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Meter } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export class MetricsRegistry {
  readonly exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  readonly provider = new MeterProvider({ readers: [this.exporter] });
  readonly meter: Meter = this.provider.getMeter('lineage');
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  private shutdownPromise: Promise<void> | null = null;

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
