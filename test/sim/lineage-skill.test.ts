// Lineage that selects skill: fitness = risk-adjusted round performance net of costs, skill = shrunk life-long
// fitness, distinct behaviours from birth, founders as never-culled benchmarks, every strategy kept alive.

import { describe, expect, test } from 'bun:test';
import { agentSkill, endAgentRound, markStep, roundFitness, START_CAPITAL } from '../../src/sim/agent.ts';
import { endRound } from '../../src/sim/arena.ts';
import { behaviourKey, initialAgentId } from '../../src/sim/lineage.ts';
import { Simulation } from '../../src/sim/model.ts';
import { resolveOptions } from '../../src/sim/options.ts';
import { Rng } from '../../src/sim/rng.ts';
import { getStrategy, STRATEGY_ORDER } from '../../src/sim/strategies/index.ts';
import { makeAgent } from './helpers.ts';

function agentWithPath(id: string, capitals: number[]) {
  const a = makeAgent('Momentum', {}, id);
  for (const c of capitals) {
    a.cash = c;
    markStep(a, 1);
  }
  return a;
}

describe('fitness and skill', () => {
  test('fitness is the round Sharpe of step returns: steady gains beat a bigger but wild gain', () => {
    const steady = agentWithPath('steady', [100_000, 100_500, 101_000, 101_500, 102_000]);
    const wild = agentWithPath('wild', [100_000, 130_000, 90_000, 125_000, 104_000]);
    expect(roundFitness(steady)).toBeGreaterThan(roundFitness(wild));
    expect(wild.cash).toBeGreaterThan(steady.cash);
    // An idle agent scores 0, not a huge ratio of tiny numbers.
    expect(roundFitness(agentWithPath('idle', [100_000, 100_000, 100_000]))).toBe(0);
  });

  test('skill averages round fitness over the life, shrunk toward 0 for young agents', () => {
    const a = makeAgent('Momentum');
    for (let r = 0; r < 6; r++) {
      a.cash = START_CAPITAL;
      markStep(a, 1);
      a.cash = START_CAPITAL * 1.01;
      markStep(a, 1);
      a.cash = START_CAPITAL * 1.02;
      markStep(a, 1);
      endAgentRound(a);
    }
    expect(a.rounds).toBe(6);
    expect(agentSkill(a)).toBeCloseTo((a.fitSum / 6) * (6 / 9), 10);
    expect(a.rN).toBe(0);
  });

  test('the round ranking is by fitness and culling by skill: the steady agent wins, the worst skill dies', () => {
    // Same mean step return (+0.1%), noise growing with i: fitness falls with i.
    const path = (i: number) => {
      const out = [100_000];
      for (let k = 0; k < 6; k++) out.push((out.at(-1) ?? 0) * (1 + 0.001 + 0.002 * i * (k % 2 === 0 ? 1 : -1)));
      return out;
    };
    const agents = Array.from({ length: 10 }, (_, i) => agentWithPath(`Momentum-${i + 6}`, path(i)));
    const wild = agentWithPath('Momentum-99', [100_000, 150_000, 80_000, 140_000]);
    agents.push(wild);
    const fit = new Map(agents.map((a) => [a.id, roundFitness(a)]));
    let n = 0;
    const { result } = endRound(
      agents,
      1,
      0,
      () => 1,
      new Rng(3),
      () => ++n,
    );
    expect(result.winner).toBe('Momentum-6');
    expect(result.ranking.map((r) => r.agent_id)).toEqual(
      [...fit.entries()].sort((x, y) => y[1] - x[1]).map(([id]) => id),
    );
    expect(wild.cash).toBeGreaterThan(Math.max(...agents.filter((a) => a !== wild).map((a) => a.cash)));
    // Cull 20% of 11 = 2: the two lowest skills (one round: skill = fitness / 4).
    const worst = [...fit.entries()]
      .sort((x, y) => x[1] - y[1])
      .slice(0, 2)
      .map(([id]) => id);
    expect(result.deaths.map((d) => d.agent_id).sort()).toEqual(worst.sort());
    expect(result.births.every((b) => b.parent !== worst[0] && b.parent !== worst[1])).toBe(true);
  });
});

