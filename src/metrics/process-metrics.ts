// Process health: event-loop lag, heap and RSS.
import type { Histogram } from '@opentelemetry/api';
import type { MetricsRegistry } from './registry.ts';

const LAG_PROBE_MS = 100;

export class ProcessMetrics {
  private readonly lag: Histogram;
  private maxLagMs = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  /** @param gcBeforeHeap collect garbage (a full, synchronous GC) before reading the heap: its live size, for diagnostics. */
  constructor(registry: MetricsRegistry, gcBeforeHeap = false) {
    const m = registry.meter;
    this.lag = m.createHistogram('lineage_event_loop_lag_seconds', {
      description: 'How late a 100 ms timer fires on the main thread (event-loop lag)',
      advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] },
    });
    m.createObservableGauge('lineage_event_loop_lag_max_seconds', {
      description: 'Largest event-loop lag seen since the last scrape',
    }).addCallback((r) => {
      r.observe(this.maxLagMs / 1000);
      this.maxLagMs = 0;
    });
    m.createObservableGauge('lineage_process_heap_bytes', { description: 'JavaScript heap in use' }).addCallback(
      (r) => {
        if (gcBeforeHeap) Bun.gc(true);
        r.observe(process.memoryUsage().heapUsed);
      },
    );
    m.createObservableGauge('lineage_process_resident_memory_bytes', {
      description: 'Resident set size of the process',
    }).addCallback((r) => r.observe(process.memoryUsage.rss()));
    let expected = performance.now() + LAG_PROBE_MS;
    this.timer = setInterval(() => {
      const now = performance.now();
      const lagMs = Math.max(0, now - expected);
      expected = now + LAG_PROBE_MS;
      this.lag.record(lagMs / 1000);
      if (lagMs > this.maxLagMs) this.maxLagMs = lagMs;
    }, LAG_PROBE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
