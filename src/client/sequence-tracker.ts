// Remembers the last stream sequence (and its epoch) a client has seen, so a reconnect resumes exactly after it.
import type { ResumeFailedMessage, WelcomeMessage } from '../protocol/index.ts';

export type Verdict = 'deliver' | 'duplicate' | 'snapshot';

export interface ResumePoint {
  since: number;
  epoch: string | null;
}

/**
 * The client side of the resume contract. Snapshot frames never move the position (they are not part of the stream);
 * a stream event at or below it is a duplicate; a new epoch is adopted only once the server has answered the resume,
 * so a connection lost in between never resumes an old `since` inside a new sequence space.
 */
export class SequenceTracker {
  private lastSeq: number | null;
  private currentEpoch: string | null;
  /** The epoch announced by the welcome of the connection in progress, until the resume settles. */
  private pendingEpoch: string | null = null;
  private resuming = false;

  constructor(start: ResumePoint | null = null) {
    this.lastSeq = start?.since ?? null;
    this.currentEpoch = start?.epoch ?? null;
  }

  get last(): number | null {
    return this.lastSeq;
  }

  get epoch(): string | null {
    return this.currentEpoch;
  }

  /** Where the next connection should resume; `null` before anything is known. */
  resumePoint(): ResumePoint | null {
    return this.lastSeq === null ? null : { since: this.lastSeq, epoch: this.currentEpoch };
  }

  /** A welcome arrived; `resumed` says whether this connection asked for `since`. */
  welcome(message: WelcomeMessage, resumed: boolean): void {
    if (resumed) {
      this.pendingEpoch = message.epoch;
      this.resuming = true;
      return;
    }
    // A fresh connection goes live at the welcome's head: everything after it will be delivered.
    this.currentEpoch = message.epoch;
    this.lastSeq = message.sequence;
    this.resuming = false;
  }

  /** The server finished replaying: same epoch, position unchanged. */
  resumed(): void {
    if (this.pendingEpoch !== null) this.currentEpoch = this.pendingEpoch;
    this.pendingEpoch = null;
    this.resuming = false;
  }

  /** The resume was refused: a snapshot follows, then live events after the server's head. */
  resumeFailed(message: ResumeFailedMessage): void {
    if (this.pendingEpoch !== null) this.currentEpoch = this.pendingEpoch;
    this.pendingEpoch = null;
    this.resuming = false;
    this.lastSeq = message.sequence;
  }

  /** Whether a resume is awaiting its `resumed` / `resume_failed`. */
  get pending(): boolean {
    return this.resuming;
  }

  /**
   * Classify one stream event and advance past it when it is new. A conflated delivery is the latest state of its key,
   * sent after every loss-free event before it: it is never a duplicate and moves the position forward only.
   */
  accept(sequence: number, snapshot: boolean, conflated = false): Verdict {
    if (snapshot) return 'snapshot';
    if (conflated) {
      if (this.lastSeq === null || sequence > this.lastSeq) this.lastSeq = sequence;
      return 'deliver';
    }
    if (this.lastSeq !== null && sequence <= this.lastSeq) return 'duplicate';
    this.lastSeq = sequence;
    return 'deliver';
  }
}
