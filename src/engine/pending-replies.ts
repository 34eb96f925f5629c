// Request/reply over a Worker's messages: numbered requests, each answered once or timed out.
import { BusyError } from './query-gate.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingReplies {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  /** Register a request; `send` posts it with its id. A request not answered within `timeoutMs` fails as busy. */
  request(send: (id: number) => void, timeoutMs: number): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BusyError(`the query did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      send(id);
    });
  }

  /** A reply arrived (unknown ids, e.g. timed out ones, are ignored). */
  settle(reply: { id: number; ok: boolean; result?: unknown; error?: string }): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(reply.error ?? 'query failed'));
  }

  /** Fail every open request (the worker is gone). */
  failAll(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
      this.pending.delete(id);
    }
  }
}
