// runAt: a callback at a wall-clock time, never synchronously, and not at once for a time past setTimeout's 24.8-day
// limit (a regression guard: an unclamped setTimeout fires a 30-day token's 4001 after 1 ms).
import { describe, expect, test } from 'bun:test';
import { runAt } from '../../src/hub/expiry-timer.ts';

describe('runAt', () => {
  test('fires once at the time, never synchronously, even when the time has passed', async () => {
    const fired: number[] = [];
    runAt(Date.now() - 1000, () => fired.push(1));
    expect(fired).toEqual([]);
    const t0 = Date.now();
    runAt(t0 + 40, () => fired.push(Date.now() - t0));
    await Bun.sleep(80);
    expect(fired[0]).toBe(1);
    expect(fired[1]).toBeGreaterThanOrEqual(39);
    expect(fired).toHaveLength(2);
  });

  test('cancel stops it', async () => {
    let fired = false;
    const cancel = runAt(Date.now() + 20, () => (fired = true));
    cancel();
    await Bun.sleep(50);
    expect(fired).toBe(false);
  });

  test('a time 30 days ahead does not fire now; the timer re-arms until the clock gets there', async () => {
    let fired = false;
    const now = Date.now();
    const cancel = runAt(
      now + 30 * 24 * 3600 * 1000,
      () => (fired = true),
      () => now,
    );
    await Bun.sleep(50);
    expect(fired).toBe(false);
    cancel();
    // With a clock past the time, the next arm fires.
    let clock = 0;
    runAt(
      10,
      () => (fired = true),
      () => clock,
    );
    clock = 20;
    await Bun.sleep(30);
    expect(fired).toBe(true);
  });
});
