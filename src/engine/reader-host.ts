// The main-thread side of the read-only reader worker.
import { ReaderMessage, type DbQuery } from '../protocol/reader-messages.ts';
import { PendingReplies } from './pending-replies.ts';

export class ReaderHost {
  private worker: Worker | null = null;
  private readonly replies = new PendingReplies();

  /** Start the reader on `db` (a file the simulation worker has already opened and migrated). */
  start(db: string, timeoutMs = 10_000): Promise<void> {
    const worker = new Worker(new URL('./reader-worker.ts', import.meta.url).href);
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => !ready && reject(new Error(`reader not ready after ${timeoutMs} ms`)), timeoutMs);
      const fail = (message: string) => {
        this.replies.failAll(message);
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(message));
        }
      };
      worker.onmessage = (event: MessageEvent) => {
        const checked = ReaderMessage.safeParse(event.data);
        if (!checked.success) return fail('reader sent an invalid message');
        const data = checked.data;
        if (data.type === 'reply') this.replies.settle(data);
        else if (data.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          resolve();
        } else fail(data.message);
      };
      worker.onerror = (event: ErrorEvent) => fail(`reader crashed: ${event.message}`);
      worker.postMessage({ type: 'start', db });
    });
  }

  query(query: DbQuery, timeoutMs = 5000): Promise<unknown> {
    const worker = this.worker;
    if (worker === null) return Promise.reject(new Error('the reader is not running'));
    return this.replies.request((id) => worker.postMessage({ type: 'query', id, query }), timeoutMs);
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.replies.failAll('the reader stopped');
  }
}
