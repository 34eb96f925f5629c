// Reconnect delays: capped exponential backoff with jitter, so a restarted server is not hit by every client at once.
import { type CloseCode, ReconnectRule } from '../protocol/codes.ts';

export interface BackoffOptions {
  /** Delay before the first retry (attempt 0), before jitter. */
  initialMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Share of the delay that is randomized, 0 (none) to 1 (full jitter). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.5 };

/**
 * The delay before retry number `attempt` (0-based): `min(max, initial·factor^attempt)`, of which the `jitter` share is
 * scaled by `random()` — so delays stay in `[(1-jitter)·d, d]` and never exceed `maxMs`.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // Cap the exponent first so huge attempt counts cannot overflow to Infinity or NaN.
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** Math.min(n, 64));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (1 - jitter + jitter * r));
}

/**
 * The delay after a `shutdown` notice: the server's `retry_after_ms`, plus up to half of it (at least 250 ms) of
 * jitter, so the clients of a restarting node do not all come back in the same millisecond.
 */
export function shutdownDelay(retryAfterMs: number, random: () => number = Math.random): number {
  const base = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base + Math.max(250, base) * 0.5 * r);
}

/**
 * How long to wait before reconnecting: a server's `shutdown` notice decides when there is one; a connection that was
 * open and closed with a `reconnect_now` code (1013) comes back at once; anything else backs off by attempt.
 */
export function reconnectDelay(
  close: { reconnectNow: boolean; retryAfterMs: number | null; attempt: number },
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (close.retryAfterMs !== null) return shutdownDelay(close.retryAfterMs, random);
  return close.reconnectNow ? 0 : backoffDelay(close.attempt, options, random);
}

/**
 * Does a close call for an immediate reconnect? A connection that was open and closed with a `reconnect_now` code
 * (1013), or with 4001 (`reconnect_with_new_token`) when a token provider can give a new token.
 */
export function reconnectsAtOnce(code: number, wasOpen: boolean, renewableToken: boolean): boolean {
  const rule = ReconnectRule[code as CloseCode];
  return wasOpen && (rule === 'reconnect_now' || (rule === 'reconnect_with_new_token' && renewableToken));
}
