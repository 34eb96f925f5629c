// Can a client's `since` be honoured? One pure decision, like Centrifuge's isStreamRecovered.
import type { ResumeOutcome } from '../metrics/hub-metrics.ts';

/** Why a resume is refused before any replay starts (`fell_behind` happens during the replay). */
export type ResumeRefusal = Exclude<ResumeOutcome, 'resumed' | 'fell_behind'>;

/** Where the hub's stream stands. */
export interface StreamPosition {
  epoch: string;
  /** Newest sequence published. */
  head: number;
  /** Oldest sequence still replayable (head + 1 when nothing is). */
  oldest: number;
}

/**
 * `null` when every event after `since` can be replayed in this epoch; otherwise the reason it cannot:
 * another epoch (a different sequence space), a `since` past the head, or one older than the history.
 */
export function resumeVerdict(position: StreamPosition, since: number, epoch: string | null): ResumeRefusal | null {
  if (epoch !== null && epoch !== position.epoch) return 'epoch_mismatch';
  if (since > position.head) return 'ahead';
  if (since < position.oldest - 1) return 'too_old';
  return null;
}

/** `?since=` as a sequence number, or null when it is not a non-negative integer. */
export function parseSince(raw: string): number | null {
  if (!/^\d{1,15}$/.test(raw)) return null;
  const since = Number(raw);
  return Number.isSafeInteger(since) ? since : null;
}
