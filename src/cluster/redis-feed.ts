// Gateway: reads the Redis stream with blocking reads and hands each event to the local hub once, in order; after an
// outage it continues from the last id it delivered, so its clients see no gap and no duplicate.
import type { Hub } from '../hub/hub.ts';
import { CloseCode } from '../protocol/codes.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import type { RedisLink } from './redis-link.ts';
import { decodeEntries, decodeEntry, streamId, type ClusterKeys } from './stream-codec.ts';

const BLOCK_MS = 1000;
const COUNT = 1000;

export class RedisFeed {
  /** The last sequence handed to the hub. */
  lastSeq = 0;
  epoch = '';
  symbols: string[] = [];
  synced = false;
  lastLagSeconds: number | null = null;
  private closed = false;
  private loop: Promise<void> | null = null;
  private readonly firstSync: Promise<void>;
  private resolveFirstSync!: () => void;

  constructor(
    private readonly commands: RedisLink,
    private readonly reader: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly hub: Hub,
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
    return this.synced && this.reader.state === 'up' && this.commands.state === 'up';
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.commands.close();
    this.reader.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.commands.whenUp();
        await this.reader.whenUp();
        if (this.closed) return;
        if (!this.synced) await this.sync();
        await this.readOnce();
      } catch (error) {
        if (this.closed) return;
        if (this.synced) this.log(`lineage: redis read paused: ${error instanceof Error ? error.message : String(error)}`);
        this.synced = false;
        await Bun.sleep(50);
      }
    }
  }

  /** Check the epoch; on first start (or a new epoch) load the snapshot and the recent history from Redis. */
  private async sync(): Promise<void> {
    const meta = (await this.commands.send('HGETALL', [this.keys.meta])) as Record<string, string> | null;
    const epoch = meta?.epoch;
    if (epoch === undefined) throw new Error('no simulation has published to this Redis prefix yet');
    if (epoch !== this.epoch) {
      // A new sequence space upstream: nothing we hold can be resumed against it; the hub makes clients resync.
      if (this.epoch !== '') this.log(`lineage: upstream epoch changed ${this.epoch} → ${epoch}; clients must resync`);
      this.epoch = epoch;
      this.lastSeq = 0;
      try {
        this.symbols = JSON.parse(meta?.symbols ?? '[]') as string[];
      } catch {
        this.symbols = [];
      }
      this.hub.adopt({ epoch, head: 0, symbols: this.symbols });
    }
    if (this.lastSeq === 0) await this.loadRecent();
    this.synced = true;
    this.resolveFirstSync();
  }

  private async loadRecent(): Promise<void> {
    const [latest, recent] = (await Promise.all([
      this.commands.send('HGETALL', [this.keys.latest]),
      this.commands.send('XREVRANGE', [this.keys.events, '+', '-', 'COUNT', String(this.hub.history.capacity)]),
    ])) as [Record<string, string> | null, [string, string[]][] | null];
    const events = decodeEntries((recent ?? []).slice().reverse());
    this.hub.history.reset(events.length > 0 ? (events[0] as PublishedEvent).sequence - 1 : 0);
    this.hub.preload(events);
    this.lastSeq = events.length > 0 ? (events[events.length - 1] as PublishedEvent).sequence : 0;
    // The snapshot hash covers symbols/agents whose last event is older than the stream's window.
    for (const [topic, json] of Object.entries(latest ?? {})) {
      const e = snapshotEntry(topic, json);
      if (e !== null && (this.hub.history.latestOf(topic)?.sequence ?? 0) < e.sequence) this.hub.history.setLatest(e);
    }
  }

  private async readOnce(): Promise<void> {
    const reply = (await this.reader.send('XREAD', ['BLOCK', String(BLOCK_MS), 'COUNT', String(COUNT), 'STREAMS', this.keys.events, streamId(this.lastSeq)])) as Record<string, unknown> | null;
    if (reply === null || this.closed) {
      // Quiet stream: make sure it is still ours (the sim may have restarted with a new database).
      await this.checkEpoch();
      return;
    }
    const events = decodeEntries(reply[this.keys.events]);
    if (events.length === 0) return;
    const now = Date.now();
    let delivered = 0;
    for (const e of events) {
      if (e.sequence <= this.lastSeq) continue;
      if (e.sequence !== this.lastSeq + 1 && this.lastSeq !== 0) this.gap(e.sequence);
      this.hub.publish(e);
      this.lastSeq = e.sequence;
      delivered++;
    }
    const newest = events[events.length - 1] as PublishedEvent;
    this.lastLagSeconds = Math.max(0, (now - newest.created_at) / 1000);
    this.metrics.read(delivered, this.lastLagSeconds);
  }

  private async checkEpoch(): Promise<void> {
    const epoch = (await this.commands.send('HGET', [this.keys.meta, 'epoch'])) as string | null;
    if (epoch !== null && epoch !== this.epoch) this.synced = false;
  }

  /** Events lastSeq+1 .. next-1 are gone upstream: our history cannot cover them, and live clients missed them. */
  private gap(next: number): void {
    this.log(`lineage: stream gap: events ${this.lastSeq + 1}..${next - 1} are not in Redis; clients will resync`);
    this.metrics.gap();
    this.hub.history.reset(next - 1);
    this.hub.closeAllForResync(CloseCode.TryAgainLater, 'stream gap: reconnect and resume');
  }
}

/** A `latest` hash entry (`market.BTC-USD` → frame) as an event; null when malformed. */
function snapshotEntry(topic: string, json: string): PublishedEvent | null {
  const dot = topic.indexOf('.');
  const sequence = Number(/"sequence":(\d+)/.exec(json)?.[1] ?? 0);
  if (dot === -1 || sequence <= 0) return null;
  return decodeEntry(streamId(sequence), ['f', topic.slice(0, dot), 'j', json, 'k', topic.slice(dot + 1), 'c', '0']);
}
