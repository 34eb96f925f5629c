// Per client address: the connections it holds (WebSockets and SSE streams) and a token bucket of its upgrades and
// requests, each off at 0. The buckets are swept as they refill, so an address seen once costs nothing for long.

/** Refilled buckets are dropped every SWEEP_MS, or every second once more than SWEEP_AT addresses are tracked. */
const SWEEP_AT = 10_000;
const SWEEP_MS = 10_000;
/** A hard bound: past it (after a sweep) the buckets start over rather than grow without end. */
const MAX_BUCKETS = 200_000;

export interface IpLimitOptions {
  maxConnectionsPerIp: number;
  maxConnectsPerIpPerS: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class IpLimits {
  private readonly held = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    private readonly o: IpLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  /** Spend one request of `address`: null when it may go ahead, else the whole seconds to wait (≥ 1). */
  take(address: string): number | null {
    const rate = this.o.maxConnectsPerIpPerS;
    if (rate === 0) return null;
    const now = this.now();
    const burst = rate * 2;
    if (now - this.lastSweep > (this.buckets.size > SWEEP_AT ? 1000 : SWEEP_MS)) this.sweep(now, burst, rate);
    let b = this.buckets.get(address);
    if (b === undefined) {
      b = { tokens: burst, last: now };
      this.buckets.set(address, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.last) / 1000) * rate);
    b.last = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  }

  /** Does `address` already hold as many connections as one address may? */
  full(address: string): boolean {
    const max = this.o.maxConnectionsPerIp;
    return max > 0 && (this.held.get(address) ?? 0) >= max;
  }

  /** A connection of `address` was admitted (counted from the upgrade on, like the global bound). */
  opened(address: string): void {
    if (this.o.maxConnectionsPerIp > 0) this.held.set(address, (this.held.get(address) ?? 0) + 1);
  }

  /** One of its connections ended (or its upgrade failed). */
  closed(address: string): void {
    const n = this.held.get(address);
    if (n === undefined) return;
    if (n <= 1) this.held.delete(address);
    else this.held.set(address, n - 1);
  }

  /** Addresses tracked (for tests). */
  get size(): { held: number; buckets: number } {
    return { held: this.held.size, buckets: this.buckets.size };
  }

  private sweep(now: number, burst: number, rate: number): void {
    this.lastSweep = now;
    const refill = (burst / rate) * 1000;
    for (const [address, b] of this.buckets) if (now - b.last >= refill) this.buckets.delete(address);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.clear();
  }
}
