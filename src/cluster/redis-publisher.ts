// Sim node: appends every journaled event to the Redis stream in sequence order, with the latest-state snapshot;
// after an outage it re-appends from the hub's history, so gateways continue without a gap or a duplicate.
import type { EventHistory } from '../hub/history.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import type { RedisLink } from './redis-link.ts';
import { encodeFields, sequenceOf, streamId, type ClusterKeys } from './stream-codec.ts';

const BATCH = 500;

export class RedisPublisher {
  /** The newest sequence known to be in the stream. */
  appended = 0;
  private synced = false;
  private running = false;
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly history: EventHistory,
    private readonly meta: { epoch: string; symbols: readonly string[] },
    private readonly metrics: ClusterMetrics,
    private readonly log: (line: string) => void,
  ) {}

  /** Events were appended to the hub's history: push them out (single flight, in order). */
  kick(): void {
    if (!this.running && !this.closed) void this.pump();
  }

  /** Events not yet in Redis. */
  get pending(): number {
    return Math.max(0, this.history.sequence - this.appended);
  }

  get healthy(): boolean {
    return this.link.state === 'up' && this.synced;
  }

  /** The link went down: re-check the stream before the next append. */
  linkDown(): void {
    this.synced = false;
  }

  close(): void {
    this.closed = true;
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.link.state === 'up') {
        if (!this.synced) await this.sync();
        const batch = this.nextBatch();
        if (batch.length === 0) break;
        await this.append(batch);
      }
    } catch (error) {
      this.synced = false;
      this.log(`lineage: redis publish paused: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** Find where the stream ends (it may have been restarted empty, or belong to another epoch) and refresh the snapshot. */
  private async sync(): Promise<void> {
    const epoch = (await this.link.send('HGET', [this.keys.meta, 'epoch'])) as string | null;
    if (epoch !== null && epoch !== this.meta.epoch) {
      // Another sequence space (a new database): start the stream over; gateways see the epoch change.
      this.log(`lineage: redis stream belongs to epoch ${epoch}; replacing it with epoch ${this.meta.epoch}`);
      await this.link.send('DEL', [this.keys.events, this.keys.latest]);
    }
    const last = (await this.link.send('XREVRANGE', [this.keys.events, '+', '-', 'COUNT', '1'])) as [string, string[]][] | null;
    let top = last && last.length > 0 ? sequenceOf((last[0] as [string, string[]])[0]) : 0;
    if (top > this.history.sequence) {
      this.log(`lineage: redis stream is ahead of this node (${top} > ${this.history.sequence}); replacing it`);
      await this.link.send('DEL', [this.keys.events, this.keys.latest]);
      top = 0;
    }
    // Anything older than our history is gone for good; gateways detect the gap and tell their clients.
    this.appended = Math.max(top, this.history.oldest - 1);
    const latest = this.history.latestAll();
    const writes: Promise<unknown>[] = [this.link.send('HSET', [this.keys.meta, 'epoch', this.meta.epoch, 'symbols', JSON.stringify(this.meta.symbols), 'updated_at', new Date().toISOString()])];
    if (latest.length > 0) writes.push(this.link.send('HSET', [this.keys.latest, ...latest.flatMap((e) => [`${e.family}.${e.key}`, e.json])]));
    await Promise.all(writes);
    this.synced = true;
  }

  private nextBatch(): PublishedEvent[] {
    const out: PublishedEvent[] = [];
    for (let i = this.history.indexAfter(this.appended); i < this.history.length && out.length < BATCH; i++) out.push(this.history.at(i) as PublishedEvent);
    return out;
  }

  /** Pipelined XADDs (explicit ids) plus the snapshot hash; a duplicate id means it was already there. */
  private async append(batch: readonly PublishedEvent[]): Promise<void> {
    const cap = String(this.history.capacity);
    const results = await Promise.allSettled(
      batch.map((e) => this.link.send('XADD', [this.keys.events, 'MAXLEN', '~', cap, streamId(e.sequence), ...encodeFields(e)])),
    );
    const snapshot: string[] = [];
    const retired: string[] = [];
    for (const e of batch) {
      if (e.key !== null && e.family !== 'arena') snapshot.push(`${e.family}.${e.key}`, e.json);
      for (const id of e.retired ?? []) retired.push(`agent.${id}`);
    }
    const writes: Promise<unknown>[] = [];
    if (snapshot.length > 0) writes.push(this.link.send('HSET', [this.keys.latest, ...snapshot]));
    if (retired.length > 0) writes.push(this.link.send('HDEL', [this.keys.latest, ...retired]));
    await Promise.all(writes);
    let done = this.appended;
    for (let i = 0; i < results.length; i++) {
      const r = results[i] as PromiseSettledResult<unknown>;
      const seq = (batch[i] as PublishedEvent).sequence;
      if (r.status === 'fulfilled' || /equal or smaller/.test(String((r.reason as Error)?.message ?? r.reason))) done = seq;
      else throw r.reason;
    }
    this.metrics.appended(done - this.appended);
    this.appended = done;
  }
}
