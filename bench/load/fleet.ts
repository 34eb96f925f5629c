// One load process's connections and the commands the harness drives them with.
import { Histogram } from '../stats/histogram.ts';
import { assess } from '../stats/loss.ts';
import type { ClientRecord } from '../stats/sequence-tracker.ts';
import { ChurnRun } from './churn-run.ts';
import type {
  ChurnPlan,
  ChurnReply,
  ClientGroup,
  ClientOptions,
  Command,
  ConnectReply,
  FinishReply,
  LoadInit,
  SlowPlan,
  SlowReply,
  StormReply,
  WindowReply,
} from './commands.ts';
import { FleetContext, mapLimit, resetTally, sleep } from './fleet-context.ts';
import { Reference } from './reference.ts';
import { SlowRun } from './slow-run.ts';
import { StreamClient } from './stream-client.ts';

/** However far behind a server is, the end-of-run drain gives up after this. */
const MAX_DRAIN_MS = 120_000;

export class Fleet {
  readonly ctx: FleetContext;
  readonly reference: Reference;
  /** Connections held for the whole run (loss-checked up to the end). */
  private readonly steady: StreamClient[] = [];
  /** Windows that ended before the run did (churn). */
  private readonly finished: ClientRecord[] = [];
  private churn: ChurnRun | null = null;
  private slow: SlowRun | null = null;
  private slowStopped = false;

  constructor(private readonly init: LoadInit) {
    this.ctx = new FleetContext(init.connectTimeoutMs);
    this.reference = new Reference(this.ctx, init.url, init.referenceTopics);
  }

  async handle(command: Command): Promise<unknown> {
    switch (command.cmd) {
      case 'connect':
        return this.connect(command.groups, command.concurrency, command.client);
      case 'window-start':
        return this.windowStart();
      case 'window-stop':
        return this.windowStop();
      case 'churn-start':
        return this.churnStart(command.plan);
      case 'churn-stop':
        return this.churnStop();
      case 'storm':
        return this.storm(command.offlineMs, command.jitterMs);
      case 'slow-start':
        return this.slowStart(command.plan);
      case 'slow-stop':
        return this.slowStop(command.catchUpMs);
      case 'finish':
        return this.finish(command.stallMs);
    }
  }

  /** Each group's clients hold its topics; every client's loss check is against its own topics. */
  private async connect(groups: ClientGroup[], concurrency: number, client: ClientOptions): Promise<ConnectReply> {
    const { ctx } = this;
    const connectMs = new Histogram();
    let failed = 0;
    const t0 = ctx.now();
    const checked = client.conflateMs === 0;
    const clients = groups.flatMap((g) =>
      Array.from({ length: g.count }, () => new StreamClient(ctx, this.init.url, g.topics, checked, client)),
    );
    await mapLimit(clients, concurrency, async (client) => {
      const started = ctx.now();
      this.steady.push(client);
      try {
        await client.connect();
        connectMs.record(ctx.now() - started);
      } catch {
        failed++;
        client.close();
      }
    });
    return { opened: clients.length - failed, failed, seconds: (ctx.now() - t0) / 1000, connectMs: connectMs.toData() };
  }

  private windowStart(): null {
    const w = this.ctx.window;
    w.active = true;
    w.deliveries = 0;
    w.bytes = 0;
    if (this.slow !== null) resetTally(this.slow.tally);
    w.ages.reset();
    this.ctx.firstArrival.flush();
    w.firstAges.reset();
    w.startedAt = this.ctx.now();
    for (const c of this.steady) c.windowMark = c.tracker.received;
    return null;
  }

  private windowStop(): WindowReply {
    const w = this.ctx.window;
    w.active = false;
    this.ctx.firstArrival.flush();
    let receiving = 0;
    let held = 0;
    for (const c of this.steady) {
      if (!c.open) continue;
      held++;
      if (c.tracker.received > c.windowMark) receiving++;
    }
    return {
      deliveries: w.deliveries,
      bytes: w.bytes,
      seconds: (this.ctx.now() - w.startedAt) / 1000,
      ages: w.ages.toData(),
      firstAges: w.firstAges.toData(),
      receiving,
      held,
    };
  }

  private churnStart(plan: ChurnPlan): null {
    if (this.churn !== null) throw new Error('churn already running');
    this.churn = new ChurnRun(this.ctx, this.init.url, plan, this.finished);
    return null;
  }

