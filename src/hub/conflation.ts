// Conflation, opt in per subscription: at most one event per key (symbol, agent) per interval, always the latest,
// marked `"conflated": k` (how many events it replaced). A target that stops reading keeps one pending event per key
// and is never closed for its conflated topics; when it reads again it gets the latest state. A book's latest state is
// its snapshot (a conflated book update is a fresh snapshot, which keeps the update_id chain valid). Arena rounds and
// trades are never conflated: they stay on the loss-free path.
import { MAX_CONFLATE_MS } from '../protocol/client-messages.ts';
import { markConflated } from '../protocol/encode.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { eventTopics } from './subscriptions.ts';

/** Families whose events are states (the latest one says everything): only these may be conflated. */
export const CONFLATABLE_FAMILIES: ReadonlySet<string> = new Set(['market', 'agent', 'book', 'candles']);
export const MIN_CONFLATE_MS = 10;
/** Intervals are rounded up to this step, so a few timers serve every subscription. */
const STEP_MS = 10;

/** Can `topic` be conflated? (`market`, `market.BTC-USD`, `agent`, `agent.<ID>`.) */
export function conflatable(topic: string): boolean {
  const dot = topic.indexOf('.');
  return CONFLATABLE_FAMILIES.has(dot === -1 ? topic : topic.slice(0, dot));
}

/** The interval a requested `conflate_ms` runs at: rounded up to 10 ms, within 10 ms .. 60 s. */
export function conflationInterval(ms: number): number {
  return Math.min(MAX_CONFLATE_MS, Math.max(MIN_CONFLATE_MS, Math.ceil(ms / STEP_MS) * STEP_MS));
}

/** Where conflated frames go: a WebSocket or an SSE stream. */
export interface ConflationTarget {
  /** Bytes written but not yet taken by the peer. */
  buffered(): number;
  send(json: string): void;
}

export interface Pending {
  event: PublishedEvent;
  /** Events of the same key it replaced. */
  replaced: number;
}

interface Member {
  /** Latest pending event per key topic (`market.BTC-USD`). */
  pending: Map<string, Pending>;
}

interface Bucket {
  timer: ReturnType<typeof setInterval>;
  members: Map<ConflationTarget, Member>;
}

/** Keep the latest of `event`'s key in `pending`, counting what it replaces. */
export function holdLatest(pending: Map<string, Pending>, event: PublishedEvent): void {
  const key = eventTopics(event.family, event.key).at(-1) as string;
  const before = pending.get(key);
  pending.set(key, { event, replaced: before === undefined ? 0 : before.replaced + 1 });
}

/** Pending events oldest first, as the frames a target gets. */
export function conflatedFrames(pending: ReadonlyMap<string, Pending>): string[] {
  return [...pending.values()]
    .sort((a, b) => a.event.sequence - b.event.sequence)
    .map((p) => markConflated(p.event.json, p.replaced));
}

export class Conflator {
  /** topic → target → interval. */
  private readonly byTopic = new Map<string, Map<ConflationTarget, number>>();
  private readonly buckets = new Map<number, Bucket>();
  /** target → its topics (to drop it). */
  private readonly topicsOf = new Map<ConflationTarget, Set<string>>();

  /** @param budget a target with more than this buffered is skipped at a flush (its pending events wait). */
  constructor(private readonly budget: number) {}

  get size(): number {
    return this.topicsOf.size;
  }

  /** Interval timers running (one per interval in use). */
  get intervals(): number {
    return this.buckets.size;
  }

  /** Deliver `topics` (native topics, overlaps already removed) to `target` conflated at their intervals. */
  apply(target: ConflationTarget, topics: ReadonlyMap<string, number>): void {
    this.drop(target);
    if (topics.size === 0) return;
    const mine = new Set<string>();
    for (const [topic, ms] of topics) {
      let subs = this.byTopic.get(topic);
      if (subs === undefined) {
        subs = new Map();
        this.byTopic.set(topic, subs);
      }
      subs.set(target, ms);
      mine.add(topic);
      this.bucket(ms).members.set(target, this.bucket(ms).members.get(target) ?? { pending: new Map() });
    }
    this.topicsOf.set(target, mine);
  }

  /** Stop conflating for `target` (it closed, or is replaying history); its pending events are dropped. */
  drop(target: ConflationTarget): void {
    const mine = this.topicsOf.get(target);
    if (mine === undefined) return;
    for (const topic of mine) {
      const subs = this.byTopic.get(topic);
      subs?.delete(target);
      if (subs?.size === 0) this.byTopic.delete(topic);
    }
    this.topicsOf.delete(target);
    for (const [ms, b] of this.buckets) {
      b.members.delete(target);
      if (b.members.size === 0) {
        clearInterval(b.timer);
        this.buckets.delete(ms);
      }
    }
  }

  /** A published event: keep it as the latest of its key for every target conflating one of its topics. */
  offer(event: PublishedEvent): number {
    let held = 0;
    for (const topic of eventTopics(event.family, event.key)) {
      const subs = this.byTopic.get(topic);
      if (subs === undefined) continue;
      for (const [target, ms] of subs) {
        const member = this.buckets.get(ms)?.members.get(target);
        if (member === undefined) continue;
        holdLatest(member.pending, event);
        held++;
      }
    }
    return held;
  }

  /** Send each member of a bucket its pending events, unless it has not taken what it was sent before. */
  flush(ms: number): void {
    const bucket = this.buckets.get(ms);
    if (bucket === undefined) return;
    for (const [target, member] of bucket.members) {
      if (member.pending.size === 0 || target.buffered() > this.budget) continue;
      for (const frame of conflatedFrames(member.pending)) target.send(frame);
      member.pending.clear();
    }
  }

  stop(): void {
    for (const b of this.buckets.values()) clearInterval(b.timer);
    this.buckets.clear();
    this.byTopic.clear();
    this.topicsOf.clear();
  }

  private bucket(ms: number): Bucket {
    let b = this.buckets.get(ms);
    if (b === undefined) {
      const timer = setInterval(() => this.flush(ms), ms);
      timer.unref?.();
      b = { timer, members: new Map() };
      this.buckets.set(ms, b);
    }
    return b;
  }
}
