// A callback at a wall-clock time however far ahead: setTimeout takes at most 2^31-1 ms (24.8 days) and fires at once
// past it, so a long-lived token's timer is re-armed in steps.

const MAX_DELAY_MS = 2_147_483_647;

/** Call `fn` once at `at` (ms since the epoch, by `now`), never synchronously; returns a cancel function. */
export function runAt(at: number, fn: () => void, now: () => number = Date.now): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = (first: boolean) => {
    const delay = at - now();
    if (delay <= 0 && !first) {
      timer = null;
      fn();
      return;
    }
    timer = setTimeout(() => arm(false), Math.min(Math.max(0, delay), MAX_DELAY_MS));
    timer.unref?.();
  };
  arm(true);
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}
