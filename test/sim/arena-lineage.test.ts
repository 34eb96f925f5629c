// Tests for round ends: ranking, winner credit, deaths, offspring (ids, generation, parent, mutation), ancestry.

import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { START_CAPITAL } from '../../src/sim/agent.ts';
import { endRound, rankAgents } from '../../src/sim/arena.ts';
import {
  AGENT_ID_RE,
  ancestry,
  cullCount,
  initialAgentId,
  mutateParams,
  offspringId,
  selectDeaths,
} from '../../src/sim/lineage.ts';
import { Simulation } from '../../src/sim/model.ts';
import { resolveOptions } from '../../src/sim/options.ts';
import { Rng } from '../../src/sim/rng.ts';
import { getStrategy, STRATEGY_ORDER } from '../../src/sim/strategies/index.ts';
import { makeAgent } from './helpers.ts';

const price = (): number => 100;

function population(capitals: number[]) {
  return capitals.map((c, i) => {
    const { id, strategy } = initialAgentId(i + 1);
    const a = makeAgent(strategy, {}, id);
    a.cash = c;
    return a;
  });
}

describe('ids', () => {
  test('initial roster names, then <Strategy>-<n> cycling through strategies', () => {
    const ids = Array.from({ length: 12 }, (_, i) => initialAgentId(i + 1).id);
    expect(ids.slice(0, 5)).toEqual(['Balanced', 'Momentum', 'Conservative', 'MeanReversion', 'Breakout']);
    expect(ids.slice(5, 8)).toEqual(['Balanced-6', 'Momentum-7', 'Conservative-8']);
    expect(offspringId('Momentum', 2, 17)).toBe('Momentum-g2-17');
  });

  test('every generated id matches the id pattern', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 2, max: 1e9 }),
        fc.integer({ min: 1, max: 1e12 }),
        (n, g, c) => {
          const strategy = STRATEGY_ORDER[n % STRATEGY_ORDER.length] ?? 'Balanced';
          return AGENT_ID_RE.test(initialAgentId(n).id) && AGENT_ID_RE.test(offspringId(strategy, g, c));
        },
      ),
    );
  });
});

