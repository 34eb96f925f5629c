// What the worker's steps hand out, in the model's order. Each slice of a step's events is encoded as the step runs
// (sequences stamped, JSON written once, rounds and checkpoint attached); when it is due (at once for a step run when
// due, at its time for one computed ahead) it is committed and then handed to the main thread. So the journal never
// holds a step before its time, a resume never reads one, and nothing is handed out before it is committed. A slice
// held by a locked database holds every later one.

import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { SimEvent } from '../sim/index.ts';
import type { Batch, RoundWrite } from '../store/store.ts';
import { type EventEncoder, preciseNow } from './event-encoder.ts';
import type { JournalWriter } from './journal-writer.ts';
import { roundWrite } from './worker-answers.ts';

/** A slice, encoded: committed in order once due (and the writer can), then handed out. */
interface Prepared {
  batch: Batch;
  dueAt: number;
  /** Encoded before its time: its events are stamped as created when they are handed out. */
  ahead: boolean;
  /** Each agent's capital at the end of the slice's round, if it has one. */
  roundCapital?: Map<string, number>;
}

export class Outbox {
  /** Oldest first; the first `committedCount` are in the journal but not handed out yet (a held commit, retried). */
  private readonly queue: Prepared[] = [];
  private committedCount = 0;
  /** Capital of each agent at the end of the last round handed out (for lineage_arena_agent_final_capital). */
  finalCapital = new Map<string, number>();
  /** What must not see a step computed ahead (answers, stats): run once that step is handed out. */
  private readonly deferred: (() => void)[] = [];

  constructor(
    readonly encoder: EventEncoder,
    private readonly writer: JournalWriter,
    private readonly handOut: (events: PublishedEvent[]) => void,
    /** Events a resume may ask for: the journal is trimmed to about this many. */
    private readonly history: number,
    /** Sequence at the last journal trim. */
    private trimmedAt: number,
  ) {}

  /** Slices not handed out yet: held by the lock, or waiting for their time. */
  get pending(): number {
    return this.queue.length;
  }

  /** When the oldest slice not handed out is due, or null when none waits. */
  nextDueAt(): number | null {
    return this.queue[0]?.dueAt ?? null;
  }

  /**
   * Encode a slice of events (with its rounds and, if `state` is given, a checkpoint of the model as it stands now)
   * due at `dueAt`, and queue it.
   */
  push(events: readonly SimEvent[], dueAt: number, now: number, state?: () => unknown): void {
    const createdAt = preciseNow();
    const published: PublishedEvent[] = [];
    const rounds: RoundWrite[] = [];
    let roundCapital: Map<string, number> | undefined;
    for (const e of events) {
      const p = this.encoder.encode(e, createdAt);
      published.push(p);
      if (e.kind === 'arena') {
        rounds.push(roundWrite(e, p.sequence));
        roundCapital = new Map(e.data.ranking.map((x) => [x.agent_id, x.capital]));
      }
    }
    const batch: Batch = { events: published, rounds };
    if (state !== undefined) {
      batch.checkpoint = { sequence: this.encoder.sequence, state: state() };
      // Keep the journal near the resume history: trim once it has grown by a tenth of it.
      const keep = Math.max(this.history, 1000);
      if (this.encoder.sequence - this.trimmedAt >= Math.max(1000, keep / 10)) batch.trimTo = keep;
    }
    this.queue.push({ batch, dueAt, ahead: dueAt > now, ...(roundCapital ? { roundCapital } : {}) });
  }

  /**
   * Commit the slices due by `now` in order and hand each out once committed. False while a commit is held by another
   * process's lock (it and every later slice wait).
   */
  release(now: number): boolean {
    let free = true;
    for (let p = this.queue[this.committedCount]; free && p !== undefined && p.dueAt <= now; ) {
      if (p.ahead && !this.writer.blocked) {
        // Journaled and handed out as created now: its time, not when it was computed.
        const releasedAt = preciseNow();
        for (const e of p.batch.events as PublishedEvent[]) e.created_at = releasedAt;
      }
      free = !this.writer.blocked && this.writer.write(p.batch);
      p = this.queue[this.committedCount];
    }
    while (this.committedCount > 0 && (this.queue[0] as Prepared).dueAt <= now) {
      const p = this.queue.shift() as Prepared;
      this.committedCount--;
      if (p.roundCapital) this.finalCapital = p.roundCapital;
      const events = p.batch.events as PublishedEvent[];
      if (events.length > 0) this.handOut(events);
    }
    return free;
  }

  /** A batch is on disk (the writer's hook): the oldest slice not committed yet. */
  committed(batch: Batch): void {
    if (this.queue[this.committedCount]?.batch === batch) this.committedCount++;
    if (batch.trimTo !== undefined) this.trimmedAt = batch.checkpoint?.sequence ?? this.trimmedAt;
  }

  /** A slice computed ahead waits for its time: until then the model is ahead of everything handed out. */
  heldAhead(now: number): boolean {
    return (this.nextDueAt() ?? Number.NEGATIVE_INFINITY) > now;
  }

  /** Run `fn` now, or once the step computed ahead is handed out (so it never sees that step before clients can). */
  whenPublished(now: number, fn: () => void): void {
    if (this.heldAhead(now)) this.deferred.push(fn);
    else fn();
  }

  /** Run what waited for a step computed ahead, once it is handed out; false while it still waits. */
  runDeferred(now: number): boolean {
    if (this.heldAhead(now)) return false;
    for (const fn of this.deferred.splice(0)) fn();
    return true;
  }
}
