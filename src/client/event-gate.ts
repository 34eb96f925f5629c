// One stream event through the client's checks: a duplicate (its sequence not after the last seen) is dropped and
// counted; a key whose `key_seq` skipped numbers is reported as a gap and counted. Pure apart from the counters.
import type { StreamEvent } from '../protocol/index.ts';
import type { ClientStats } from './client-events.ts';
import { type KeyGap, KeySeqTracker } from './key-seq-tracker.ts';
import type { SequenceTracker } from './sequence-tracker.ts';

/** The per-key numbering, started over when a welcome names another epoch (keys are numbered per epoch). */
export class EpochKeys extends KeySeqTracker {
  private epoch: string | null = null;

  welcome(epoch: string): void {
    if (epoch !== this.epoch) this.reset();
    this.epoch = epoch;
  }
}

export interface GateVerdict {
  deliver: boolean;
  snapshot: boolean;
  gap: KeyGap | null;
}

export function gateEvent(
  message: StreamEvent,
  tracker: SequenceTracker,
  keys: KeySeqTracker,
  stats: ClientStats,
): GateVerdict {
  const snapshot = message.snapshot === true;
  const conflated = 'conflated' in message && message.conflated !== undefined;
  if (tracker.accept(message.sequence, snapshot, conflated) === 'duplicate') {
    stats.duplicates++;
    return { deliver: false, snapshot, gap: null };
  }
  const gap = keys.accept(message, snapshot, conflated);
  if (gap !== null) stats.keyGaps++;
  return { deliver: true, snapshot, gap };
}