describe('ranking and round end', () => {
  test('rank by capital descending, ties by id', () => {
    const agents = population([100_000, 120_000, 100_000, 90_000]);
    const ranking = rankAgents(agents, price);
    expect(ranking.map((r) => r.agent_id)).toEqual(['Momentum', 'Balanced', 'Conservative', 'MeanReversion']);
    expect(ranking.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  test('cull count: 20% (at least 1) from five agents up, none below', () => {
    expect([3, 4, 5, 9, 10, 1000].map(cullCount)).toEqual([0, 0, 1, 1, 2, 200]);
  });

  test('deaths: all eliminated plus the weakest up to the cull count', () => {
    const ranking = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id, i) => ({
      agent_id: id,
      capital: 100 - i,
    }));
    expect(selectDeaths(ranking, () => false).map((d) => [d.agent_id, d.reason])).toEqual([
      ['i', 'culled'],
      ['j', 'culled'],
    ]);
    expect(selectDeaths(ranking, (id) => id === 'j').map((d) => [d.agent_id, d.reason])).toEqual([
      ['i', 'culled'],
      ['j', 'eliminated'],
    ]);
    expect(selectDeaths(ranking, (id) => 'bcd'.includes(id)).map((d) => d.reason)).toEqual([
      'eliminated',
      'eliminated',
      'eliminated',
    ]);
  });

  test('winner wins increment; eliminated agents are replaced by offspring of the top', () => {
    const agents = population([130_000, 110_000, 100_000, 45_000, 105_000]);
    const victim = agents[3];
    if (!victim) throw new Error('setup');
    victim.status = 'eliminated';
    victim.scars.push({ at: 1, round: 1, kind: 'drawdown', loss: 1, capital_after: 1 });
    let births = 0;
    const { result, dead } = endRound(agents, 4, 720_000, price, new Rng(1), () => ++births);
    expect(result.round).toBe(4);
    expect(result.ended_at).toBe(720_000);
    expect(result.winner).toBe('Balanced');
    expect(agents[0]?.arenaWins).toBe(1);
    expect(result.ranking.map((r) => r.capital)).toEqual([130_000, 110_000, 105_000, 100_000, 45_000]);
    expect(result.deaths).toEqual([{ agent_id: 'MeanReversion', reason: 'eliminated', capital: 45_000 }]);
    expect(agents).toHaveLength(5);
    const child = agents[3];
    expect(child?.id).toBe('Balanced-g2-1');
    expect(child?.parent).toBe('Balanced');
    expect(child?.generation).toBe(2);
    expect(child?.strategy).toBe('Balanced');
    expect(child?.cash).toBe(START_CAPITAL);
    expect(child?.scars).toEqual([]);
    expect(child?.status).toBe('active');
    expect(child?.symbol).toBe(victim.symbol);
    expect(result.births).toEqual([
      { agent_id: 'Balanced-g2-1', parent: 'Balanced', generation: 2, strategy: 'Balanced' },
    ]);
    expect(dead.map((d) => d.agent_id)).toEqual(['MeanReversion']);
  });

  test('all eliminated: the best of the dead still seeds the next generation', () => {
    const agents = population([60_000, 40_000, 30_000]);
    for (const a of agents) a.status = 'eliminated';
    const { result } = endRound(
      agents,
      1,
      0,
      price,
      new Rng(2),
      (() => {
        let n = 0;
        return () => ++n;
      })(),
    );
    expect(result.deaths).toHaveLength(3);
    expect(agents.every((a) => a.parent === 'Balanced' && a.generation === 2)).toBe(true);
  });
});

describe('mutation', () => {
  test('mutated params stay within bounds and keep constraints', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 30 }),
        (seed, si, gens) => {
          const name = STRATEGY_ORDER[si] ?? 'Balanced';
          const s = getStrategy(name);
          const rng = new Rng(seed);
          let p = { ...s.defaults };
          for (let g = 0; g < gens; g++) p = mutateParams(name, p, rng);
          for (const [key, spec] of Object.entries(s.bounds)) {
            const v = p[key];
            if (v === undefined || v < spec.min || v > spec.max) return false;
            if (spec.integer && !Number.isInteger(v)) return false;
          }
          if (name === 'Balanced' && !((p.fast ?? 0) < (p.slow ?? 0))) return false;
          if (name === 'Breakout' && !((p.exit ?? 0) < (p.entry ?? 0))) return false;
          if (name === 'MeanReversion' && !((p.exitZ ?? 0) < (p.entryZ ?? 0))) return false;
          return true;
        },
      ),
    );
  });

  test('mutation actually changes parameters', () => {
    const p = mutateParams('Momentum', getStrategy('Momentum').defaults, new Rng(4));
    expect(p).not.toEqual(getStrategy('Momentum').defaults);
  });
});

describe('ancestry', () => {
  test('walks parent links until unknown', () => {
    const parents = new Map<string, string | null>([
      ['c', 'b'],
      ['b', 'a'],
      ['a', null],
    ]);
    expect(ancestry('c', (id) => parents.get(id))).toEqual(['c', 'b', 'a']);
    expect(ancestry('x', (id) => parents.get(id))).toEqual(['x']);
    expect(ancestry(null, (id) => parents.get(id))).toEqual([]);
  });

  test('simulation: offspring name their ancestors, including dead ones', () => {
    const o = resolveOptions({ seed: 11, startTime: 0, agents: 10, arenaRoundMs: 60_000 });
    const sim = new Simulation(o);
    sim.advanceTo(60_000 * 30);
    const gens = sim.agents().map((a) => a.generation);
    const deepest = sim.agents().find((a) => a.generation === Math.max(...gens));
    expect(deepest?.generation).toBeGreaterThan(2);
    const detail = sim.agentDetail(deepest?.agent_id ?? '');
    expect(detail?.ancestry.length).toBe((deepest?.generation ?? 0) - 1);
    expect(detail?.ancestry[0]).toBe(deepest?.parent ?? '');
    expect(sim.agentDetail('nope')).toBeUndefined();
  });
});
