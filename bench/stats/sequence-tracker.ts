// One logical client's view of the stream: where its window starts, the last sequence, what it counted and repeated.

/** A finished or running client window, assessed against the reference index at the end of a run. */
export interface ClientRecord {
  /** Topics held for the whole window (what the client is owed). */
  topics: string[];
  /** Sequence the window starts after (the first connection's welcome `sequence`); -1 = never welcomed. */
  start: number;
  /** Newest sequence received (= start when nothing arrived). */
  last: number;
  /** Stream events counted (strictly increasing arrivals). */
  received: number;
  /** Sum of the counted sequences (cross-checks the set, not only its size). */
  sum: number;
  /** Arrivals at or below the newest sequence already seen: repeats (or reordering). */
  duplicates: number;
  /** Still connected at the end, so owed every event up to the end of the run. */
  live: boolean;
  /** Whether loss is assessed for this client (clients that toggle topics mid-window only count repeats). */
  checked: boolean;
}

export class SequenceTracker {
  start = -1;
  last = -1;
  received = 0;
  sum = 0;
  duplicates = 0;

  /** The first welcome: the window starts after `sequence` (later welcomes, on resume, do not move it). */
  begin(sequence: number): void {
    if (this.start !== -1) return;
    this.start = sequence;
    this.last = sequence;
  }

  get begun(): boolean {
    return this.start !== -1;
  }

  /** A live (non-snapshot) event; false when it is a repeat or out of order. */
  event(sequence: number): boolean {
    if (sequence <= this.last) {
      this.duplicates++;
      return false;
    }
    this.last = sequence;
    this.received++;
    this.sum += sequence;
    return true;
  }

  record(topics: string[], live: boolean, checked: boolean): ClientRecord {
    return {
      topics,
      start: this.start,
      last: this.last,
      received: this.received,
      sum: this.sum,
      duplicates: this.duplicates,
      live,
      checked,
    };
  }
}
