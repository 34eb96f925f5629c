// How far ahead of its time the worker computes a step. A step's events carry its scheduled time, and computing
// them (matching 1,000 agents' orders, encoding a few hundred events) takes milliseconds that every event of the step
// would otherwise wait before it leaves; computed that much ahead, a step is only committed and posted when due. The
// model has no input from outside, so computing it ahead changes no outcome; what it changes is only when the work is
// done. The lead follows the recent work: none for steps too cheap to be worth a second wake-up.

/** A step is never computed further ahead than this (what a query waits at most for the step to be published). */
export const MAX_LEAD_MS = 25;
/** Steps cheaper than this are computed when due: an early wake-up would cost more than it saves. */
export const MIN_WORK_MS = 0.5;
/**
 * The lead covers the longest of the last this many steps' work: more than a market interval's steps at the default
 * cadence (20 sub-steps), so the costly market step (agents decide, reports) is still in it when the next one comes.
 */
export const LEAD_WINDOW = 64;

export class StepLead {
  private readonly work: number[] = [];

  /** A step group's work (compute and encode), ms. */
  record(ms: number): void {
    this.work.push(ms);
    if (this.work.length > LEAD_WINDOW) this.work.shift();
  }

  /** Milliseconds before its time to start a step: twice the longest recent work (a late wake-up included), capped. */
  ms(): number {
    let longest = 0;
    for (const w of this.work) if (w > longest) longest = w;
    if (longest < MIN_WORK_MS) return 0;
    return Math.min(MAX_LEAD_MS, 2 * longest);
  }
}
