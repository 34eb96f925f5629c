// Arena rounds: rank the population by capital, credit the winner, and replace the dead with offspring.

import { agentCapital, type AgentState } from './agent.ts';
import { breed, selectDeaths, type Birth, type Death, type DeadRecord } from './lineage.ts';
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

/** Rank by capital (rounded to cents, as reported) descending; ties by id ascending for a total order. */
export function rankAgents(agents: readonly AgentState[], priceOf: (symbolIndex: number) => number): RankingEntry[] {
  const rows = agents.map((a) => ({ a, capital: roundMoney(agentCapital(a, priceOf(a.symbolIndex))) }));
  rows.sort((x, y) => y.capital - x.capital || (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : 0));
  return rows.map((r, i) => ({ rank: i + 1, agent_id: r.a.id, capital: r.capital, strategy: r.a.strategy, generation: r.a.generation }));
}

export interface RoundEnd {
  result: RoundResult;
  dead: DeadRecord[];
}

/**
 * End round `round` at `at`: rank, increment the winner's arena wins, then replace eliminated and
 * culled agents in place (same array slots) with offspring of the top agents, so the population
 * size never changes. Parents are drawn uniformly from the top max(1, 20%) survivors.
 */
export function endRound(
  agents: AgentState[], round: number, at: number, priceOf: (symbolIndex: number) => number,
  rng: Rng, nextBirthId: () => number,
): RoundEnd {
  const ranking = rankAgents(agents, priceOf);
  const byId = new Map<string, AgentState>();
  agents.forEach((a) => byId.set(a.id, a));
  const winnerId = ranking[0]?.agent_id ?? '';
  const winner = byId.get(winnerId);
  if (winner) winner.arenaWins++;

  const deaths = selectDeaths(ranking, (id) => byId.get(id)?.status === 'eliminated');
  const dyingIds = new Set(deaths.map((d) => d.agent_id));
  const survivors = ranking.filter((r) => !dyingIds.has(r.agent_id));
  const poolSize = Math.max(1, Math.floor(agents.length * 0.2));
  // If everyone died (all eliminated), the best of the dead still seeds the next generation.
  const poolRows = survivors.length > 0 ? survivors.slice(0, poolSize) : ranking.slice(0, 1);
  const pool = poolRows.map((r) => byId.get(r.agent_id)).filter((a): a is AgentState => a !== undefined);

  const births: Birth[] = [];
  const dead: DeadRecord[] = [];
  const slotOf = new Map<string, number>();
  agents.forEach((a, i) => slotOf.set(a.id, i));
  for (const d of deaths) {
    const slot = slotOf.get(d.agent_id);
    const victim = slot === undefined ? undefined : agents[slot];
    const parent = pool[rng.int(pool.length)];
    if (slot === undefined || !victim || !parent) continue;
    const child = breed(parent, victim, nextBirthId(), rng);
    agents[slot] = child;
    births.push({ agent_id: child.id, parent: parent.id, generation: child.generation, strategy: child.strategy });
    dead.push({ agent_id: victim.id, parent: victim.parent, generation: victim.generation, strategy: victim.strategy, reason: d.reason, round, capital: d.capital });
  }
  return { result: { round, ended_at: at, winner: winnerId, ranking, births, deaths }, dead };
}
