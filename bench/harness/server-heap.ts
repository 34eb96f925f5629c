// A Lineage server's JavaScript heap in use, read from its Prometheus metrics (`lineage_process_heap_bytes`).
import { METRICS_LINE, metricValue } from './node-probe.ts';

const HEAP_METRIC = 'lineage_process_heap_bytes';

/**
 * Reads the heap of the server whose output is `output`; null for a server that prints no metrics address (bare Bun,
 * Node), or when the scrape fails. The figure is JavaScriptCore's heap size: the live heap when the server runs with
 * `--metrics-gc` (a full collection before each reading), else garbage included.
 */
export function heapReader(output: () => string): () => Promise<number | null> {
  let base: string | null = null;
  return async () => {
    base ??= METRICS_LINE.exec(output())?.[1] ?? null;
    if (base === null) return null;
    try {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text.includes(HEAP_METRIC) ? metricValue(text, HEAP_METRIC) : null;
    } catch {
      return null;
    }
  };
}
