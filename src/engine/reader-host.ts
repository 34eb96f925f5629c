// The main-thread side of the read-only reader worker.
import { type DbQuery, ReaderMessage } from '../protocol/reader-messages.ts';
import { PendingReplies } from './pending-replies.ts';

export class ReaderHost {
  private worker: Worker | null;
  private readonly replies = new PendingReplies();
  private resolveReady: (ok: boolean) => void = () => {};
  /** True once the reader has the database open; false if it could not open it (or stopped first). */
  readonly ready: Promise<boolean> = new Promise((resolve) => (this.resolveReady = resolve));
  /** Why the reader is not usable, once it is not. */
  failure: string | null = null;

  /** Spawns the worker at once (its modules load while the simulation starts); `open` gives it the database. */
  constructor() {
    const worker = new Worker(new URL('./reader-worker.ts', import.meta.url).href);
    this.worker = worker;
    const fail = (message: string) => {
      this.failure ??= message;
      this.replies.failAll(message);
      this.resolveReady(false);
    };
    worker.onmessage = (event: MessageEvent) => {
      const checked = ReaderMessage.safeParse(event.data);
      if (!checked.success) return fail('reader sent an invalid message');
      const data = checked.data;
      if (data.type === 'reply') this.replies.settle(data);
      else if (data.type === 'ready') this.resolveReady(true);
      else fail(data.message);
    };
    worker.onerror = (event: ErrorEvent) => fail(`reader crashed: ${event.message}`);
  }

  /** Open `db` (a file the simulation worker has already opened and migrated); queries sent meanwhile wait for it. */
  open(db: string): void {
    this.worker?.postMessage({ type: 'start', db });
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
    this.resolveReady(false);
  }
}
