// Fixed-capacity ring buffer of prices so per-step history updates never allocate.

export class PriceRing {
  private readonly buf: Float64Array;
  private head = 0;
  private size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.buf = new Float64Array(capacity);
  }

  /** Ring holding the last `capacity` of `values` (oldest first). */
  static from(values: readonly number[], capacity: number): PriceRing {
    const ring = new PriceRing(capacity);
    const start = Math.max(0, values.length - capacity);
    for (let i = start; i < values.length; i++) ring.push(values[i] ?? 0);
    return ring;
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.buf.length;
  }

  push(price: number): void {
    this.buf[this.head] = price;
    this.head = (this.head + 1) % this.buf.length;
    if (this.size < this.buf.length) this.size++;
  }

  /** k-th most recent value (0 = latest); NaN when k is out of range so hot-path callers need no try/catch. */
  back(k: number): number {
    if (k < 0 || k >= this.size) return Number.NaN;
    let idx = this.head - 1 - k;
    if (idx < 0) idx += this.buf.length;
    return this.buf[idx] ?? Number.NaN;
  }

  /** Oldest-to-newest copy, for snapshots. */
  toArray(): number[] {
    const out: number[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.back(this.size - 1 - i);
    return out;
  }

  clone(): PriceRing {
    return PriceRing.from(this.toArray(), this.buf.length);
  }
}
