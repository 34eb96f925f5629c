// The simulation's pacing, pure over an injected clock: the monotonic clock decides how long to wait, the wall clock
// only what time events carry. A wall clock stepped either way is followed (the schedule moves with it) but never
// stretches or bunches the waits, so a backward step cannot freeze the stream and a forward one cannot burst it.

export interface Clock {
  /** Epoch milliseconds (may step, either way, when the system clock is set). */
  wall(): number;
  /** Milliseconds that only ever advance, at a steady rate. */
  mono(): number;
}

export const systemClock: Clock = { wall: () => Date.now(), mono: () => performance.now() };

/** A wall clock that disagrees with the paced time by more than this has been stepped (NTP slews far less). */
export const CLOCK_STEP_TOLERANCE_MS = 1000;
/** A schedule this far behind (the process was stopped, a commit waited) skips its missed steps instead of replaying them. */
export const MAX_LAG_MS = 60_000;

export class Pacer {
  /** wall − mono when the clocks were last agreed on. */
  private offset: number;

  constructor(
    private readonly clock: Clock,
    private readonly toleranceMs: number = CLOCK_STEP_TOLERANCE_MS,
  ) {
    this.offset = clock.wall() - clock.mono();
  }

  /** Simulated "now" (whole ms, as event times are): the wall time at the last agreement, advanced by the monotonic clock. */
  now(): number {
    return Math.floor(this.clock.mono() + this.offset);
  }

  /**
   * Check the wall clock: if it has stepped away from `now()` by more than the tolerance, follow it and return the step
   * (ms, positive when forward) by which the schedule must move; 0 when it has not.
   */
  resync(): number {
    const step = this.clock.wall() - this.now();
    if (Math.abs(step) <= this.toleranceMs) return 0;
    this.offset += step;
    return step;
  }

  /** The monotonic time at which simulated time `at` begins (when `now()` reaches it). */
  monoAt(at: number): number {
    return at - this.offset;
  }
}

/** True when a schedule due at `dueAt` is so far behind `now` that its missed steps are skipped (rebased). */
export function isFarBehind(now: number, dueAt: number, maxLagMs: number = MAX_LAG_MS): boolean {
  return now - dueAt > maxLagMs;
}

/** What the pacing moves: the model's schedule. */
export interface Schedule {
  nextDueAt(): number;
  shiftSchedule(deltaMs: number): void;
  rebase(now: number): void;
}

/**
 * Before each run of the loop: a stepped wall clock moves the schedule with it (timestamps follow the wall clock, waits
 * do not), and a schedule far behind (the process was stopped) skips its missed steps. Returns the time to step to and
 * whether the schedule moved (the caller checkpoints it before any event uses it).
 */
export function alignSchedule(
  pacer: Pacer,
  schedule: Schedule,
  maxLagMs: number = MAX_LAG_MS,
): { now: number; moved: boolean } {
  const clockStep = pacer.resync();
  if (clockStep !== 0) schedule.shiftSchedule(clockStep);
  const now = pacer.now();
  const behind = isFarBehind(now, schedule.nextDueAt(), maxLagMs);
  if (behind) schedule.rebase(now);
  return { now, moved: clockStep !== 0 || behind };
}

/**
 * At start, from a checkpoint: the next step is due now if the schedule is behind (the node was down) or far ahead
 * (the wall clock was set back while it was down), so a restart neither replays the downtime nor waits for the old
 * clock to come back; a schedule just ahead (a quick restart) is kept.
 */
export function resumeSchedule(schedule: Schedule, now: number, toleranceMs: number = CLOCK_STEP_TOLERANCE_MS): void {
  const ahead = schedule.nextDueAt() - now;
  if (ahead > toleranceMs) schedule.shiftSchedule(-ahead);
  else schedule.rebase(now);
}

/** The system clock with its wall part stepped by `stepByMs` once `afterMs` (monotonic) have passed; for tests. */
export function steppedClock(base: Clock, afterMs: number, stepByMs: number): Clock {
  const start = base.mono();
  return { wall: () => base.wall() + (base.mono() - start >= afterMs ? stepByMs : 0), mono: () => base.mono() };
}
