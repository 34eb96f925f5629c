// State shared by every connection of one load process: the measurement window, error counts, the clock.
import { FirstArrival } from '../stats/first-arrival.ts';
import { Histogram } from '../stats/histogram.ts';
import { newScannedEvent } from './frame-scan.ts';

export class FleetContext {
  /** Wall-clock epoch ms with sub-millisecond precision (comparable with the server's ms timestamps). */
  readonly now = () => performance.timeOrigin + performance.now();
  readonly scratch = newScannedEvent();
  readonly window = {
    active: false,
    deliveries: 0,
    bytes: 0,
    startedAt: 0,
    ages: new Histogram(),
    firstAges: new Histogram(),
  };
  readonly firstArrival = new FirstArrival(this.window.firstAges);
  readonly errors: Record<string, number> = {};
  /** Set at the end of a run: connections stop counting so the reference can catch up with them. */
  frozen = false;

  constructor(readonly connectTimeoutMs: number) {}

  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }
}

/** What a group of clients counted while the window was open (the slow readers keep theirs apart). */
export interface Tally {
  deliveries: number;
  bytes: number;
  conflatedFrames: number;
  replaced: number;
  /** Age on arrival of what they received: how stale a slow reader's picture of the market is. */
  ages: Histogram;
}

export function newTally(): Tally {
  return { deliveries: 0, bytes: 0, conflatedFrames: 0, replaced: 0, ages: new Histogram() };
}

export function resetTally(t: Tally): void {
  t.deliveries = 0;
  t.bytes = 0;
  t.conflatedFrames = 0;
  t.replaced = 0;
  t.ages.reset();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

/** Uniform in [lo, hi]. */
export function between([lo, hi]: readonly [number, number]): number {
  return lo + Math.random() * (hi - lo);
}

/** Run `fn` over `items` with at most `limit` at once. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
