// Property tests over whole simulations: accounting identity, bounded rates, monotone counters, stable population.

import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
// Imported through the public index on purpose, so the re-exports are exercised too.
import { AGENT_ID_RE, resolveOptions, Simulation } from '../../src/sim/index.ts';

const symbolPool = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'DOGE-USD', 'SHIB-USD', 'NEW1-USD', 'ZED'];

const scenario = fc.record({
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  agents: fc.integer({ min: 3, max: 40 }),
  symbolCount: fc.integer({ min: 1, max: symbolPool.length }),
  feedErrorRate: fc.constantFrom(0, 0.01, 0.3, 0.9),
  volScale: fc.constantFrom(1, 5, 40, 1000),
  rounds: fc.integer({ min: 3, max: 12 }),
});

describe('simulation invariants', () => {
  test('accounting, rates, monotone counters, ids and population size hold in every event stream', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const o = resolveOptions({
          seed: s.seed,
          startTime: 0,
          agents: s.agents,
          symbols: symbolPool.slice(0, s.symbolCount),
          feedErrorRate: s.feedErrorRate,
          arenaRoundMs: 40_000,
          marketConfig: { volScale: s.volScale },
        });
        const sim = new Simulation(o);
        const events = sim.advanceTo(o.arenaRoundMs * s.rounds);
        const lastPrice = new Map<string, number>();
        const seen = new Map<string, { trades: number; scars: number; wins: number }>();
        const reportsAt = new Map<number, string[]>();
        let arenas = 0;
        for (const e of events) {
          if (e.kind === 'market') {
            expect(e.data.price > 0 && Number.isFinite(e.data.price)).toBe(true);
            expect(Number.isFinite(e.data.change_percent)).toBe(true);
            lastPrice.set(e.data.symbol, e.data.price);
          } else if (e.kind === 'agent') {
            const r = e.data;
            const price = lastPrice.get(r.symbol) ?? Number.NaN;
            const marked = r.cash + r.position * price;
            const tol = 0.02 + Math.abs(price) * 1e-8 + 1e-9 * (Math.abs(r.cash) + Math.abs(r.position * price));
            expect(Math.abs(r.capital - marked)).toBeLessThanOrEqual(tol);
            expect(r.win_rate >= 0 && r.win_rate <= 1).toBe(true);
            expect(AGENT_ID_RE.test(r.agent_id)).toBe(true);
            if (r.status === 'paused') expect(r.position).toBe(0);
            const prev = seen.get(r.agent_id);
            if (prev) {
              expect(r.trades_executed).toBeGreaterThanOrEqual(prev.trades);
              expect(r.scars).toBeGreaterThanOrEqual(prev.scars);
              expect(r.wins).toBeGreaterThanOrEqual(prev.wins);
            }
            seen.set(r.agent_id, { trades: r.trades_executed, scars: r.scars, wins: r.wins });
            const list = reportsAt.get(e.at) ?? [];
            list.push(r.agent_id);
            reportsAt.set(e.at, list);
          } else if (e.kind === 'arena') {
            arenas++;
            const d = e.data;
            expect(d.ranking).toHaveLength(s.agents);
            expect(d.winner).toBe(d.ranking[0]?.agent_id ?? '');
            expect(d.births).toHaveLength(d.deaths.length);
            const genOf = new Map(d.ranking.map((r) => [r.agent_id, r.generation]));
            for (const b of d.births) {
              expect(b.generation).toBe((genOf.get(b.parent) ?? -1) + 1);
              expect(AGENT_ID_RE.test(b.agent_id)).toBe(true);
            }
            // Ranked by the round's risk-adjusted fitness (not capital): a permutation of the population, ranks 1..N.
            expect(d.ranking.map((r) => r.rank)).toEqual(d.ranking.map((_, i) => i + 1));
            expect(new Set(d.ranking.map((r) => r.agent_id)).size).toBe(s.agents);
          }
        }
        expect(arenas).toBe(s.rounds);
        for (const ids of reportsAt.values()) {
          expect(ids).toHaveLength(s.agents);
          expect(new Set(ids).size).toBe(s.agents);
        }
        expect(sim.agents()).toHaveLength(s.agents);
        const st = sim.stats();
        expect(st.requests).toBe(st.successes + st.failures);
      }),
      { numRuns: 30 },
    );
  });

  test('population stays exactly the configured size over many rounds, even under carnage', () => {
    const o = resolveOptions({
      seed: 9,
      startTime: 0,
      agents: 25,
      arenaRoundMs: 30_000,
      marketConfig: { volScale: 200 },
    });
    const sim = new Simulation(o);
    let births = 0;
    for (let r = 1; r <= 100; r++) {
      const ev = sim.advanceTo(r * o.arenaRoundMs);
      for (const e of ev) if (e.kind === 'arena') births += e.data.births.length;
      const ids = sim.agents().map((a) => a.agent_id);
      expect(ids).toHaveLength(25);
      expect(new Set(ids).size).toBe(25);
    }
    expect(sim.stats().round).toBe(101);
    // Extreme volatility must actually kill agents, otherwise this test proves nothing about replacement.
    expect(births).toBeGreaterThan(100 * 5);
  });
});
