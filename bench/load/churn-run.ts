// Churn inside one load process: connections that toggle a subscription, and connections that connect and leave.
import { Histogram } from '../stats/histogram.ts';
import type { ClientRecord } from '../stats/sequence-tracker.ts';
import type { ChurnPlan, ChurnReply } from './commands.ts';
import { between, type FleetContext, sleep } from './fleet-context.ts';
import { StreamClient } from './stream-client.ts';

const ACK_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;

export class ChurnRun {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly startedAt: number;
  private connects = 0;
  private readonly connectMs = new Histogram();
  private subscribeOps = 0;
  private readonly ackMs = new Histogram();

  constructor(
    private readonly ctx: FleetContext,
    private readonly url: string,
    private readonly plan: ChurnPlan,
    /** Where closed windows go, for the loss assessment at the end of the run. */
    private readonly finished: ClientRecord[],
  ) {
    this.startedAt = ctx.now();
    for (let i = 0; i < plan.togglers; i++) this.loops.push(this.toggle(i));
    for (let i = 0; i < plan.loopers; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<ChurnReply> {
    this.stopped = true;
    const seconds = (this.ctx.now() - this.startedAt) / 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(this.loops), new Promise((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    return {
      connects: this.connects,
      connectMs: this.connectMs.toData(),
      subscribeOps: this.subscribeOps,
      ackMs: this.ackMs.toData(),
      seconds,
    };
  }

  /** Hold `toggleBase`; subscribe and unsubscribe one topic after another, timing each acknowledgement. */
  private async toggle(offset: number): Promise<void> {
    const { plan, ctx } = this;
    const client = new StreamClient(ctx, this.url, plan.toggleBase, false);
    try {
      await client.connect();
      for (let i = offset; !this.stopped; i++) {
        const topic = plan.toggleTopics[i % plan.toggleTopics.length] as string;
        for (const op of ['subscribe', 'unsubscribe'] as const) {
          const t0 = ctx.now();
          await client.request({ op, topics: [topic] }, ACK_TIMEOUT_MS);
          this.ackMs.record(ctx.now() - t0);
          this.subscribeOps++;
          await sleep(between(plan.toggleGapMs));
        }
      }
    } catch {
      ctx.error('toggler_failed');
    } finally {
      client.close();
      this.finished.push(client.tracker.record(plan.toggleBase, false, false));
    }
  }

  /** Connect, hold for a while, leave; every window is checked for loss up to its last event. */
  private async loop(): Promise<void> {
    const { plan, ctx } = this;
    for (let guard = 0; !this.stopped && guard < 1_000_000; guard++) {
      const client = new StreamClient(ctx, this.url, plan.looperTopics, true);
      const t0 = ctx.now();
      try {
        await client.connect();
        this.connectMs.record(ctx.now() - t0);
        this.connects++;
        await sleep(between(plan.holdMs));
      } catch {
        ctx.error('looper_connect_failed');
        await sleep(50);
      } finally {
        client.close();
        this.finished.push(client.tracker.record(plan.looperTopics, false, true));
      }
    }
  }
}
