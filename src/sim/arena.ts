// Arena rounds: rank the population by risk-adjusted round fitness, credit the winner, and replace the dead with
// offspring selected on skill. The selection rule is documented in README.md ("Lineage").

import { type AgentState, agentCapital, agentSkill, endAgentRound, START_CAPITAL } from './agent.ts';
import { type Birth, behaviourKey, breed, type DeadRecord, type Death, selectDeaths } from './lineage.ts';
import type { Rng } from './rng.ts';
import { roundMoney } from './rounding.ts';

export interface RankingEntry {
  rank: number;
  agent_id: string;
  capital: number;
  strategy: string;
  generation: number;
}

export interface RoundResult {
  round: number;
  ended_at: number;
  winner: string;
  ranking: RankingEntry[];
  births: Birth[];
  deaths: Death[];
}

export interface LineageRules {
  /** 'fitness': cull and breed on skill; 'random': the same machinery on random keys (the control for experiments). */
  selection: 'fitness' | 'random';
  /** false: rounds rank and credit winners but nobody dies or is born (evaluation runs). */
  evolve: boolean;
}

export const DEFAULT_LINEAGE_RULES: Readonly<LineageRules> = { selection: 'fitness', evolve: true };

/** Each strategy keeps at least this share of the population (5%, rounded down) against culling. */
export const STRATEGY_FLOOR_SHARE = 0.05;

/** Rank by capital (rounded to cents, as reported) descending; ties by id ascending for a total order. */
export function rankAgents(agents: readonly AgentState[], priceOf: (symbolIndex: number) => number): RankingEntry[] {
  const rows = agents.map((a) => ({ a, capital: roundMoney(agentCapital(a, priceOf(a.symbolIndex))) }));
  rows.sort((x, y) => y.capital - x.capital || (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : 0));
  return rows.map((r, i) => ({
    rank: i + 1,
    agent_id: r.a.id,
    capital: r.capital,
    strategy: r.a.strategy,
    generation: r.a.generation,
  }));
}

/** Rank by the round's fitness descending (call after endAgentRound), then capital, then id. */
export function rankByFitness(agents: readonly AgentState[], priceOf: (symbolIndex: number) => number): RankingEntry[] {
  const rows = agents.map((a) => ({ a, capital: roundMoney(agentCapital(a, priceOf(a.symbolIndex))) }));
  rows.sort(
    (x, y) => y.a.fitness - x.a.fitness || y.capital - x.capital || (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : 0),
  );
  return rows.map((r, i) => ({
    rank: i + 1,
    agent_id: r.a.id,
    capital: r.capital,
    strategy: r.a.strategy,
    generation: r.a.generation,
  }));
}

export interface RoundEnd {
  result: RoundResult;
  dead: DeadRecord[];
}

/** A founder that fell through the elimination floor is staked again: fresh capital, same id and parameters. */
function restake(a: AgentState): void {
  a.cash = START_CAPITAL;
  a.qty = 0;
  a.entryPrice = 0;
  a.entryFee = 0;
  a.status = 'active';
  a.peak = START_CAPITAL;
  a.mark = START_CAPITAL;
}

/**
 * End round `round` at `at`: every agent banks its round fitness, the ranking (by fitness) credits its winner, then
 * eliminated and culled agents are replaced in place (same array slots) by offspring of the top agents, so the
 * population size never changes. Selection uses skill (the life-long, shrunk fitness): the weakest 20% die, parents
 * are drawn uniformly from the top max(1, 20%). Founders never die (eliminated founders are staked again) and every
 * strategy keeps 5% of the population.
 */
export function endRound(
  agents: AgentState[],
  round: number,
  at: number,
  priceOf: (symbolIndex: number) => number,
  rng: Rng,
  nextBirthId: () => number,
  rules: LineageRules = DEFAULT_LINEAGE_RULES,
): RoundEnd {
  for (const a of agents) endAgentRound(a);
  const ranking = rankByFitness(agents, priceOf);
  const byId = new Map<string, AgentState>();
  for (const a of agents) byId.set(a.id, a);
  const winnerId = ranking[0]?.agent_id ?? '';
  const winner = byId.get(winnerId);
  if (winner) winner.arenaWins++;
  const births: Birth[] = [];
  const dead: DeadRecord[] = [];
  const deaths: Death[] = [];
  if (rules.evolve) {
    // Selection order (best first): skill, or a random key for the control.
    const key = new Map<string, number>();
    for (const a of agents) key.set(a.id, rules.selection === 'random' ? rng.next() : agentSkill(a));
    const order = ranking
      .slice()
      .sort((x, y) => (key.get(y.agent_id) ?? 0) - (key.get(x.agent_id) ?? 0) || (x.agent_id < y.agent_id ? -1 : 1));
    const dies = (a: AgentState | undefined): boolean => a !== undefined && !a.founder && a.status === 'eliminated';
    const members = new Map<string, number>();
    for (const a of agents) if (!dies(a)) members.set(a.strategy, (members.get(a.strategy) ?? 0) + 1);
    const floor = Math.max(1, Math.floor(agents.length * STRATEGY_FLOOR_SHARE));
    const mayCull = (id: string): boolean => {
      const a = byId.get(id);
      if (!a || a.founder) return false;
      const left = members.get(a.strategy) ?? 0;
      if (left <= floor) return false;
      members.set(a.strategy, left - 1);
      return true;
    };
    deaths.push(...selectDeaths(order, (id) => dies(byId.get(id)), mayCull));
    const dyingIds = new Set(deaths.map((d) => d.agent_id));
    const survivors = order
      .filter((r) => !dyingIds.has(r.agent_id))
      .map((r) => byId.get(r.agent_id))
      .filter((a): a is AgentState => a !== undefined);
    const poolSize = Math.max(1, Math.floor(agents.length * 0.2));
    // If everyone died (all eliminated), the best of the dead still seeds the next generation.
    const fallback = byId.get(order[0]?.agent_id ?? '');
    const pool = survivors.length > 0 ? survivors.slice(0, poolSize) : fallback ? [fallback] : [];
    // A strategy whose eliminated members took it under its floor is refilled from its own best survivor.
    const bestOf = (strategy: string): AgentState | undefined => survivors.find((a) => a.strategy === strategy);
    const taken = new Set(agents.map((a) => behaviourKey(a.strategy, a.params)));
    const slotOf = new Map<string, number>();
    for (const [i, a] of agents.entries()) slotOf.set(a.id, i);
    for (const d of deaths) {
      const slot = slotOf.get(d.agent_id);
      const victim = slot === undefined ? undefined : agents[slot];
      if (slot === undefined || !victim) continue;
      const short = (members.get(victim.strategy) ?? 0) < floor;
      const parent = (short ? bestOf(victim.strategy) : undefined) ?? pool[rng.int(Math.max(1, pool.length))] ?? victim;
      if (short) members.set(victim.strategy, (members.get(victim.strategy) ?? 0) + 1);
      const child = breed(parent, victim, nextBirthId(), rng, taken);
      agents[slot] = child;
      births.push({ agent_id: child.id, parent: parent.id, generation: child.generation, strategy: child.strategy });
      dead.push({
        agent_id: victim.id,
        parent: victim.parent,
        generation: victim.generation,
        strategy: victim.strategy,
        reason: d.reason,
        round,
        capital: d.capital,
      });
    }
  }
  for (const a of agents) if (a.founder && a.status === 'eliminated') restake(a);
  return { result: { round, ended_at: at, winner: winnerId, ranking, births, deaths }, dead };
}
