// Bounded history of published events (for resume) and the latest event per symbol/agent (for snapshots). Pure.
import type { PublishedEvent } from '../protocol/worker-messages.ts';

/** A ring buffer of the last `capacity` events, in sequence order. */
export class EventHistory {
  private readonly ring: (PublishedEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** Latest event per key, one map per family, so a family's snapshot never walks the other's entries. */
  private readonly latest = { market: new Map<string, PublishedEvent>(), agent: new Map<string, PublishedEvent>() };
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
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
    if (event.key !== null && event.family !== 'arena') this.latest[event.family].set(event.key, event);
    if (event.retired) for (const id of event.retired) this.latest.agent.delete(id);
    return true;
  }

  /** Remember an event as the latest of its symbol/agent without adding it to the ring (a snapshot loaded from elsewhere). */
  setLatest(event: PublishedEvent): void {
    if (event.key !== null && event.family !== 'arena') this.latest[event.family].set(event.key, event);
  }

  /** Forget everything and continue after `sequence` (an unrecoverable gap or a new epoch upstream). */
  reset(sequence: number): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.latest.market.clear();
    this.latest.agent.clear();
    this.head = sequence;
  }

  /** The latest event of every symbol/agent (for re-publishing the snapshot). */
  latestAll(): PublishedEvent[] {
    return [...this.latest.market.values(), ...this.latest.agent.values()];
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

  /** Latest arena event, if any (kept in the ring only). */
  latestArena(): PublishedEvent | undefined {
    for (let i = this.size - 1; i >= 0; i--) {
      const event = this.at(i) as PublishedEvent;
      if (event.family === 'arena') return event;
    }
    return undefined;
  }
}
