// The worker's wake-up: a timer set a little early, then the rest slept, so the worker wakes once, at its due time.
import { describe, expect, test } from 'bun:test';
import { EARLY_MS, type WakeDeps, WakeTimer } from '../../src/engine/wake-timer.ts';

/** Timers and sleeps recorded; time moves only when the test says. */
function fakeDeps() {
  let now = 0;
  const armed: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const slept: number[] = [];
  const deps: WakeDeps = {
    mono: () => now,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      armed.push(t);
      return t;
    },
    clearTimer: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
  return { deps, armed, slept, at: (t: number) => void (now = t), now: () => now };
}

describe('WakeTimer', () => {
  test('sets the timer early and sleeps what is left, so the callback runs at the due time, once', () => {
    const f = fakeDeps();
    f.at(50);
    const ran: number[] = [];
    new WakeTimer(f.deps).at(100.4, () => ran.push(f.now()));
    expect(f.armed).toHaveLength(1);
    expect(f.armed[0]?.ms).toBeCloseTo(50.4 - EARLY_MS);
    // The timer fires 0.7 ms before the due time (whole-millisecond timers fire early on a fraction).
    f.at(99.7);
    f.armed[0]?.fn();
    expect(f.slept[0]).toBeCloseTo(0.7);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toBeCloseTo(100.4);
  });

  test('a late timer runs at once; one that fired far too early is set again', () => {
    const f = fakeDeps();
    const ran: string[] = [];
    const w = new WakeTimer(f.deps);
    w.at(10, () => ran.push('late'));
    f.at(12);
    f.armed[0]?.fn();
    expect([ran, f.slept]).toEqual([['late'], []]);
    w.at(30, () => ran.push('early'));
    f.at(20);
    f.armed[1]?.fn();
    expect(ran).toEqual(['late']);
    expect(f.armed[2]?.ms).toBe(10 - EARLY_MS);
    f.at(29.5);
    f.armed[2]?.fn();
    expect(ran).toEqual(['late', 'early']);
    expect(f.slept).toEqual([0.5]);
  });

  test('a new wake replaces the one set, and cancel clears it', () => {
    const f = fakeDeps();
    const w = new WakeTimer(f.deps);
    w.at(5, () => {});
    w.at(7, () => {});
    expect(f.armed.map((t) => t.cleared)).toEqual([true, false]);
    w.cancel();
    expect(f.armed[1]?.cleared).toBe(true);
  });

  test('with the real timer and futex it never runs before its due time', async () => {
    const w = new WakeTimer();
    const lateness: number[] = [];
    for (let i = 0; i < 15; i++) {
      const due = performance.now() + 2.37 + (i % 5) * 0.61;
      await new Promise<void>((resolve) =>
        w.at(due, () => {
          lateness.push(performance.now() - due);
          resolve();
        }),
      );
    }
    expect(lateness).toHaveLength(15);
    expect(lateness.filter((l) => l < 0)).toEqual([]);
  });
});
