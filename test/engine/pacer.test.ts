// The worker's pacing over an injected clock: the monotonic clock paces, the wall clock only stamps. A wall clock
// stepped back an hour must not freeze the stream; stepped forward it is followed without a burst; a long stall skips.
import { describe, expect, test } from 'bun:test';
import {
  alignSchedule,
  type Clock,
  isFarBehind,
  MAX_LAG_MS,
  Pacer,
  resumeSchedule,
  steppedClock,
} from '../../src/engine/pacer.ts';
import { resolveOptions, type SimEvent, Simulation } from '../../src/sim/index.ts';

const HOUR = 3_600_000;
const INTERVAL = 100;

class FakeClock implements Clock {
  constructor(
    public w = 1_750_000_000_000,
    public m = 5_000,
  ) {}
  wall() {
    return this.w;
  }
  mono() {
    return this.m;
  }
  /** Time passes: both clocks advance together. */
  pass(ms: number) {
    this.w += ms;
    this.m += ms;
  }
}

/** Monotonic milliseconds the worker would sleep until simulated time `at` (0 when due). */
function waitMs(pacer: Pacer, clock: Clock, at: number): number {
  return Math.max(0, pacer.monoAt(at) - clock.mono());
}

/** The worker's loop, minus I/O: align, run what is due, return how long it would sleep. */
function runDue(pacer: Pacer, clock: Clock, sim: Simulation, out: SimEvent[]): number {
  const { now } = alignSchedule(pacer, sim);
  while (sim.stepOnce(now, out)) {
    // one step at a time, as the worker does
  }
  return waitMs(pacer, clock, sim.nextDueAt());
}

function setup() {
  const clock = new FakeClock();
  const pacer = new Pacer(clock);
  const sim = new Simulation(
    resolveOptions({
      seed: 8,
      startTime: pacer.now(),
      marketIntervalMs: INTERVAL,
      agentIntervalMs: 1000,
      arenaRoundMs: 600_000,
      agents: 5,
      symbols: ['BTC-USD'],
    }),
  );
  return { clock, pacer, sim };
}

/** Drive for `ms` of monotonic time, sleeping as the loop asks; returns the market events and the longest sleep. */
function drive(clock: FakeClock, pacer: Pacer, sim: Simulation, ms: number, during?: (elapsed: number) => void) {
  const events: SimEvent[] = [];
  let longest = 0;
  for (let elapsed = 0; elapsed < ms; ) {
    const wait = runDue(pacer, clock, sim, events);
    longest = Math.max(longest, wait);
    const sleep = Math.max(1, Math.min(wait, ms - elapsed));
    clock.pass(sleep);
    elapsed += sleep;
    during?.(elapsed);
  }
  return { market: events.filter((e) => e.kind === 'market'), longest };
}

