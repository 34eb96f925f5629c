// Sim node: appends every journaled event to the Redis stream in sequence order, with the latest-state snapshot and the
// rounds page; after an outage it re-appends from the hub's history, so gateways continue without a gap or a duplicate.
// Every write is fenced in Redis by the writer lease and the epoch (fenced-scripts.ts).
import type { RecentEvents } from '../engine/upstream.ts';
import { describeError } from '../lib/describe-error.ts';
import { Books } from '../protocol/books.ts';
import { summarizeRound } from '../protocol/round-summary.ts';
import type { TopicFamily } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { appendArgs, claimArgs, Fence, fenceReply, RELEASE_SCRIPT, RENEW_SCRIPT } from './fenced-scripts.ts';
import type { RedisLink } from './redis-link.ts';
import type { ClusterKeys, Origin } from './stream-codec.ts';

const BATCH = 500;
/** Arena rounds kept in Redis for the gateways. */
export const ROUNDS_KEPT = 500;
/**
 * The writer lease: one sim node per prefix, renewed every third of it. `LINEAGE_TEST_LEASE_MS` shortens it — for
 * tests only, not a supported setting.
 */
export const LEASE_MS = leaseMs(process.env.LINEAGE_TEST_LEASE_MS);
const RENEW_MS = Math.round(LEASE_MS / 3);

export interface PublisherMeta {
  epoch: string;
  symbols: readonly string[];
  /** The topic families the node publishes (gateways offer the same). */
  families: readonly TopicFamily[];
  /** Start a new epoch (this node's database turned out to be an older copy); resolves with it. */
  fork(): Promise<string>;
}

export class RedisPublisher {
  /** The newest sequence known to be in the stream. */
  appended = 0;
  /** Why this node is not publishing (another writer holds the lease, or it stands back), for /health. */
  blocked: string | null = null;
  /** This process's id: the lease's value, and the `w` of every entry it appends. */
  readonly writer = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  private epoch: string;
  /** The journal head when this node took the stream over (the `h` of its entries). */
  private head = 0;
  private synced = false;
  private running = false;
  private closed = false;
  private leaseRenewedAt = 0;
  private standBackUntil = 0;
  private readonly renewTimer: ReturnType<typeof setInterval>;
  /** The books as far as appended: the snapshot hash keeps each book's snapshot, not its last delta. */
  private readonly books = new Books();

  constructor(
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly history: RecentEvents,
    private readonly meta: PublisherMeta,
    private readonly metrics: ClusterMetrics,
    private readonly log: (line: string) => void,
  ) {
    this.epoch = meta.epoch;
    // Keep the lease alive even when no events flow (a long market interval): checked twice per renewal period, so a
    // renewal is never more than 1.5 periods (half a lease) apart. A blocked node retries as often.
    this.renewTimer = setInterval(() => this.kick(), RENEW_MS / 2);
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
    if (this.link.state === 'up')
      await this.link.send('EVAL', [RELEASE_SCRIPT, '1', this.keys.writer, this.writer]).catch(() => undefined);
  }

