// Determinism of the scheduler: same seed => same events, however time is sliced, across snapshot/restore.

import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { type SimEvent, Simulation } from '../../src/sim/model.ts';
import { resolveOptions, type SimulationOptions } from '../../src/sim/options.ts';
import type { PriceRow } from '../../src/sim/price-csv.ts';
import { STEP_KINDS, type StepKind } from '../../src/sim/schedule.ts';
import type { SimulationSnapshot } from '../../src/sim/snapshot.ts';

const START = 1_700_000_000_000;
const base = (over: Partial<SimulationOptions> = {}): SimulationOptions =>
  resolveOptions({
    seed: 2024,
    startTime: START,
    agents: 12,
    symbols: ['BTC-USD', 'ETH-USD', 'SOL-USD', 'FOO-USD'],
    arenaRoundMs: 60_000,
    feedErrorRate: 0.2,
    ...over,
  });
const HORIZON = START + 60_000 * 8 + 1234;

describe('determinism', () => {
  test('two runs with one seed give identical events; another seed differs', () => {
    const a = new Simulation(base()).advanceTo(HORIZON);
    const b = new Simulation(base()).advanceTo(HORIZON);
    const c = new Simulation(base({ seed: 2025 })).advanceTo(HORIZON);
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test('events are ordered by time, market before agent before arena on equal times, at = scheduled time', () => {
    const o = base({ agentIntervalMs: 10_000 });
    const ev = new Simulation(o).advanceTo(HORIZON);
    const order = { market: 0, trade: 0, book: 0, candle: 0, order: 0, agent: 1, arena: 2 } as const;
    for (let i = 1; i < ev.length; i++) {
      const p = ev[i - 1];
      const e = ev[i];
      if (!p || !e) continue;
      expect(e.at >= p.at).toBe(true);
      if (e.at === p.at) expect(order[e.kind] >= order[p.kind]).toBe(true);
    }
    for (const e of ev) {
      if (e.kind === 'market') expect((e.at - START) % o.marketIntervalMs).toBe(0);
      if (e.kind === 'arena') expect((e.at - START) % o.arenaRoundMs).toBe(0);
    }
    const firstArena = ev.find((e) => e.kind === 'arena');
    expect(firstArena?.at).toBe(START + 60_000);
    const perStep = ev.filter((e) => e.kind === 'market' && e.at === START).length;
    expect(perStep).toBe(4);
    expect(ev.filter((e) => e.kind === 'agent' && e.at === START).length).toBe(12);
  });

  test('split advanceTo calls at arbitrary times equal one big call', () => {
    const whole = new Simulation(base()).advanceTo(HORIZON);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: START - 10_000, max: HORIZON }), { minLength: 1, maxLength: 25 }),
        (cuts) => {
          const sim = new Simulation(base());
          const got: SimEvent[] = [];
          for (const t of cuts) got.push(...sim.advanceTo(t));
          got.push(...sim.advanceTo(HORIZON));
          expect(got).toEqual(whole);
        },
      ),
      { numRuns: 15 },
    );
  });

  test('advanceTo before the first due time returns nothing and nextDueAt reports the schedule', () => {
    const sim = new Simulation(base());
    expect(sim.nextDueAt()).toBe(START);
    expect(sim.advanceTo(START - 1)).toEqual([]);
    sim.advanceTo(START);
    // The next step is the first background-flow micro-step inside the hour (20 sub-steps per 5 s market step).
    expect(sim.nextDueAt()).toBe(START + 250);
    sim.advanceTo(START + 4999);
    expect(sim.nextDueAt()).toBe(START + 5000);
  });

  test('snapshot -> JSON -> restore -> continue equals an uninterrupted run', () => {
    const whole = new Simulation(base()).advanceTo(HORIZON);
    for (const cut of [START, START + 61_000, START + 4 * 60_000 + 2_500]) {
      const first = new Simulation(base());
      const before = first.advanceTo(cut);
      const snap = JSON.parse(JSON.stringify(first.snapshot())) as SimulationSnapshot;
      const restored = Simulation.restore(snap, base());
      const after = restored.advanceTo(HORIZON);
      expect([...before, ...after]).toEqual(whole);
      const uninterrupted = new Simulation(base());
      uninterrupted.advanceTo(HORIZON);
      expect(restored.stats()).toEqual(uninterrupted.stats());
      expect(restored.snapshot()).toEqual(uninterrupted.snapshot());
    }
  });

  test('replay mode snapshots restore too (with the same rows)', () => {
    const rows: PriceRow[] = [];
    for (let i = 0; i < 37; i++) {
      rows.push({ timestamp: i, symbol: 'AAA', price: 100 + 10 * Math.sin(i / 3) });
      if (i % 2 === 0) rows.push({ timestamp: i, symbol: 'BBB', price: 5 + Math.cos(i / 4) });
    }
    const o = base({ replay: { rows } });
    const whole = new Simulation(o).advanceTo(HORIZON);
    const first = new Simulation(o);
    const before = first.advanceTo(START + 100_000);
    const snap = JSON.parse(JSON.stringify(first.snapshot())) as SimulationSnapshot;
    expect([...before, ...Simulation.restore(snap, o).advanceTo(HORIZON)]).toEqual(whole);
    expect(() => Simulation.restore(snap, base())).toThrow();
    expect(new Simulation(o).latestPrices().map((t) => t.symbol)).toEqual(['AAA', 'BBB']);
  });

  test('corrupt snapshots are rejected', () => {
    const snap = new Simulation(base()).snapshot();
    expect(() => Simulation.restore({ ...snap, version: 1 } as unknown as SimulationSnapshot, base())).toThrow();
    expect(() => Simulation.restore({ ...snap, version: 3 } as unknown as SimulationSnapshot, base())).toThrow();
    expect(() => Simulation.restore({ ...snap, agents: [] }, base())).toThrow();
  });

  test('rebase skips missed steps and shifts the whole schedule', () => {
    const sim = new Simulation(base());
    sim.advanceTo(START + 10_000);
    const due = sim.nextDueAt();
    const later = START + 3_600_000;
    sim.rebase(later);
    expect(sim.nextDueAt()).toBe(later);
    const ev = sim.advanceTo(later);
    expect(ev.filter((e) => e.kind === 'market').every((e) => e.at === later)).toBe(true);
    expect(ev.some((e) => e.kind === 'arena')).toBe(false);
    // The earliest step was a flow micro-step 250 ms into the hour; the hour's remaining 4,750 ms keep their length.
    expect(sim.stats().marketSteps).toBe(3);
    sim.advanceTo(later + 4_749);
    expect(sim.stats().marketSteps).toBe(3);
    expect(sim.advanceTo(later + 4_750).filter((e) => e.kind === 'market').length).toBe(4);
    // arena end keeps its remaining distance: it was due 60_000 - (due - START) after `due`
    const next = sim.advanceTo(later + (START + 60_000 - due));
    expect(next.filter((e) => e.kind === 'arena').length).toBe(1);
    sim.rebase(0);
    expect(sim.nextDueAt()).toBeGreaterThan(later);
  });

  test('stepOnce reports which step it ran, in schedule order, and null when nothing is due', () => {
    const o = base({ agentIntervalMs: 10_000 });
    const sim = new Simulation(o);
    const kinds: StepKind[] = [];
    const events: SimEvent[] = [];
    for (;;) {
      const before = events.length;
      const kind = sim.stepOnce(HORIZON, events);
      if (kind === null) break;
      kinds.push(kind);
      const made = new Set<string>(events.slice(before).map((e) => e.kind));
      // Each kind makes only its own events (micro-steps and decisions make none here: market data is off).
      const own: string[] = { market: ['market'], decisions: [], micro: [], reports: ['agent'], round: ['arena'] }[
        kind
      ];
      expect({ kind, made: [...made] }).toEqual({ kind, made: own });
    }
    expect(sim.stepOnce(HORIZON, events)).toBeNull();
    expect(new Set(kinds)).toEqual(new Set(STEP_KINDS));
    // A market step's decisions run right after it; the flow's micro-steps fill the interval.
    kinds.forEach((k, i) => {
      if (k === 'market') expect(kinds[i + 1]).toBe('decisions');
    });
    const markets = kinds.filter((k) => k === 'market').length;
    expect(kinds.filter((k) => k === 'decisions').length).toBe(markets);
    expect(kinds.filter((k) => k === 'micro').length).toBeGreaterThanOrEqual((markets - 1) * 19);
    expect(kinds.filter((k) => k === 'round').length).toBe(8);
    expect(events).toEqual(new Simulation(o).advanceTo(HORIZON));
  });

  test('invalid options are rejected', () => {
    expect(() => new Simulation(base({ agents: 2 }))).toThrow(RangeError);
    expect(() => new Simulation(base({ agents: 5001 }))).toThrow(RangeError);
    expect(() => new Simulation(base({ seed: -1 }))).toThrow(RangeError);
    expect(() => new Simulation(base({ feedErrorRate: 1.5 }))).toThrow(RangeError);
    expect(() => new Simulation(base({ marketIntervalMs: 0 }))).toThrow(RangeError);
    expect(() => new Simulation(base({ agentIntervalMs: 1e-300 }))).toThrow(RangeError);
    expect(() => new Simulation(base({ symbols: [] }))).toThrow(RangeError);
  });
});
