// Sim node: appends every journaled event to the Redis stream in sequence order, with the latest-state snapshot;
// after an outage it re-appends from the hub's history, so gateways continue without a gap or a duplicate.
import type { EventHistory } from '../hub/history.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import type { RedisLink } from './redis-link.ts';
import { encodeFields, sequenceOf, streamId, type ClusterKeys } from './stream-codec.ts';

const BATCH = 500;
/** Arena rounds kept in Redis for the gateways (the REST API's maximum page). */
export const ROUNDS_KEPT = 500;
/** The writer lease: one sim node per prefix. Renewed well before it expires. */
const LEASE_MS = 15_000;
const RENEW_MS = 5_000;
/** Extend the lease only if we still hold it. */
const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisPublisher {
  /** The newest sequence known to be in the stream. */
  appended = 0;
  private synced = false;
  private running = false;
  private closed = false;
  /** Why this node is not publishing (another writer holds the lease), for /health. */
  blocked: string | null = null;
  private readonly nodeId = crypto.randomUUID();
  private leaseRenewedAt = 0;
  private readonly renewTimer: ReturnType<typeof setInterval>;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly history: EventHistory,
    private readonly meta: { epoch: string; symbols: readonly string[] },
    private readonly metrics: ClusterMetrics,
    private readonly log: (line: string) => void,
  ) {
    // Keep the lease alive even when no events flow (a long market interval).
    this.renewTimer = setInterval(() => this.kick(), RENEW_MS);
    this.renewTimer.unref();
  }

  /** Events were appended to the hub's history: push them out (single flight, in order). */
  kick(): void {
    if (!this.running && !this.closed) void this.pump();
  }

  /** Events not yet in Redis. */
  get pending(): number {
    return Math.max(0, this.history.sequence - this.appended);
  }

  get healthy(): boolean {
    return this.link.state === 'up' && this.synced && this.blocked === null;
  }

  /** The link went down: re-check the stream before the next append. */
  linkDown(): void {
    this.synced = false;
  }

  /** Stop publishing and hand the lease back so another sim node can take over at once. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    if (this.link.state === 'up') await this.link.send('EVAL', [RELEASE_SCRIPT, '1', this.keys.writer, this.nodeId]).catch(() => undefined);
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.link.state === 'up') {
        if (!this.synced) await this.sync();
        if (!this.synced) break;
        if (Date.now() - this.leaseRenewedAt > RENEW_MS) await this.renewLease();
        if (!this.synced) break;
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
    if (!(await this.acquireLease())) return;
    const epoch = (await this.link.send('HGET', [this.keys.meta, 'epoch'])) as string | null;
    if (epoch !== null && epoch !== this.meta.epoch) {
      // Another sequence space (a new database): start the stream over; gateways see the epoch change.
      this.log(`lineage: redis stream belongs to epoch ${epoch}; replacing it with epoch ${this.meta.epoch}`);
      await this.link.send('DEL', [this.keys.events, this.keys.latest, this.keys.rounds]);
    }
    const last = (await this.link.send('XREVRANGE', [this.keys.events, '+', '-', 'COUNT', '1'])) as [string, string[]][] | null;
    let top = last && last.length > 0 ? sequenceOf((last[0] as [string, string[]])[0]) : 0;
    if (top > this.history.sequence) {
      this.log(`lineage: redis stream is ahead of this node (${top} > ${this.history.sequence}); replacing it`);
      await this.link.send('DEL', [this.keys.events, this.keys.latest, this.keys.rounds]);
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

  /** Take the writer lease for this prefix, or report who holds it. */
  private async acquireLease(): Promise<boolean> {
    const got = await this.link.send('SET', [this.keys.writer, this.nodeId, 'NX', 'PX', String(LEASE_MS)]);
    const owner = got === null ? ((await this.link.send('GET', [this.keys.writer])) as string | null) : this.nodeId;
    if (owner !== this.nodeId && owner !== null) {
      const reason = `another sim node (${owner.slice(0, 8)}) publishes to prefix ${this.keys.events.split(':')[0]}`;
      if (this.blocked !== reason) this.log(`lineage: not publishing: ${reason}; retrying while it holds the lease`);
      this.blocked = reason;
      return false;
    }
    if (owner === null) return false;
    if (this.blocked !== null) this.log('lineage: took over publishing to Redis');
    this.blocked = null;
    this.leaseRenewedAt = Date.now();
    return true;
  }

  private async renewLease(): Promise<void> {
    const renewed = await this.link.send('EVAL', [RENEW_SCRIPT, '1', this.keys.writer, this.nodeId, String(LEASE_MS)]);
    if (renewed === 1) {
      this.leaseRenewedAt = Date.now();
      return;
    }
    // Our lease expired (a long outage) and may be someone else's now: start over from the lease.
    this.synced = false;
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
    // Arena rounds for the gateways' REST API, newest first; only rounds appended now (a re-append is not repeated).
    const rounds = batch.filter((e, i) => e.family === 'arena' && results[i]?.status === 'fulfilled').map(roundRecord);
    for (const r of rounds) writes.push(this.link.send('LPUSH', [this.keys.rounds, JSON.stringify(r)]));
    if (rounds.length > 0) writes.push(this.link.send('LTRIM', [this.keys.rounds, '0', String(ROUNDS_KEPT - 1)]));
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

/** An arena event as the sim node's `/api/arena/rounds` shows a round. */
function roundRecord(e: PublishedEvent): unknown {
  const { arena } = JSON.parse(e.json) as { arena: { round: number; winner: string; timestamp: string } & Record<string, unknown> };
  const { timestamp, ...rest } = arena;
  const endedAt = Date.parse(timestamp);
  return { round: arena.round, ended_at: endedAt, winner: arena.winner, sequence: e.sequence, result: { ...rest, ended_at: endedAt } };
}
