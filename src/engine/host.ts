// The main-thread side of the simulation worker: starts it, receives its event batches, stops it in order.
import {
  type PublishedEvent,
  type SimStats,
  WorkerMessage,
  type WorkerQuery,
  type WorkerStartOptions,
} from '../protocol/worker-messages.ts';
import { PendingReplies } from './pending-replies.ts';

export interface Ready {
  epoch: string;
  sequence: number;
  /** The seed of the database's story (a restored database keeps its own). */
  seed: number;
  restored: boolean;
  /** Events after the checkpoint regenerated and verified against the journal. */
  replayed: number;
  /** Set when the database's story could not be continued and a new epoch began. */
  newEpochReason: string | null;
  symbols: string[];
  /** Each symbol's book as it stands (the history cannot rebuild a book from its deltas alone). */
  latest: PublishedEvent[];
}

export interface HostCallbacks {
  events(batch: PublishedEvent[]): void;
  /** Journaled events from before a restart (arrive before ready). */
  history?(batch: PublishedEvent[]): void;
  stats?(stats: SimStats): void;
  /** A line for the operator (e.g. the database is locked by another process; commits are being retried). */
  notice?(message: string): void;
  /** The worker failed; the server cannot go on without its single writer. */
  fatal(message: string): void;
}

export class SimulationHost {
  private worker: Worker | null = null;
  private stopping: Promise<void> | null = null;
  private readonly replies = new PendingReplies();

  /** Ask the single writer a read-only question (a page of agents, one live agent; database questions for :memory:). */
  query(query: WorkerQuery, timeoutMs = 5000): Promise<unknown> {
    const worker = this.worker;
    if (worker === null || this.stopping !== null) return Promise.reject(new Error('the simulation is not running'));
    return this.replies.request((id) => worker.postMessage({ type: 'query', id, query }), timeoutMs);
  }

  /** Give the database a fresh epoch (written to its meta table); resolves with it. */
  async newEpoch(timeoutMs = 5000): Promise<string> {
    const worker = this.worker;
    if (worker === null || this.stopping !== null) throw new Error('the simulation is not running');
    const epoch = await this.replies.request((id) => worker.postMessage({ type: 'new_epoch', id }), timeoutMs);
    if (typeof epoch !== 'string' || epoch === '')
      throw new Error('the simulation answered new_epoch without an epoch');
    return epoch;
  }

  /** Start the worker; resolves when it is ready (its sequence and epoch are known). */
  start(options: WorkerStartOptions, callbacks: HostCallbacks, readyTimeoutMs = 60_000): Promise<Ready> {
    const worker = new Worker(new URL('./worker.ts', import.meta.url).href);
    this.worker = worker;
    return new Promise<Ready>((resolve, reject) => {
      let ready = false;
      const timeout = setTimeout(
        () => !ready && reject(new Error(`simulation worker not ready after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      const fail = (message: string) => {
        this.replies.failAll(message);
        if (!ready) {
          clearTimeout(timeout);
          reject(new Error(message));
        } else callbacks.fatal(message);
      };
      worker.onmessage = (event: MessageEvent) => {
        const data = event.data as WorkerMessage;
        switch (data?.type) {
          case 'events':
            callbacks.events(data.events);
            return;
          case 'stats':
            callbacks.stats?.(data.stats);
            return;
          case 'history':
            callbacks.history?.(data.events);
            return;
          case 'reply':
            this.replies.settle(data);
            return;
          case 'notice':
            callbacks.notice?.(data.message);
            return;
          case 'new_epoch':
            this.replies.settle({ id: data.id, ok: true, result: data.epoch });
            return;
          case 'ready': {
            const checked = WorkerMessage.safeParse(data);
            if (!checked.success || checked.data.type !== 'ready')
              return fail('simulation worker sent an invalid ready message');
            ready = true;
            clearTimeout(timeout);
            const { epoch, sequence, seed, restored, replayed, newEpochReason, symbols, latest } = checked.data;
            resolve({ epoch, sequence, seed, restored, replayed, newEpochReason, symbols, latest });
            return;
          }
          case 'fatal':
            return fail(data.message);
          case 'stopped':
            return;
          default:
            return fail('simulation worker sent an unknown message');
        }
      };
      worker.onerror = (event: ErrorEvent) => fail(`simulation worker crashed: ${event.message}`);
      worker.postMessage({ type: 'start', options });
    });
  }

  /** Ask the worker to stop (it flushes what it persists), then terminate it. Safe to call twice. */
  stop(timeoutMs = 3000): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    const worker = this.worker;
    if (worker === null) return Promise.resolve();
    this.stopping = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        worker.terminate();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      worker.addEventListener('message', (event: MessageEvent) => {
        if ((event.data as WorkerMessage)?.type === 'stopped') done();
      });
      worker.postMessage({ type: 'stop' });
    });
    return this.stopping;
  }
}
