// Log-bucketed latency histogram (1% relative precision, 1 µs to ~1.5 h): record, merge across processes, percentiles.

/** Smallest value (ms) with its own bucket; smaller values (and 0) land in bucket 0. */
export const HISTOGRAM_MIN_MS = 0.001;
/** Bucket growth factor: each bucket is 1% wider than the one before. */
export const HISTOGRAM_GROWTH = 1.01;
/** Enough buckets to reach past 5,000,000 ms. */
export const HISTOGRAM_BUCKETS = 2200;

const LOG_GROWTH = Math.log(HISTOGRAM_GROWTH);

/** A histogram in its portable form (sparse buckets), for IPC and JSON. */
export interface HistogramData {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** [bucket index, count] for every non-empty bucket. */
  buckets: Array<[number, number]>;
}

export class Histogram {
  private readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  /** Bucket index of a value in ms (non-finite or negative values clamp to 0). */
  static bucketOf(value: number): number {
    if (!(value > HISTOGRAM_MIN_MS)) return 0;
    const i = Math.floor(Math.log(value / HISTOGRAM_MIN_MS) / LOG_GROWTH) + 1;
    return i < HISTOGRAM_BUCKETS ? i : HISTOGRAM_BUCKETS - 1;
  }

  /** The value reported for a bucket: the geometric middle of its range (bucket 0 reports 0). */
  static valueOf(bucket: number): number {
    if (bucket <= 0) return 0;
    return HISTOGRAM_MIN_MS * HISTOGRAM_GROWTH ** (bucket - 0.5);
  }

  record(value: number): void {
    const v = Number.isFinite(value) && value > 0 ? value : 0;
    this.counts[Histogram.bucketOf(v)]! += 1;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  merge(other: Histogram | HistogramData): this {
    const data = other instanceof Histogram ? other.toData() : other;
    for (const [i, n] of data.buckets) {
      if (Number.isInteger(i) && i >= 0 && i < HISTOGRAM_BUCKETS) this.counts[i]! += n;
    }
    this.count += data.count;
    this.sum += data.sum;
    if (data.count > 0) {
      this.min = Math.min(this.min, data.min);
      this.max = Math.max(this.max, data.max);
    }
    return this;
  }

  /**
   * Nearest-rank percentile (q in [0, 1]): the value at rank ceil(q·n), within 1% of the exact sample.
   * The extremes are exact (min and max are tracked). NaN when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, Histogram.valueOf(i)));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  toData(): HistogramData {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      const n = this.counts[i]!;
      if (n > 0) buckets.push([i, n]);
    }
    return {
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
      buckets,
    };
  }

  static from(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }
}
