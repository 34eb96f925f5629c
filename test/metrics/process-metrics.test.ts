// --metrics-gc: a full collection before the heap is read at each scrape, and none without it (the default).
import { afterEach, expect, test } from 'bun:test';
import { loadConfig } from '../../src/config.ts';
import { ProcessMetrics } from '../../src/metrics/process-metrics.ts';
import { MetricsRegistry } from '../../src/metrics/registry.ts';

const realGc = Bun.gc;
afterEach(() => {
  (Bun as { gc: typeof Bun.gc }).gc = realGc;
});

async function gcsPerScrape(gcBeforeHeap: boolean): Promise<{ gcs: number; heap: string | undefined }> {
  let gcs = 0;
  (Bun as { gc: typeof Bun.gc }).gc = (force) => {
    gcs++;
    realGc(force);
  };
  const registry = new MetricsRegistry([]);
  const metrics = new ProcessMetrics(registry, gcBeforeHeap);
  const text = await registry.scrape();
  metrics.stop();
  return { gcs, heap: text.split('\n').find((l) => l.startsWith('lineage_process_heap_bytes ')) };
}

test('the heap is read after a full GC only with --metrics-gc', async () => {
  const off = await gcsPerScrape(false);
  expect(off.gcs).toBe(0);
  expect(Number(off.heap?.split(' ')[1])).toBeGreaterThan(0);
  const on = await gcsPerScrape(true);
  expect(on.gcs).toBe(1);
  expect(Number(on.heap?.split(' ')[1])).toBeGreaterThan(0);
});

test('--metrics-gc is off unless asked for', () => {
  expect(loadConfig([], {}).metricsGc).toBe(false);
  expect(loadConfig(['--metrics-gc', 'on'], {}).metricsGc).toBe(true);
  expect(loadConfig([], { LINEAGE_METRICS_GC: 'true' }).metricsGc).toBe(true);
});
