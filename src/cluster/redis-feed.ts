// Gateway: reads the Redis stream with blocking reads and hands each event to the local hub once, in order; after an
// outage it continues from the last id it delivered, so its clients see no gap and no duplicate. Every entry names its
// history (epoch, writer): a new epoch makes every client resync, a history that moved backwards is never delivered.
import type { Downstream } from '../engine/upstream.ts';
import { describeError } from '../lib/describe-error.ts';
import { CloseReason } from '../protocol/codes.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { type FeedPosition, judgeEntry, judgeMeta, newestRunOf, parseMeta, type StreamMeta } from './feed-rules.ts';
import { SEEN_SCRIPT } from './fenced-scripts.ts';
import type { RedisLink } from './redis-link.ts';
import { COMMAND_TIMEOUT_MS } from './redis-link.ts';
import { type ClusterKeys, decodeEntries, decodeLatestHash, streamId } from './stream-codec.ts';

const BLOCK_MS = 1000;
const COUNT = 1000;

export class RedisFeed {
  /** The last sequence handed to the hub. */
  lastSeq = 0;
  epoch = '';
  /** The writer whose entries we deliver (checked to continue our history). */
  writer = '';
  synced = false;
  /** Why delivery is held (the history moved backwards), for /health; null while delivering. */
  held: string | null = null;
  lastLagSeconds: number | null = null;
  /** Where the next read starts (≥ lastSeq): steps past entries that cannot be delivered, e.g. malformed ones. */
  private cursor = 0;
  /** An entry of an epoch the meta hash does not name (never expected): stepped past on the next sync. */
  private foreignAt = 0;
  private reloadLatest = false;
  private closed = false;
  private loop: Promise<void> | null = null;
  private readonly firstSync: Promise<void>;
  private resolveFirstSync!: () => void;

  constructor(
    private readonly commands: RedisLink,
    private readonly reader: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly hub: Downstream,
    private readonly metrics: ClusterMetrics,
    private readonly log: (line: string) => void,
  ) {
    this.firstSync = new Promise((r) => (this.resolveFirstSync = r));
  }