describe('pacing (monotonic waits, wall-clock timestamps)', () => {
  test('the wall clock stepped back an hour: no freeze, steps keep their cadence, timestamps follow the wall clock', () => {
    const { clock, pacer, sim } = setup();
    const before = drive(clock, pacer, sim, 1000);
    const lastBefore = before.market.at(-1)?.at as number;
    clock.w -= HOUR;
    // Pacing by the wall clock (the old loop: sleep nextDueAt - Date.now()) would now sleep for an hour.
    expect(sim.nextDueAt() - clock.wall()).toBeGreaterThan(HOUR - INTERVAL);
    const after = drive(clock, pacer, sim, 1000);
    expect(after.longest).toBeLessThanOrEqual(INTERVAL);
    expect(after.market.length).toBeGreaterThanOrEqual(9);
    expect(after.market.length).toBeLessThanOrEqual(11);
    const firstAfter = after.market[0]?.at as number;
    expect(firstAfter - (lastBefore - HOUR)).toBeGreaterThan(0);
    expect(firstAfter - (lastBefore - HOUR)).toBeLessThanOrEqual(2 * INTERVAL);
    expect(Math.abs((after.market.at(-1)?.at as number) - clock.wall())).toBeLessThanOrEqual(INTERVAL);
  });

  test('the wall clock stepped forward an hour: followed at once, without a burst of missed steps', () => {
    const { clock, pacer, sim } = setup();
    const before = drive(clock, pacer, sim, 1000);
    const lastBefore = before.market.at(-1)?.at as number;
    clock.w += HOUR;
    const after = drive(clock, pacer, sim, 1000);
    expect(after.market.length).toBeGreaterThanOrEqual(9);
    expect(after.market.length).toBeLessThanOrEqual(11);
    expect((after.market[0]?.at as number) - (lastBefore + HOUR)).toBeLessThanOrEqual(2 * INTERVAL);
    expect(after.longest).toBeLessThanOrEqual(INTERVAL);
  });

  test('the same steps in the same order whatever the wall clock does (only their times move)', () => {
    const strip = (events: SimEvent[]) => events.map((e) => JSON.stringify({ ...e, at: 0 }));
    const a = setup();
    const plain = drive(a.clock, a.pacer, a.sim, 3000).market;
    const b = setup();
    const stepped = drive(b.clock, b.pacer, b.sim, 3000, (t) => {
      if (t === 1000) b.clock.w -= HOUR;
      if (t === 2000) b.clock.w += 2 * HOUR;
    }).market;
    expect(strip(stepped)).toEqual(strip(plain));
  });

  test('a stall longer than the lag bound (process stopped) skips the missed steps and says the schedule moved', () => {
    const { clock, pacer, sim } = setup();
    drive(clock, pacer, sim, 500);
    clock.pass(MAX_LAG_MS + 5000);
    expect(isFarBehind(pacer.now(), sim.nextDueAt())).toBe(true);
    const out: SimEvent[] = [];
    const { now, moved } = alignSchedule(pacer, sim);
    expect(moved).toBe(true);
    while (sim.stepOnce(now, out)) {
      // due steps
    }
    expect(out.filter((e) => e.kind === 'market')).toHaveLength(1);
  });

  test('a restart after the wall clock was set back while the node was down: the restored schedule is due now, not in an hour', () => {
    const { clock, pacer, sim } = setup();
    drive(clock, pacer, sim, 1000);
    const restored = Simulation.restore(
      sim.snapshot(),
      resolveOptions({
        seed: 8,
        startTime: 0,
        marketIntervalMs: INTERVAL,
        agentIntervalMs: 1000,
        arenaRoundMs: 600_000,
        agents: 5,
        symbols: ['BTC-USD'],
      }),
    );
    const later = new FakeClock(clock.w - HOUR, clock.m + 10_000);
    const again = new Pacer(later);
    resumeSchedule(restored, again.now());
    expect(waitMs(again, later, restored.nextDueAt())).toBe(0);
    // Down for a while with the clock right: the missed steps are skipped, the next one is due now.
    const behind = Simulation.restore(
      sim.snapshot(),
      resolveOptions({
        seed: 8,
        startTime: 0,
        marketIntervalMs: INTERVAL,
        agentIntervalMs: 1000,
        arenaRoundMs: 600_000,
        agents: 5,
        symbols: ['BTC-USD'],
      }),
    );
    resumeSchedule(behind, clock.wall() + 10 * 60_000);
    expect(behind.nextDueAt()).toBe(clock.wall() + 10 * 60_000);
  });

  test('drift within the tolerance is not a step; a step is reported once, with its size and sign', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(clock);
    clock.w += 400;
    expect(pacer.resync()).toBe(0);
    clock.w -= HOUR;
    expect(pacer.resync()).toBe(-HOUR + 400);
    expect(pacer.resync()).toBe(0);
    expect(pacer.now()).toBe(clock.wall());
    expect(waitMs(pacer, clock, clock.wall() + 250)).toBe(250);
  });

  test('monoAt: the monotonic time a simulated millisecond begins, after the clocks were agreed again', () => {
    const clock = new FakeClock(1_750_000_000_000, 5_000.6);
    const pacer = new Pacer(clock);
    clock.w -= HOUR;
    pacer.resync();
    const at = pacer.now() + 250;
    // Exactly when now() reaches it (a fractional monotonic time), not 250 ms from a whole-millisecond now().
    clock.m = pacer.monoAt(at);
    expect(pacer.now()).toBe(at);
    clock.m -= 0.01;
    expect(pacer.now()).toBe(at - 1);
  });

  test("steppedClock (the worker's test-only clock) steps the wall clock once, never the monotonic one", () => {
    const base = new FakeClock();
    const c = steppedClock(base, 1000, -HOUR);
    const w0 = c.wall();
    base.pass(999);
    expect(c.wall()).toBe(w0 + 999);
    base.pass(1);
    expect(c.wall()).toBe(w0 + 1000 - HOUR);
    expect(c.mono()).toBe(base.mono());
  });
});
