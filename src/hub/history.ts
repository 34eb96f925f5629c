// Bounded history of published events (for resume) and the latest state per key (for snapshots). Pure.

import { Books } from '../protocol/books.ts';
import type { KeyedFamily } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { MarketRecent } from './market-recent.ts';

/** Families whose latest event is their key's state (a book's state is built from its deltas instead). */
type LatestFamily = Exclude<KeyedFamily, 'book'>;
const latestMaps = (): Record<LatestFamily, Map<string, PublishedEvent>> => ({
  market: new Map(),
  agent: new Map(),
  trades: new Map(),
  candles: new Map(),
  orders: new Map(),
});

const bySequence = (a: PublishedEvent, b: PublishedEvent): number => a.sequence - b.sequence;

/** A ring buffer of the last `capacity` events, in sequence order. */
export class EventHistory {
  private readonly ring: (PublishedEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** Latest event per key, one map per family, so a family's snapshot never walks the other's entries. */
  private readonly latest = latestMaps();
  /**
   * Each family's latest states oldest first, built when first asked for after a change: every connect or subscribe
   * to a whole family takes its snapshot, far more often than a step changes it.
   */
  private readonly sorted = new Map<LatestFamily, readonly PublishedEvent[]>();
  /** Every symbol's book, built from the stream's book events. */
  readonly books = new Books();
  /** Recent trades and candles per symbol (for the REST API). */
  readonly market = new MarketRecent();
  /** The latest arena round, kept beside the per-key maps so it survives the ring wrapping. */
  private arena: PublishedEvent | undefined;
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array(capacity);
  }

  /** Append an event; sequences must strictly increase. Returns false (and keeps nothing) otherwise. */
  append(event: PublishedEvent): boolean {
    if (event.sequence <= this.head) return false;
    this.head = event.sequence;
    if (this.size < this.capacity) {
      this.ring[(this.start + this.size) % this.capacity] = event;
      this.size++;
    } else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
    this.setLatest(event);
    this.market.take(event);
    if (event.retired)
      for (const id of event.retired) {
        if (this.latest.agent.delete(id)) this.sorted.delete('agent');
        if (this.latest.orders.delete(id)) this.sorted.delete('orders');
      }
    return true;
  }

  /** Remember an event as the latest of its symbol/agent (or as the latest round) without adding it to the ring. */
  setLatest(event: PublishedEvent): void {
    if (event.family === 'arena') this.arena = event;
    else if (event.family === 'book') this.books.take(event);
    else if (event.key !== null) {
      this.latest[event.family].set(event.key, event);
      this.sorted.delete(event.family);
    }
  }

  /** Replace the whole latest state with `events` (an authoritative snapshot loaded from elsewhere, e.g. Redis). */
  replaceLatest(events: readonly PublishedEvent[]): void {
    for (const map of Object.values(this.latest)) map.clear();
    this.sorted.clear();
    this.books.clear();
    this.arena = undefined;
    this.mergeLatest(events);
  }

  /** Lay `events` over the latest state (a start's book snapshots over what the preloaded history said). */
  mergeLatest(events: readonly PublishedEvent[]): void {
    for (const e of events) this.setLatest(e);
    // A book snapshot may be older than the ring's newest deltas: they carry it on (older ones are skipped).
    for (let i = 0; i < this.size; i++) {
      const e = this.at(i) as PublishedEvent;
      if (e.family === 'book') this.books.take(e);
    }
  }

  /** Forget everything, latest state included, and continue after `sequence` (a new epoch upstream). */
  reset(sequence: number): void {
    this.clearRing(sequence);
    this.replaceLatest([]);
    this.market.clear();
  }

  /**
   * Forget the replayable events but keep the latest state, and continue after `sequence` (an unrecoverable gap in the
   * same epoch: what can be resumed is gone, what exists now has not changed).
   */
  clearRing(sequence: number): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.head = sequence;
  }

  /** The latest state of every key (books as snapshots), and the latest round (for re-publishing the snapshot). */
  latestAll(): PublishedEvent[] {
    const keyed = Object.values(this.latest).flatMap((map) => [...map.values()]);
    return [...keyed, ...this.books.snapshots(), ...(this.arena ? [this.arena] : [])];
  }

  /** Set the newest sequence without an event (a restart that continues an earlier sequence). */
  resetHead(sequence: number): void {
    if (sequence > this.head) this.head = sequence;
  }

  /** The newest sequence published. */
  get sequence(): number {
    return this.head;
  }

  /** The oldest sequence still replayable (head + 1 when empty: nothing to replay). */
  get oldest(): number {
    return this.size === 0 ? this.head + 1 : (this.at(0) as PublishedEvent).sequence;
  }

  get length(): number {
    return this.size;
  }

  /** The i-th retained event, 0 = oldest. */
  at(i: number): PublishedEvent | undefined {
    if (i < 0 || i >= this.size) return undefined;
    return this.ring[(this.start + i) % this.capacity];
  }

  /** Index of the first retained event with sequence > `since` (= length when none). */
  indexAfter(since: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid) as PublishedEvent).sequence <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Can every event after `since` still be replayed? */
  covers(since: number): boolean {
    return since >= this.oldest - 1 && since <= this.head;
  }

  /** An event as the state of its key: itself, or for a book delta the book's snapshot as it stands now. */
  stateOf(event: PublishedEvent): PublishedEvent {
    if (event.family !== 'book' || event.key === null) return event;
    return this.books.snapshot(event.key) ?? event;
  }

  /** Latest state of one key (`market.BTC-USD`, `agent.Balanced`, `book.ETH-USD`). */
  latestOf(topic: string): PublishedEvent | undefined {
    const dot = topic.indexOf('.');
    const family = topic.slice(0, dot);
    const key = topic.slice(dot + 1);
    if (family === 'book') return this.books.snapshot(key);
    return family in this.latest ? this.latest[family as LatestFamily].get(key) : undefined;
  }

  /** Is there a live agent (or a key of another family) with this key? O(1): used on every connect and subscribe. */
  has(family: KeyedFamily, key: string): boolean {
    return family === 'book' ? this.books.mirror(key) !== undefined : this.latest[family].has(key);
  }

  /** Latest states of a whole family, or of one key, oldest first (shared: not to be changed). */
  latestFor(family: KeyedFamily, key: string | null): readonly PublishedEvent[] {
    if (family === 'book') {
      const books = key === null ? this.books.snapshots() : [this.books.snapshot(key)];
      return books.filter((e) => e !== undefined).sort(bySequence);
    }
    if (key !== null) {
      const one = this.latest[family].get(key);
      return one ? [one] : [];
    }
    let all = this.sorted.get(family);
    if (all === undefined) {
      all = [...this.latest[family].values()].sort(bySequence);
      this.sorted.set(family, all);
    }
    return all;
  }

  /** Latest arena event, if any (whether or not it is still in the ring). */
  latestArena(): PublishedEvent | undefined {
    return this.arena;
  }
}
