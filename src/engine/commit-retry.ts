// What to do when a commit meets another process's lock on the database: retry the same batch with backoff, and give
// up (stopping the node with one line) only when the lock has lasted too long. Pure decisions over a given time.

/** A database locked by someone else for longer than this stops the node. */
export const LOCK_GIVE_UP_MS = 30_000;
const FIRST_RETRY_MS = 25;
const MAX_RETRY_MS = 1000;

/** SQLITE_BUSY / SQLITE_LOCKED (and their extended codes): another connection holds the lock; nothing was written. */
export function isLockContention(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(e.code)) return true;
  if (typeof e.errno === 'number' && ((e.errno & 0xff) === 5 || (e.errno & 0xff) === 6)) return true;
  return typeof e.message === 'string' && /database (is|table is) locked/i.test(e.message);
}

export type RetryDecision = { kind: 'retry'; inMs: number } | { kind: 'give_up'; lockedMs: number };

/** The `attempt`-th failure (0-based) of a batch first refused at `firstFailureAt`, seen at `now`. */
export function nextCommitRetry(
  attempt: number,
  firstFailureAt: number,
  now: number,
  giveUpMs: number = LOCK_GIVE_UP_MS,
): RetryDecision {
  const lockedMs = now - firstFailureAt;
  if (lockedMs >= giveUpMs) return { kind: 'give_up', lockedMs };
  const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 16));
  return { kind: 'retry', inMs: Math.max(0, Math.min(backoff, giveUpMs - lockedMs)) };
}
