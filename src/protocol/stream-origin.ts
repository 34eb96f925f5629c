// Where a node's stream stands, as its upstream (the simulation worker, or Redis on a gateway) tells the hub.
import type { TopicFamily } from './topics.ts';
import type { PublishedEvent } from './worker-messages.ts';

export interface StreamOrigin {
  /** The sequence space; `sequence` only compares within one epoch. */
  epoch: string;
  /** The newest sequence already published upstream (what `sequence` continues from). */
  head: number;
  /** The symbols; empty: unchanged. */
  symbols: readonly string[];
  /** The topic families published (the books' streams can be off); absent: unchanged (at first, every family). */
  families?: readonly TopicFamily[];
  /** Recent events, oldest first: they replace the resume history (a gateway loading a history from Redis). */
  history?: readonly PublishedEvent[];
  /**
   * The latest state per key (books as snapshots) and the latest round: replaces the snapshot state, or, with
   * `history`, is laid over what the history says (newer book deltas of the history carry its books on).
   */
  latest?: readonly PublishedEvent[];
  /** Clients cannot continue as they were (a gap, a changed history): the close reason they get with 1013. */
  resync?: string;
}
