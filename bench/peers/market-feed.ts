// The reference servers' event source: Lineage-shaped market frames on Lineage's schedule, with a resume ring.

import { pacedNow } from './paced-clock.ts';

/** The topics a market event goes out on, as in Lineage: the family and the symbol's own topic. */
export function marketTopics(symbol: string): [string, string] {
  return ['market', `market.${symbol}`];
}

export interface FeedEvent {
  sequence: number;
  symbol: string;
  json: string;
}

export interface FeedOptions {
  symbols: readonly string[];
  intervalMs: number;
  /** Events kept for `since` resumes. */
  history: number;
  publish(event: FeedEvent): void;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * One market event per symbol per interval, stamped with the step's scheduled time (ms) like Lineage's worker, with
 * one contiguous `sequence` (only market events exist here, so every `market` subscriber sees 1, 2, 3, …).
 */
export class MarketFeed {
  sequence = 0;
  private readonly prices: number[];
  private readonly ring: (FeedEvent | undefined)[];
  private ringStart = 0;
  private ringSize = 0;
  private nextDueAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private rng = 0x2545f491;

  constructor(private readonly options: FeedOptions) {
    this.prices = options.symbols.map((_, i) => 10 + ((i * 7919) % 40_000));
    this.ring = new Array(Math.max(1, options.history));
  }

  /** Run on a timer from now (the Node peer; the Bun peer is clocked by a worker instead). */
  start(): void {
    this.schedule(pacedNow());
    this.loop();
  }

  /** The first step is due at `at` (advanceTo then runs the steps due). */
  schedule(at: number): void {
    this.nextDueAt = at;
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Oldest sequence still replayable (head + 1 when empty). */
  get oldest(): number {
    const first = this.ring[this.ringStart];
    return this.ringSize === 0 || first === undefined ? this.sequence + 1 : first.sequence;
  }

  /** Can every event after `since` be replayed? */
  covers(since: number): boolean {
    return since >= this.oldest - 1 && since <= this.sequence;
  }

  /** Retained events after `since`, oldest first. */
  *after(since: number): Generator<FeedEvent> {
    for (let i = 0; i < this.ringSize; i++) {
      const e = this.ring[(this.ringStart + i) % this.ring.length] as FeedEvent;
      if (e.sequence > since) yield e;
    }
  }

  /** Run every step due by `now` (each stamped with its own scheduled time). */
  advanceTo(now: number): void {
    for (let guard = 0; this.nextDueAt <= now && guard < 100_000; guard++) {
      this.step(this.nextDueAt);
      this.nextDueAt += this.options.intervalMs;
    }
  }

  private loop = (): void => {
    this.advanceTo(pacedNow());
    this.timer = setTimeout(this.loop, Math.max(0, this.nextDueAt - pacedNow()));
  };

  /** One step: an event per symbol, stamped `at` (a scheduled time, ms). */
  step(at: number): void {
    const timestamp = new Date(at).toISOString();
    const symbols = this.options.symbols;
    for (let i = 0; i < symbols.length; i++) {
      const symbol = symbols[i] as string;
      const before = this.prices[i] as number;
      const price = Math.max(0.01, round(before * (1 + (this.random() - 0.5) * 0.01), 2));
      this.prices[i] = price;
      const change_percent = round(((price - before) / before) * 100, 4);
      const sequence = ++this.sequence;
      const json = JSON.stringify({
        event_type: 'market',
        market: { symbol, price, timestamp, change_percent },
        sequence,
      });
      const event = { sequence, symbol, json };
      this.remember(event);
      this.options.publish(event);
    }
  }

  private remember(event: FeedEvent): void {
    if (this.ringSize < this.ring.length) {
      this.ring[(this.ringStart + this.ringSize) % this.ring.length] = event;
      this.ringSize++;
    } else {
      this.ring[this.ringStart] = event;
      this.ringStart = (this.ringStart + 1) % this.ring.length;
    }
  }

  /** xorshift32 in [0, 1). */
  private random(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 0x1_0000_0000;
  }
}
