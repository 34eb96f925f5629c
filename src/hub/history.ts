// Bounded history of published events (for resume) and the latest event per symbol/agent (for snapshots). Pure.
import type { PublishedEvent } from '../protocol/worker-messages.ts';

/** A ring buffer of the last `capacity` events, in sequence order. */
export class EventHistory {
  private readonly ring: (PublishedEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** Latest event per key, one map per family, so a family's snapshot never walks the other's entries. */
  private readonly latest = { market: new Map<string, PublishedEvent>(), agent: new Map<string, PublishedEvent>() };
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
    if (event.retired) for (const id of event.retired) this.latest.agent.delete(id);
    return true;
  }

  /** Remember an event as the latest of its symbol/agent (or as the latest round) without adding it to the ring. */
  setLatest(event: PublishedEvent): void {
    if (event.family === 'arena') this.arena = event;
    else if (event.key !== null) this.latest[event.family].set(event.key, event);
  }

  /** Replace the whole latest state with `events` (an authoritative snapshot loaded from elsewhere, e.g. Redis). */
  replaceLatest(events: readonly PublishedEvent[]): void {
    this.latest.market.clear();
    this.latest.agent.clear();
    this.arena = undefined;
    for (const e of events) this.setLatest(e);
  }

  /** Forget everything, latest state included, and continue after `sequence` (a new epoch upstream). */
  reset(sequence: number): void {
    this.clearRing(sequence);
    this.replaceLatest([]);
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

  /** The latest event of every symbol/agent, and the latest round (for re-publishing the snapshot). */
  latestAll(): PublishedEvent[] {
    return [...this.latest.market.values(), ...this.latest.agent.values(), ...(this.arena ? [this.arena] : [])];
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

  /** Latest event of one symbol/agent (`market.BTC-USD`, `agent.Balanced`). */
  latestOf(topic: string): PublishedEvent | undefined {
    const dot = topic.indexOf('.');
    const family = topic.slice(0, dot);
    if (family !== 'market' && family !== 'agent') return undefined;
    return this.latest[family].get(topic.slice(dot + 1));
  }

  /** Is there a live symbol/agent with this key? O(1): used on every connect and subscribe. */
  has(family: 'market' | 'agent', key: string): boolean {
    return this.latest[family].has(key);
  }

  /** Latest events of a whole family, or of one key. */
  latestFor(family: 'market' | 'agent', key: string | null): PublishedEvent[] {
    if (key !== null) {
      const one = this.latest[family].get(key);
      return one ? [one] : [];
    }
    return [...this.latest[family].values()].sort((a, b) => a.sequence - b.sequence);
  }

  /** Latest arena event, if any (whether or not it is still in the ring). */
  latestArena(): PublishedEvent | undefined {
    return this.arena;
  }
}
