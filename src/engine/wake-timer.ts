// Wakes the simulation worker at a monotonic time to a fraction of a millisecond. Timers count whole milliseconds: Bun
// fires a fractional delay up to a millisecond early, and the worker then woke a second time, up to a millisecond late.
// So the timer is set a little early, and what is left is slept on a futex (`Atomics.wait`: a sleep, never a spin).

import { systemClock } from './pacer.ts';

/** How much earlier than the due time the timer is set. */
export const EARLY_MS = 1;
/** The longest remainder slept; a timer that fired earlier than this is set again instead. */
export const MAX_SLEEP_MS = 2;

export interface WakeDeps {
  mono(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Block this thread for `ms` (the worker's own thread: nothing else runs on it meanwhile). */
  sleep(ms: number): void;
}

const cell = new Int32Array(new SharedArrayBuffer(4));

const workerWakeDeps: WakeDeps = {
  // The clock the worker's due times are read on (a stepped test clock steps only the wall clock).
  mono: systemClock.mono,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  sleep: (ms) => void Atomics.wait(cell, 0, 0, ms),
};

export class WakeTimer {
  private handle: unknown = null;

  constructor(private readonly deps: WakeDeps = workerWakeDeps) {}

  /** Run `fn` once, at monotonic time `dueMono` (at once if it has passed); replaces any wake still set. */
  at(dueMono: number, fn: () => void): void {
    this.cancel();
    const d = this.deps;
    const wait = dueMono - d.mono();
    this.handle = d.setTimer(
      () => {
        this.handle = null;
        const rest = dueMono - d.mono();
        if (rest > MAX_SLEEP_MS) return this.at(dueMono, fn);
        if (rest > 0) d.sleep(rest);
        fn();
      },
      Math.max(0, wait - EARLY_MS),
    );
  }

  cancel(): void {
    if (this.handle !== null) this.deps.clearTimer(this.handle);
    this.handle = null;
  }
}
