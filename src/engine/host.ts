// The main-thread side of the simulation worker: starts it, receives its event batches, stops it in order.
import { WorkerMessage, type PublishedEvent, type SimStats, type WorkerQuery, type WorkerStartOptions } from '../protocol/worker-messages.ts';

export interface Ready {
  epoch: string;
  sequence: number;
  seed: number;
  restored: boolean;
  symbols: string[];
}

export interface HostCallbacks {
  events(batch: PublishedEvent[]): void;
  /** Journaled events from before a restart (arrive before ready). */
  history?(batch: PublishedEvent[]): void;
  stats?(stats: SimStats): void;
  /** The worker failed; the server cannot go on without its single writer. */
  fatal(message: string): void;
}

export class SimulationHost {
  private worker: Worker | null = null;
  private stopping: Promise<void> | null = null;
  private nextQuery = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  /** Ask the single writer a read-only question (agents, an agent's record, arena rounds). */
  query(query: WorkerQuery, timeoutMs = 5000): Promise<unknown> {
    const worker = this.worker;
    if (worker === null || this.stopping !== null) return Promise.reject(new Error('the simulation is not running'));
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the simulation did not answer in time'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ type: 'query', id, query });
    });
  }

  /** Give the database a fresh epoch (written to its meta table); resolves with it. */
  newEpoch(timeoutMs = 5000): Promise<string> {
    const worker = this.worker;
    if (worker === null || this.stopping !== null) return Promise.reject(new Error('the simulation is not running'));
    const id = this.nextQuery++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the simulation did not answer in time'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ type: 'new_epoch', id });
    }).then((epoch) => {
      if (typeof epoch !== 'string' || epoch === '') throw new Error('the simulation answered new_epoch without an epoch');
      return epoch;
    });
  }

  /** Start the worker; resolves when it is ready (its sequence and epoch are known). */
  start(options: WorkerStartOptions, callbacks: HostCallbacks, readyTimeoutMs = 15_000): Promise<Ready> {
    const worker = new Worker(new URL('./worker.ts', import.meta.url).href);
    this.worker = worker;
    return new Promise<Ready>((resolve, reject) => {
      let ready = false;
      const timeout = setTimeout(() => !ready && reject(new Error(`simulation worker not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
      const fail = (message: string) => {
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
          case 'reply': {
            const p = this.pending.get(data.id);
            if (p === undefined) return;
            this.pending.delete(data.id);
            clearTimeout(p.timer);
            if (data.ok) p.resolve(data.result);
            else p.reject(new Error(data.error ?? 'query failed'));
            return;
          }
          case 'new_epoch': {
            const p = this.pending.get(data.id);
            if (p === undefined) return;
            this.pending.delete(data.id);
            clearTimeout(p.timer);
            p.resolve(data.epoch);
            return;
          }
          case 'ready': {
            const checked = WorkerMessage.safeParse(data);
            if (!checked.success || checked.data.type !== 'ready') return fail('simulation worker sent an invalid ready message');
            ready = true;
            clearTimeout(timeout);
            const { epoch, sequence, seed, restored, symbols } = checked.data;
            resolve({ epoch, sequence, seed, restored, symbols });
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
