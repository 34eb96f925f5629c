// Bun's native topic subscriptions of every socket, kept in step with what each holds, with subscriber counts per topic.
import type { ServerWebSocket } from 'bun';
import { TOPIC_FAMILIES } from '../protocol/topics.ts';
import type { Session } from './session.ts';
import { nativeDiff } from './subscriptions.ts';

type Socket = ServerWebSocket<Session>;

export class NativeSubscriptions {
  /** Subscribers per native topic: deliveries per event without asking Bun, and the per-family gauge. */
  private readonly counts = new Map<string, number>();

  count(topic: string): number {
    return this.counts.get(topic) ?? 0;
  }

  byFamily(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(TOPIC_FAMILIES.map((f) => [f, 0]));
    for (const [topic, n] of this.counts) {
      const family = topic.split('.', 1)[0] as string;
      out[family] = (out[family] ?? 0) + n;
    }
    return out;
  }

  /**
   * Make the socket's native subscriptions `wanted` (its held topics, overlaps removed, less the conflated ones, which
   * the conflator delivers); new ones start live at `head`.
   */
  apply(ws: Socket, head: number, wanted: ReadonlySet<string>): void {
    const data = ws.data;
    const diff = nativeDiff(data.live, wanted);
    for (const t of diff.unsubscribe) {
      ws.unsubscribe(t);
      data.live.delete(t);
      this.decrement(t);
    }
    for (const t of diff.subscribe) {
      if (ws.subscribe(t)) {
        data.live.set(t, head);
        this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
      }
    }
  }

  /** Drop every native subscription of the socket (while it replays history, or when it closes). */
  drop(ws: Socket, socketOpen = true): void {
    const data = ws.data;
    for (const t of data.live.keys()) {
      if (socketOpen) ws.unsubscribe(t);
      this.decrement(t);
    }
    data.live.clear();
  }

  private decrement(topic: string): void {
    const n = (this.counts.get(topic) ?? 1) - 1;
    if (n <= 0) this.counts.delete(topic);
    else this.counts.set(topic, n);
  }
}
