// A step's events leave the worker in slices, each committed and posted on its own: the main thread publishes one
// while the worker hands out the next, so an event's latency no longer waits for every other symbol's events of the
// same step (at 50 symbols a flow micro-step is ~400 trades and book changes). Slices keep the model's order
// (`outbox.ts`).

/** At most this many events per commit and post (a few hundred microseconds of encoding). */
export const SLICE_EVENTS = 96;

export interface Slice<T> {
  events: T[];
  /** Commit a checkpoint with this slice (a step that must be checkpointed with its events is one slice). */
  checkpoint: boolean;
}

/**
 * A step's events as slices of at most `size`, in order. A step that must be checkpointed with its events (a round's
 * end) stays whole, so its events and the checkpoint commit together.
 */
export function sliceStep<T>(events: readonly T[], checkpoint: boolean, size = SLICE_EVENTS): Slice<T>[] {
  if (!(size >= 1)) throw new RangeError(`slice size must be at least 1, got ${size}`);
  if (checkpoint) return [{ events: events.slice(), checkpoint }];
  const out: Slice<T>[] = [];
  for (let i = 0; i < events.length; i += size) out.push({ events: events.slice(i, i + size), checkpoint: false });
  return out;
}