  private async churnStop(): Promise<ChurnReply> {
    const churn = this.churn;
    if (churn === null) throw new Error('no churn running');
    this.churn = null;
    return churn.stop();
  }

  private async slowStart(plan: SlowPlan): Promise<ConnectReply> {
    if (this.slow !== null) throw new Error('slow readers already running');
    const t0 = this.ctx.now();
    this.slow = new SlowRun(this.ctx, this.init.url, plan, this.finished);
    const { opened, failed } = await this.slow.start();
    return { opened, failed, seconds: (this.ctx.now() - t0) / 1000, connectMs: new Histogram().toData() };
  }

  private async slowStop(catchUpMs: number): Promise<SlowReply> {
    if (this.slow === null) throw new Error('no slow readers running');
    this.slowStopped = true;
    const index = this.reference.index;
    const at = index.last;
    return this.slow.stop(catchUpMs, (c) => c.tracker.last >= index.lastOn(c.topics, at, c.tracker.start));
  }

  /**
   * Every held connection drops at once, stays away `offlineMs` (plus up to `jitterMs`, like a client's backoff) so it
   * misses events, and comes back with `since` = its last sequence.
   */
  private async storm(offlineMs: number, jitterMs: number): Promise<StormReply> {
    const { ctx } = this;
    const reconnectMs = new Histogram();
    let failed = 0;
    const replayedBefore = this.steady.reduce((n, c) => n + c.replayed, 0);
    for (const c of this.steady) c.close();
    let firstStart = Number.POSITIVE_INFINITY;
    let lastDone = Number.NEGATIVE_INFINITY;
    await Promise.all(
      this.steady.map(async (c) => {
        await sleep(offlineMs + Math.random() * jitterMs);
        const started = ctx.now();
        firstStart = Math.min(firstStart, started);
        try {
          await c.connect(c.tracker.begun ? c.tracker.last : null);
          reconnectMs.record(ctx.now() - started);
        } catch {
          failed++;
          c.close();
        }
        lastDone = Math.max(lastDone, ctx.now());
      }),
    );
    const replayed = this.steady.reduce((n, c) => n + c.replayed, 0) - replayedBefore;
    return {
      reconnected: this.steady.length - failed,
      failed,
      seconds: Math.max(0, lastDone - firstStart) / 1000,
      reconnectMs: reconnectMs.toData(),
      replayed,
    };
  }

  /**
   * End of run: wait until every held connection has what was published up to now (as long as they keep making
   * progress: a server that is behind is late, not lossy), freeze counting, let the reference catch up, then assess
   * every window against it and close everything.
   */
  private async finish(stallMs: number): Promise<FinishReply> {
    const { ctx } = this;
    if (this.churn !== null) await this.churnStop();
    if (this.slow !== null && !this.slowStopped) await this.slowStop(stallMs);
    const held = [...this.steady, ...(this.slow?.clients ?? [])];
    const index = this.reference.index;
    const end = index.last;
    const started = ctx.now();
    let lastProgress = started;
    let progress = -1;
    for (;;) {
      let behind = 0;
      let sum = 0;
      for (const c of held) {
        sum += c.tracker.last;
        if (c.open && c.tracker.begun && c.tracker.last < index.lastOn(c.topics, end, c.tracker.start)) behind++;
      }
      const now = ctx.now();
      // A slow reader the server closed (1013) is not open while it reconnects, but it is owed what it missed.
      if ((behind === 0 && this.slow?.settling !== true) || now - started > MAX_DRAIN_MS) break;
      if (sum !== progress) {
        progress = sum;
        lastProgress = now;
      } else if (now - lastProgress > stallMs) break;
      await sleep(20);
    }
    const drainSeconds = (ctx.now() - started) / 1000;
    ctx.frozen = true;
    let newest = end;
    for (const c of held) newest = Math.max(newest, c.tracker.last);
    for (const r of this.finished) newest = Math.max(newest, r.last);
    const catchUp = ctx.now() + stallMs;
    while (index.last < newest && ctx.now() < catchUp) await sleep(10);
    const records = [...this.finished, ...held.map((c) => c.tracker.record(c.topics, true, c.checked))];
    const loss = assess(records, index, end);
    const open = this.steady.filter((c) => c.open).length;
    this.closeAll();
    return { loss, errors: { ...ctx.errors }, held: open, drainSeconds };
  }

  closeAll(): void {
    for (const c of this.steady) c.close();
    for (const c of this.slow?.clients ?? []) c.close();
    this.reference.close();
  }
}
