// Commits the worker's batches, in order (the outbox hands each one out only after its commit). When another process
// holds the database lock, the same encoded batch is kept and committed again with backoff (the model waits; its step
// is never re-run); a lock that lasts too long stops the node with one line.
import type { Batch, Store } from '../store/store.ts';
import { isLockContention, LOCK_GIVE_UP_MS, nextCommitRetry } from './commit-retry.ts';

/** The lock outlasted the give-up time; the message is the operator's one line. */
export class LockedTooLong extends Error {
  override name = 'LockedTooLong';
}

interface Held {
  batch: Batch;
  attempt: number;
  firstFailureAt: number;
  retryInMs: number;
}

export interface WriterHooks {
  /** A batch (with or without a checkpoint) is on disk. */
  committed(batch: Batch): void;
  notice(message: string): void;
  /** Monotonic milliseconds. */
  mono(): number;
}

export class JournalWriter {
  private held: Held | null = null;

  constructor(
    private readonly store: Store,
    private readonly hooks: WriterHooks,
    private readonly giveUpMs: number = LOCK_GIVE_UP_MS,
  ) {}

  /** A batch is waiting for the lock; nothing newer may be written or published before it. */
  get blocked(): boolean {
    return this.held !== null;
  }

  /** Milliseconds until the held batch is tried again. */
  get retryInMs(): number {
    return this.held?.retryInMs ?? 0;
  }

  /** Commit `batch`, or hold it for a retry (false) when the database is locked by someone else. */
  write(batch: Batch): boolean {
    if (this.held !== null) throw new Error('journal writer: a batch is already waiting to be committed');
    this.held = { batch, attempt: 0, firstFailureAt: 0, retryInMs: 0 };
    return this.retry();
  }

  /** Try the held batch again: true once it is committed. Throws LockedTooLong past the give-up time. */
  retry(): boolean {
    const h = this.held;
    if (h === null) return true;
    try {
      this.store.commit(h.batch);
    } catch (error) {
      if (!isLockContention(error)) throw error;
      const now = this.hooks.mono();
      if (h.attempt === 0) {
        h.firstFailureAt = now;
        const first = h.batch.events[0]?.sequence;
        this.hooks.notice(
          `${this.store.path} is locked by another process; retrying the commit${first === undefined ? '' : ` of sequence ${first} on`} with backoff (nothing is published until it succeeds)`,
        );
      }
      const decision = nextCommitRetry(h.attempt, h.firstFailureAt, now, this.giveUpMs);
      if (decision.kind === 'give_up') {
        const first = h.batch.events[0]?.sequence;
        throw new LockedTooLong(
          `${this.store.path} has been locked by another process for ${Math.round(decision.lockedMs / 1000)} s; stopping${first === undefined ? '' : ` (sequence ${first - 1} is the last committed and published)`}`,
        );
      }
      h.attempt++;
      h.retryInMs = decision.inMs;
      return false;
    }
    this.held = null;
    if (h.attempt > 0)
      this.hooks.notice(
        `${this.store.path} is writable again after ${Math.round(this.hooks.mono() - h.firstFailureAt)} ms; the held events follow`,
      );
    this.hooks.committed(h.batch);
    return true;
  }

  /** At shutdown: keep trying the held batch for up to `ms` (blocking). True when nothing is held any more. */
  drain(ms: number): boolean {
    const deadline = this.hooks.mono() + ms;
    while (this.held !== null) {
      try {
        if (this.retry()) return true;
      } catch (error) {
        if (error instanceof LockedTooLong) return false;
        throw error;
      }
      if (this.hooks.mono() >= deadline) return false;
      Bun.sleepSync(Math.max(10, Math.min(50, this.retryInMs)));
    }
    return true;
  }
}
