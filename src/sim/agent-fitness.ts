// An agent's fitness: per-step capital returns over a round, the round's risk-adjusted score and the lifetime skill.

import type { AgentState } from './agent-state.ts';
import { markedCapital } from './portfolio.ts';

/** Per-step return floor for the risk adjustment (0.03%/h): a nearly idle agent cannot score on noise-sized moves. */
export const STEP_SD_FLOOR = 0.0003;
/** Rounds of prior weight at fitness 0 in the skill figure: skill = sum of round fitness / (rounds + prior). */
export const SKILL_PRIOR_ROUNDS = 3;

/** Record this market step's capital return for the round's fitness. */
export function markStep(agent: AgentState, price: number): void {
  const capital = markedCapital(agent, price);
  if (agent.mark > 0 && Number.isFinite(capital)) {
    const r = capital / agent.mark - 1;
    agent.rSum += r;
    agent.rSq += r * r;
    agent.rN++;
  }
  agent.mark = capital;
}

/**
 * Fitness of the round so far: the sum of per-step capital returns (net of fees and slippage, since capital is)
 * divided by their volatility over the round, i.e. the round's Sharpe ratio (0 with no steps).
 */
export function roundFitness(agent: AgentState): number {
  const n = agent.rN;
  if (n === 0) return 0;
  const mean = agent.rSum / n;
  const sd = Math.max(Math.sqrt(Math.max(0, agent.rSq / n - mean * mean)), STEP_SD_FLOOR);
  return agent.rSum / (sd * Math.sqrt(n));
}

export function agentSkill(agent: AgentState): number {
  return agent.fitSum / (agent.rounds + SKILL_PRIOR_ROUNDS);
}

/** Close the books on a round: bank its fitness into the skill and start the next round's statistics. */
export function endAgentRound(agent: AgentState): void {
  agent.fitness = roundFitness(agent);
  agent.fitSum += agent.fitness;
  agent.rounds++;
  agent.rSum = 0;
  agent.rSq = 0;
  agent.rN = 0;
}