describe('population rules', () => {
  test('N agents are N distinct behaviours at birth (first generation included), founders at the defaults', () => {
    const sim = new Simulation(resolveOptions({ seed: 5, startTime: 0, agents: 5000 }));
    const keys = new Set<string>();
    for (const a of sim.snapshot().agents) {
      keys.add(behaviourKey(a.strategy, a.params));
      if (a.founder) expect(a.params).toEqual({ ...getStrategy(a.strategy).defaults });
    }
    expect(keys.size).toBe(5000);
    expect(
      sim
        .agents()
        .slice(0, 5)
        .map((a) => a.agent_id),
    ).toEqual([...STRATEGY_ORDER]);
  });

  test('founders are never culled and stay queryable; offspring are never clones; every strategy survives', () => {
    const o = resolveOptions({
      seed: 17,
      startTime: 0,
      agents: 40,
      arenaRoundMs: 30_000,
      marketConfig: { volScale: 4 },
    });
    const sim = new Simulation(o);
    let births = 0;
    for (let r = 1; r <= 80; r++) {
      for (const e of sim.advanceTo(r * o.arenaRoundMs)) {
        if (e.kind !== 'arena') continue;
        births += e.data.births.length;
        for (const d of e.data.deaths) expect(STRATEGY_ORDER as readonly string[]).not.toContain(d.agent_id);
      }
      for (const id of STRATEGY_ORDER) expect(sim.agentDetail(id)?.founder).toBe(true);
      const keys = sim.agents().map((a) => {
        const d = sim.agentDetail(a.agent_id);
        return behaviourKey(a.strategy as 'Balanced', d?.params ?? {});
      });
      expect(new Set(keys).size).toBe(40);
      expect(new Set(sim.agents().map((a) => a.strategy)).size).toBe(5);
      // Each strategy keeps at least 5% of the population (2 of 40).
      for (const s of STRATEGY_ORDER)
        expect(sim.agents().filter((a) => a.strategy === s).length).toBeGreaterThanOrEqual(2);
    }
    expect(births).toBeGreaterThan(80 * 5);
    const detail = sim.agentDetail('Balanced');
    expect(detail?.rounds).toBe(80);
    expect(typeof detail?.skill).toBe('number');
    expect(sim.agents()[0]?.skill).toBe(Math.round((detail?.skill ?? 0) * 1e4) / 1e4);
  });

  test('the default 5-agent population keeps all five strategies (the founders) forever', () => {
    const o = resolveOptions({
      seed: 3,
      startTime: 0,
      agents: 5,
      arenaRoundMs: 20_000,
      marketConfig: { volScale: 20 },
    });
    const sim = new Simulation(o);
    sim.advanceTo(200 * o.arenaRoundMs);
    expect(sim.agents().map((a) => a.agent_id)).toEqual([...STRATEGY_ORDER]);
    expect(sim.agents().every((a) => a.status !== 'eliminated' || a.capital < 50_000)).toBe(true);
  });

  test('experiment controls: random ranking still breeds; evolve false never does; given populations are used', () => {
    const rand = new Simulation(
      resolveOptions({ seed: 1, startTime: 0, agents: 20, arenaRoundMs: 30_000, lineage: { selection: 'random' } }),
    );
    expect(
      rand
        .advanceTo(300_000)
        .filter((e) => e.kind === 'arena')
        .some((e) => e.kind === 'arena' && e.data.births.length > 0),
    ).toBe(true);
    const population = Array.from({ length: 8 }, (_, i) => ({
      strategy: 'Breakout' as const,
      params: { ...getStrategy('Breakout').defaults, entry: 20 + i },
    }));
    const frozen = new Simulation(
      resolveOptions({
        seed: 1,
        startTime: 0,
        agents: 8,
        arenaRoundMs: 30_000,
        lineage: { evolve: false },
        population,
      }),
    );
    const ev = frozen.advanceTo(300_000);
    expect(ev.filter((e) => e.kind === 'arena' && (e.data.births.length > 0 || e.data.deaths.length > 0))).toHaveLength(
      0,
    );
    expect(frozen.agents().every((a) => a.strategy === 'Breakout')).toBe(true);
    expect(frozen.agentDetail(initialAgentId(8).id)?.params.entry).toBe(27);
    expect(() => new Simulation(resolveOptions({ seed: 1, startTime: 0, agents: 9, population }))).toThrow(RangeError);
  });
});