  /** Start reading; resolves after the first successful sync (epoch, snapshot and history loaded). */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.firstSync;
  }

  get healthy(): boolean {
    return this.synced && this.held === null && this.reader.state === 'up' && this.commands.state === 'up';
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.commands.close();
    this.reader.close();
    await this.loop;
  }

  private get position(): FeedPosition {
    return { epoch: this.epoch, writer: this.writer, lastSeq: this.lastSeq };
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.commands.whenUp();
        await this.reader.whenUp();
        if (this.closed) return;
        if (!this.synced) await this.sync();
        else if (this.held !== null) await this.checkHeld();
        else {
          if (this.reloadLatest) await this.loadLatest();
          await this.readOnce();
        }
      } catch (error) {
        if (this.closed) return;
        if (this.synced) this.log(`lineage: redis read paused: ${describeError(error)}`);
        this.synced = false;
        await Bun.sleep(50);
      }
    }
  }

  private async readMeta(): Promise<StreamMeta> {
    return parseMeta(await this.commands.send('HGETALL', [this.keys.meta]));
  }

  /** First start, a new epoch, or back after an outage: check the history we follow is still the one in Redis. */
  private async sync(): Promise<void> {
    const meta = await this.readMeta();
    if (meta.epoch === null) throw new Error('no simulation has published to this Redis prefix yet');
    if (meta.epoch !== this.epoch) await this.load(meta);
    else {
      if (this.foreignAt > this.cursor) {
        this.log(`lineage: stream entry ${this.foreignAt} names an epoch that Redis's meta does not; skipped`);
        this.cursor = this.foreignAt;
      }
      await this.follow(meta);
    }
    this.foreignAt = 0;
    this.synced = true;
    this.resolveFirstSync();
  }

  /** Same epoch: adopt a writer that continues our history, hold on one that went backwards. */
  private async follow(meta: StreamMeta): Promise<void> {
    const verdict = judgeMeta(this.position, meta);
    if (verdict === 'new_writer') this.writer = meta.writer as string;
    else if (verdict === 'backwards') await this.hold(meta.writer as string, meta.head ?? 0);
    else if (verdict === 'epoch_changed') this.synced = false;
  }

  /** Load a history from Redis (snapshot and recent events) and switch to it in one step; clients of another epoch resync. */
  private async load(meta: StreamMeta): Promise<void> {
    const epoch = meta.epoch as string;
    const [latest, recent] = await Promise.all([
      this.commands.send('HGETALL', [this.keys.latest]),
      this.commands.send('XREVRANGE', [this.keys.events, '+', '-', 'COUNT', String(this.hub.historyCapacity)]),
    ]);
    const entries = newestRunOf(decodeEntries(Array.isArray(recent) ? recent.slice().reverse() : []).entries, epoch);
    const events = entries.map((e) => e.event);
    // Everything below is synchronous: a client reconnecting meanwhile sees the old history or the new, never a mix.
    const previous = this.epoch;
    this.lastSeq = events.length > 0 ? (events[events.length - 1] as PublishedEvent).sequence : 0;
    this.cursor = this.lastSeq;
    this.epoch = epoch;
    this.writer = meta.writer ?? entries[entries.length - 1]?.writer ?? '';
    this.held = null;
    this.reloadLatest = false;
    if (previous !== '') this.log(`lineage: upstream history changed: epoch ${previous} → ${epoch}; clients resync`);
    // One step: the hub takes the new history and latest state, and (for another epoch) makes its clients resync.
    this.hub.adopt({
      epoch,
      head: this.lastSeq,
      symbols: meta.symbols,
      ...(meta.families === undefined ? {} : { families: meta.families }),
      history: events,
      latest: decodeLatestHash(latest),
      ...(previous !== '' ? { resync: CloseReason.historyChanged } : {}),
    });
  }

  /** After a gap the snapshot hash is authoritative (it is written with every append): take it as the latest state. */
  private async loadLatest(): Promise<void> {
    const latest = decodeLatestHash(await this.commands.send('HGETALL', [this.keys.latest]));
    this.hub.adopt({ epoch: this.epoch, head: this.lastSeq, symbols: [], latest });
    this.reloadLatest = false;
  }

  private async readOnce(): Promise<void> {
    const args = [
      'BLOCK',
      String(BLOCK_MS),
      'COUNT',
      String(COUNT),
      'STREAMS',
      this.keys.events,
      streamId(this.cursor),
    ];
    const reply = (await this.reader.send('XREAD', args, BLOCK_MS + COMMAND_TIMEOUT_MS)) as Record<
      string,
      unknown
    > | null;
    if (this.closed) return;
    if (reply === null) {
      // Quiet stream: make sure it is still the history we follow (a new epoch, or a writer that went backwards).
      await this.follow(await this.readMeta());
      return;
    }
    const batch = decodeEntries(reply[this.keys.events]);
    if (batch.malformed > 0)
      this.log(`lineage: ${batch.malformed} stream entr${batch.malformed === 1 ? 'y' : 'ies'} not decodable; skipped`);
    const now = Date.now();
    let delivered = 0;
    let newest: PublishedEvent | null = null;
    let stopped = false;
    for (const entry of batch.entries) {
      let verdict = judgeEntry(this.position, entry);
      if (verdict.kind === 'new_writer') {
        this.writer = entry.writer;
        verdict = judgeEntry(this.position, entry);
      }
      if (verdict.kind === 'epoch_changed') {
        this.foreignAt = entry.event.sequence;
        this.synced = false;
        stopped = true;
        break;
      }
      if (verdict.kind === 'backwards') {
        await this.hold(entry.writer, entry.head);
        stopped = true;
        break;
      }
      if (verdict.kind !== 'deliver') continue;
      if (verdict.gap) this.gap(entry.event.sequence);
      this.hub.publish(entry.event);
      this.lastSeq = entry.event.sequence;
      newest = entry.event;
      delivered++;
    }
    this.cursor = stopped ? this.lastSeq : Math.max(this.lastSeq, batch.top);
    if (newest !== null) {
      this.lastLagSeconds = Math.max(0, (now - newest.created_at) / 1000);
      this.metrics.read(delivered, this.lastLagSeconds);
    }
  }

  /**
   * A writer of our epoch started below what we delivered (its database is an older copy): its sequences name other
   * events than the ones our clients have. Deliver none of them, tell the sim node (`seen`, so it starts a new epoch),
   * and wait for that epoch.
   */
  private async hold(writer: string, head: number): Promise<void> {
    const reason = `history moved backwards: writer ${writer.slice(0, 8)} of epoch ${this.epoch} started at sequence ${head}, this gateway delivered ${this.lastSeq}; waiting for a new epoch`;
    if (this.held !== reason) this.log(`lineage: ${reason}`);
    this.held = reason;
    this.cursor = this.lastSeq;
    await this.commands.send('EVAL', [SEEN_SCRIPT, '1', this.keys.meta, this.epoch, String(this.lastSeq)]);
  }

  private async checkHeld(): Promise<void> {
    await this.commands.send('EVAL', [SEEN_SCRIPT, '1', this.keys.meta, this.epoch, String(this.lastSeq)]);
    const meta = await this.readMeta();
    const verdict = judgeMeta(this.position, meta);
    if (verdict === 'epoch_changed') {
      this.held = null;
      this.synced = false;
    } else if (verdict === 'new_writer' || verdict === 'same') {
      if (verdict === 'new_writer') this.writer = meta.writer as string;
      this.log('lineage: stream continues our history again; delivering');
      this.held = null;
    } else await Bun.sleep(BLOCK_MS / 4);
  }

  /** Events lastSeq+1 .. next-1 are gone upstream: our history cannot cover them, and live clients missed them. */
  private gap(next: number): void {
    this.log(`lineage: stream gap: events ${this.lastSeq + 1}..${next - 1} are not in Redis; clients will resync`);
    this.metrics.gap();
    // What can be resumed is gone; what exists now (the snapshot) is not: keep it, and reload it from Redis.
    this.hub.adopt({ epoch: this.epoch, head: next - 1, symbols: [], resync: CloseReason.streamGap });
    this.reloadLatest = true;
  }
}
