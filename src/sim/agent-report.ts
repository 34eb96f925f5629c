// An agent's public report: capital marked at the exchange price, win rate, skill and lineage figures.

import { agentSkill } from './agent-fitness.ts';
import type { AgentState, AgentStatus } from './agent-state.ts';
import { markedCapital } from './portfolio.ts';
import { roundMoney, roundTo } from './rounding.ts';

export interface AgentReport {
  agent_id: string;
  capital: number;
  trades_executed: number;
  win_rate: number;
  status: AgentStatus;
  strategy: string;
  generation: number;
  parent: string | null;
  scars: number;
  wins: number;
  symbol: string;
  cash: number;
  position: number;
  /** Skill: the agent's round fitness averaged over its life, shrunk toward 0 for young agents (see lineage.ts). */
  skill: number;
  /** Fitness of its last completed round. */
  fitness: number;
}

export function agentCapital(agent: AgentState, price: number): number {
  return markedCapital(agent, price);
}

/** win_rate = wins / (wins + losses) over closed trades, 0 with none; always within [0, 1]. */
export function winRate(agent: AgentState): number {
  const closed = agent.wins + agent.losses;
  return closed === 0 ? 0 : roundTo(agent.wins / closed, 4);
}

/** Report marked at the exchange's latest published `price` for the agent's symbol. */
export function agentReport(agent: AgentState, price: number): AgentReport {
  return {
    agent_id: agent.id,
    capital: roundMoney(markedCapital(agent, price)),
    trades_executed: agent.trades,
    win_rate: winRate(agent),
    status: agent.status,
    strategy: agent.strategy,
    generation: agent.generation,
    parent: agent.parent,
    scars: agent.scars.length,
    wins: agent.arenaWins,
    symbol: agent.symbol,
    cash: roundMoney(agent.cash),
    position: roundTo(agent.qty, 8),
    skill: roundTo(agentSkill(agent), 4),
    fitness: roundTo(agent.fitness, 4),
  };
}
