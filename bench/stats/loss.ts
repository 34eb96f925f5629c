// Loss accounting: every client window against the reference index (what the server published on its topics).

import type { SequenceIndex } from './sequence-index.ts';
import type { ClientRecord } from './sequence-tracker.ts';

export interface LossTotals {
  /** Client windows assessed (connections or resumed sessions). */
  windows: number;
  /** Windows whose loss was assessed. */
  checked: number;
  /** Events owed on a window's topics that never arrived (including the reference's own gaps). */
  lost: number;
  /** Events that arrived twice (or out of order). */
  duplicated: number;
  /** Events that arrived on a window without being published on its topics. */
  unexpected: number;
  /** Windows that were never welcomed or began before the reference (cannot be assessed). */
  unassessable: number;
}

/** The sequence a window is owed up to: its newest arrival, or for a window still live at the end, the run's end. */
export function windowEnd(record: ClientRecord, index: SequenceIndex, end: number): number {
  if (!record.live || !record.checked) return record.last;
  return Math.max(record.last, index.lastOn(record.topics, end, record.start));
}

export function assess(records: Iterable<ClientRecord>, index: SequenceIndex, end: number): LossTotals {
  const totals: LossTotals = {
    windows: 0,
    checked: 0,
    lost: index.gaps,
    duplicated: 0,
    unexpected: 0,
    unassessable: 0,
  };
  for (const r of records) {
    totals.windows++;
    totals.duplicated += r.duplicates;
    if (!r.checked) continue;
    if (r.start === -1 || index.start === -1 || r.start < index.start) {
      totals.unassessable++;
      continue;
    }
    totals.checked++;
    const owed = index.expected(r.topics, r.start, windowEnd(r, index, end));
    if (r.received < owed.count) totals.lost += owed.count - r.received;
    else if (r.received > owed.count) totals.unexpected += r.received - owed.count;
    else if (r.sum !== owed.sum) {
      // Same size, different set: at least one owed event missing and one stray event counted.
      totals.lost += 1;
      totals.unexpected += 1;
    }
  }
  return totals;
}
