// Percentile maths of the bench's latency histogram: accuracy, merging, extremes.
import { describe, expect, test } from 'bun:test';
import { HISTOGRAM_BUCKETS, Histogram } from '../../bench/stats/histogram.ts';

/** Exact nearest-rank percentile. */
function exact(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('Histogram', () => {
  test('percentiles are within 1% of the exact nearest-rank value', () => {
    const rand = lcg(7);
    const values = Array.from({ length: 50_000 }, () => 0.05 + -Math.log(1 - rand()) * 4); // exponential, ms
    const h = new Histogram();
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      const e = exact(sorted, q);
      expect(Math.abs(h.percentile(q) - e) / e).toBeLessThan(0.01);
    }
    expect(h.count).toBe(values.length);
    expect(h.percentile(0)).toBe(sorted[0] as number);
    expect(h.percentile(1)).toBe(sorted[sorted.length - 1] as number);
  });

  test('a single value is reported exactly (clamped to min/max)', () => {
    const h = new Histogram();
    h.record(3.7);
    for (const q of [0.5, 0.99, 0.999]) expect(h.percentile(q)).toBe(3.7);
  });

  test('empty → NaN; zero, negative and non-finite values count as 0', () => {
    const h = new Histogram();
    expect(h.percentile(0.5)).toBeNaN();
    expect(h.mean()).toBeNaN();
    h.record(-5);
    h.record(Number.NaN);
    h.record(0);
    expect(h.count).toBe(3);
    expect(h.percentile(0.99)).toBe(0);
  });

  test('merging per-process histograms equals recording everything in one', () => {
    const rand = lcg(11);
    const all = new Histogram();
    const parts = [new Histogram(), new Histogram(), new Histogram()];
    for (let i = 0; i < 9000; i++) {
      const v = rand() * 100;
      all.record(v);
      (parts[i % 3] as Histogram).record(v);
    }
    const merged = new Histogram();
    for (const p of parts) merged.merge(p.toData());
    for (const q of [0.5, 0.99, 0.999]) expect(merged.percentile(q)).toBe(all.percentile(q));
    expect(merged.count).toBe(all.count);
    expect(merged.min).toBe(all.min);
    expect(merged.max).toBe(all.max);
    expect(merged.sum).toBeCloseTo(all.sum, 6);
  });

  test('huge values land in the last bucket; the data form survives JSON', () => {
    const h = new Histogram();
    h.record(1e12);
    expect(Histogram.bucketOf(1e12)).toBe(HISTOGRAM_BUCKETS - 1);
    const back = Histogram.from(JSON.parse(JSON.stringify(h.toData())));
    expect(back.percentile(0.5)).toBe(1e12);
  });

  test('buckets are 1% wide: a value sits inside its bucket', () => {
    for (const v of [0.0015, 0.5, 1, 12.34, 999]) {
      const b = Histogram.bucketOf(v);
      const mid = Histogram.valueOf(b);
      expect(Math.abs(mid - v) / v).toBeLessThan(0.006);
    }
  });
});

describe('FirstArrival', () => {
  test("keeps each sequence's smallest age; a sequence is recorded once, when its slot is reused or flushed", async () => {
    const { FirstArrival } = await import('../../bench/stats/first-arrival.ts');
    const h = new Histogram();
    const f = new FirstArrival(h, 4);
    f.arrival(1, 5);
    f.arrival(1, 3);
    f.arrival(2, 7);
    f.arrival(1, 9);
    expect(h.count).toBe(0);
    f.arrival(5, 1); // slot of 1 reused: 1 is recorded with its minimum
    expect(h.count).toBe(1);
    expect(h.max).toBe(3);
    f.flush();
    expect(h.count).toBe(3);
    expect(h.percentile(1)).toBe(7);
    expect(() => new FirstArrival(h, 6)).toThrow();
  });
});
