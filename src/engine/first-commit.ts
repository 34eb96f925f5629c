// The worker's first commit: retried while another process holds the database lock, with the running commits' backoff.

import type { Store } from '../store/store.ts';
import { isLockContention, nextCommitRetry } from './commit-retry.ts';
import { LockedTooLong } from './journal-writer.ts';
import type { Clock } from './pacer.ts';

/** Run a (repeatable) first commit, waiting out another process's lock with the same backoff as running commits. */
export async function commitPatiently(
  store: Store,
  clock: Clock,
  giveUpMs: number | undefined,
  write: () => void,
  notice: (message: string) => void,
): Promise<void> {
  const since = clock.mono();
  for (let attempt = 0; ; attempt++) {
    try {
      write();
      if (attempt > 0) notice(`${store.path} is writable again after ${Math.round(clock.mono() - since)} ms`);
      return;
    } catch (error) {
      if (!isLockContention(error)) throw error;
      const next = nextCommitRetry(attempt, since, clock.mono(), giveUpMs);
      if (next.kind === 'give_up')
        throw new LockedTooLong(
          `${store.path} has been locked by another process for ${Math.round(next.lockedMs / 1000)} s; stopping before the first event`,
        );
      if (attempt === 0) notice(`${store.path} is locked by another process; waiting to begin`);
      await Bun.sleep(next.inMs);
    }
  }
}
