// Slow readers inside one load process: each reads at most a set rate and, when the server closes it (1013: too far
// behind), comes back with `since` like a real client; a refused resume ends its window and starts a new one.
import type { ClientRecord } from '../stats/sequence-tracker.ts';
import { SequenceTracker } from '../stats/sequence-tracker.ts';
import type { SlowPlan, SlowReply } from './commands.ts';
import { type FleetContext, mapLimit, newTally, sleep, type Tally } from './fleet-context.ts';
import { type SlowHooks, StreamClient } from './stream-client.ts';

/** A client's pause before it reconnects (what a reconnecting client's first backoff step would be). */
const RECONNECT_DELAY_MS = 100;
/** Consecutive failed reconnects after which a reader gives up (the server is gone, not slow). */
const MAX_ATTEMPTS = 20;

export class SlowRun implements SlowHooks {
  readonly clients: StreamClient[] = [];
  readonly tally: Tally = newTally();
  private readonly closes: Record<string, number> = {};
  private resumed = 0;
  private resumeFailures = 0;
  private failedReconnects = 0;
  private reconnecting = 0;
  private readonly attempts = new Map<StreamClient, number>();
  private stopped = false;

  constructor(
    private readonly ctx: FleetContext,
    private readonly url: string,
    private readonly plan: SlowPlan,
    /** Where windows ended by a refused resume go, for the loss assessment at the end of the run. */
    private readonly finished: ClientRecord[],
  ) {}

  /** Connect every slow reader (reading at full speed until the welcome), then slow each down. */
  async start(): Promise<{ opened: number; failed: number }> {
    const { plan } = this;
    let failed = 0;
    const clients = Array.from(
      { length: plan.count },
      () => new StreamClient(this.ctx, this.url, plan.topics, plan.client.conflateMs === 0, plan.client, this),
    );
    await mapLimit(clients, plan.concurrency, async (c) => {
      this.clients.push(c);
      try {
        await c.connect();
        c.setReadRate(plan.readBytesPerS);
      } catch {
        failed++;
      }
    });
    return { opened: plan.count - failed, failed };
  }

  /**
   * Stop being slow: read at full speed, and wait (up to `catchUpMs`) until every reader is connected, live and has
   * what was published when it was told (`hasCaughtUp`). A reader seconds behind may still be closed with 1013 while
   * it drains its backlog; it resumes, and that close counts here, not after the reply.
   */
  async stop(catchUpMs: number, hasCaughtUp: (c: StreamClient) => boolean): Promise<SlowReply> {
    this.stopped = true;
    for (const c of this.clients) c.setReadRate(0);
    const deadline = this.ctx.now() + catchUpMs;
    const caughtUp = (c: StreamClient) => c.open && !c.catchingUp && hasCaughtUp(c);
    const settled = () => !this.settling && this.clients.every(caughtUp);
    while (!settled() && this.ctx.now() < deadline) await sleep(20);
    return {
      clients: this.clients.length,
      deliveries: this.tally.deliveries,
      bytes: this.tally.bytes,
      conflatedFrames: this.tally.conflatedFrames,
      replaced: this.tally.replaced,
      ages: this.tally.ages.toData(),
      closes: { ...this.closes },
      resumed: this.resumed,
      resumeFailed: this.resumeFailures,
      failedReconnects: this.failedReconnects,
      caughtUp: this.clients.filter(caughtUp).length,
    };
  }

  /** Some reader the server closed is on its way back (owed what it missed: a drain has to wait for it). */
  get settling(): boolean {
    return this.reconnecting > 0;
  }

  closedByServer(client: StreamClient, code: number): void {
    this.closes[String(code)] = (this.closes[String(code)] ?? 0) + 1;
    void this.reconnect(client);
  }

  resumeFailed(client: StreamClient, head: number): void {
    this.resumeFailures++;
    this.finished.push(client.tracker.record(client.topics, false, client.checked));
    client.tracker = new SequenceTracker();
    client.tracker.begin(head);
  }

  private async reconnect(client: StreamClient): Promise<void> {
    const attempt = (this.attempts.get(client) ?? 0) + 1;
    this.attempts.set(client, attempt);
    if (attempt > MAX_ATTEMPTS || this.ctx.frozen) {
      this.failedReconnects++;
      return;
    }
    this.reconnecting++;
    try {
      await sleep(RECONNECT_DELAY_MS);
      const refusedBefore = this.resumeFailures;
      await client.connect(client.tracker.begun ? client.tracker.last : null);
      this.attempts.delete(client);
      if (this.resumeFailures === refusedBefore) this.resumed++;
      if (!this.stopped) client.setReadRate(this.plan.readBytesPerS);
    } catch {
      // Closed while resuming: its close handler has started the next attempt. Timed out: drop it, try again.
      if (client.open) {
        client.close();
        void this.reconnect(client);
      }
    } finally {
      this.reconnecting--;
    }
  }
}