  private get origin(): Origin {
    return { epoch: this.epoch, writer: this.writer, head: this.head };
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
      this.log(`lineage: redis publish paused: ${describeError(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** Take the stream over (fenced): replace another epoch's stream, fork if ours is ahead of our journal, refresh the snapshot. */
  private async sync(): Promise<void> {
    for (let attempt = 0; attempt < 3 && !this.closed; attempt++) {
      if (!(await this.acquireLease())) return;
      const head = this.history.sequence;
      const origin = { epoch: this.epoch, writer: this.writer, head };
      const latest = this.history.latestAll();
      this.books.replace(latest);
      const [status, top, replaced] = fenceReply(
        await this.link.send('EVAL', claimArgs(this.keys, origin, this.meta, latest, new Date())),
      );
      if (status === Fence.ok) {
        if (replaced === 1)
          this.log(`lineage: the redis stream belonged to another epoch; replaced it with epoch ${this.epoch}`);
        this.head = head;
        // Anything older than our history is gone for good; gateways detect the gap and tell their clients.
        this.appended = Math.max(top, this.history.oldest - 1);
        this.synced = true;
        return;
      }
      if (status === Fence.fork) {
        await this.fork(
          `redis has sequence ${top} of epoch ${this.epoch}, beyond this node's journal (${head}): this database is an older copy`,
        );
        continue;
      }
      if (status === Fence.notHolder) return; // the lease expired between taking it and claiming; the next kick retries
      throw new Error(`unexpected reply to the claim script: ${status}`);
    }
  }

  /** Our history diverged from what was published under our epoch: continue under a new one (clients resync). */
  private async fork(reason: string): Promise<void> {
    this.synced = false;
    this.log(`lineage: ${reason}; starting a new epoch`);
    const epoch = await this.meta.fork();
    this.log(`lineage: epoch ${this.epoch} → ${epoch}: the redis stream is replaced and clients resync`);
    this.epoch = epoch;
  }

  /** Take the writer lease for this prefix, or report who holds it. A node whose lease lapsed stands back first. */
  private async acquireLease(): Promise<boolean> {
    const now = Date.now();
    if (this.leaseRenewedAt > 0 && now - this.leaseRenewedAt > LEASE_MS) {
      // We could not renew in time (a hung or unreachable Redis): another node may have taken over, or may be about to.
      // Stand back for one lease so that a standby gets the stream, instead of racing it when Redis answers again.
      const silentS = Math.round((now - this.leaseRenewedAt) / 1000);
      this.leaseRenewedAt = 0;
      this.standBackUntil = now + LEASE_MS;
      this.blocked = `this node's writer lease lapsed (not renewed for ${silentS} s); standing back ${LEASE_MS / 1000} s so a standby can take over`;
      await this.link.send('EVAL', [RELEASE_SCRIPT, '1', this.keys.writer, this.writer]).catch(() => undefined);
      this.log(`lineage: not publishing: ${this.blocked}`);
      setTimeout(() => this.kick(), LEASE_MS + 10).unref();
    }
    if (now < this.standBackUntil) return false;
    const got = await this.link.send('SET', [this.keys.writer, this.writer, 'NX', 'PX', String(LEASE_MS)]);
    const owner = got === null ? ((await this.link.send('GET', [this.keys.writer])) as string | null) : this.writer;
    if (owner !== this.writer && owner !== null) {
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
    const renewed = await this.link.send('EVAL', [RENEW_SCRIPT, '1', this.keys.writer, this.writer, String(LEASE_MS)]);
    if (renewed === 1) {
      this.leaseRenewedAt = Date.now();
      return;
    }
    // Our lease expired (a long outage) and may be someone else's now: start over from the lease.
    this.synced = false;
  }

  private nextBatch(): PublishedEvent[] {
    const out: PublishedEvent[] = [];
    for (let i = this.history.indexAfter(this.appended); i < this.history.length && out.length < BATCH; i++)
      out.push(this.history.at(i) as PublishedEvent);
    return out;
  }

  /** What the snapshot hash keeps of each event of a batch: a book's snapshot after its last delta in the batch. */
  private states(batch: readonly PublishedEvent[]): (e: PublishedEvent, i: number) => string | null {
    const lastOf = new Map<string, number>();
    batch.forEach((e, i) => {
      if (e.family !== 'book' || e.key === null) return;
      this.books.take(e);
      lastOf.set(e.key, i);
    });
    return (e, i) => {
      if (e.family !== 'book' || e.key === null) return e.json;
      return lastOf.get(e.key) === i ? (this.books.snapshot(e.key)?.json ?? null) : null;
    };
  }

  /** One fenced script per batch: the events (ids above the stream's top only), the snapshot hash and the rounds. */
  private async append(batch: readonly PublishedEvent[]): Promise<void> {
    const args = appendArgs(
      this.keys,
      this.origin,
      this.history.capacity,
      ROUNDS_KEPT,
      batch,
      roundMember,
      this.states(batch),
    );
    const [status, , added] = fenceReply(await this.link.send('EVAL', args));
    switch (status) {
      case Fence.ok:
        this.metrics.appended(added);
        this.appended = Math.max(this.appended, (batch[batch.length - 1] as PublishedEvent).sequence);
        return;
      case Fence.fork:
        return this.fork(
          `a gateway delivered events of epoch ${this.epoch} beyond this node's journal (${this.head}): this database is an older copy`,
        );
      case Fence.notHolder:
        this.log('lineage: the writer lease is no longer ours; re-checking before appending');
        this.synced = false;
        return;
      case Fence.otherEpoch:
        this.log(`lineage: the redis stream is no longer under epoch ${this.epoch}; re-checking before appending`);
        this.synced = false;
        return;
      default:
        throw new Error(`unexpected reply to the append script: ${status}`);
    }
  }
}

/** An arena event as a rounds page shows it (scored by round number); null when its frame is not a round. */
export function roundMember(e: PublishedEvent): { score: number; member: string } | null {
  try {
    const { arena } = JSON.parse(e.json) as {
      arena: { round: number; winner: string; timestamp: string } & Record<string, unknown>;
    };
    if (!Number.isSafeInteger(arena?.round)) return null;
    const { timestamp, ...rest } = arena;
    const endedAt = Date.parse(timestamp);
    const record = {
      round: arena.round,
      ended_at: endedAt,
      winner: arena.winner,
      sequence: e.sequence,
      result: summarizeRound({ ...rest, ended_at: endedAt }),
    };
    return { score: arena.round, member: JSON.stringify(record) };
  } catch {
    return null;
  }
}

function leaseMs(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 300 && n <= 600_000 ? n : 15_000;
}
