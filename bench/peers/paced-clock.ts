// The reference servers' clock is Lineage's own pacer: the wall time at start, advanced by the monotonic clock (whole
// ms). The load processes measure event age on the same basis (their start's wall time + monotonic), so a wall clock
// that is slewed or stepped during a run moves every server's ages alike. (Stamping `Date.now()` at each step instead
// put the references' timestamps ahead of the load processes' clock by however far the wall clock had been slewed
// since they started: ages below zero, read as 0, in two fan-out rounds of a full run.)
import { Pacer, systemClock } from '../../src/engine/pacer.ts';

const pacer = new Pacer(systemClock);

export const pacedNow = (): number => pacer.now();
