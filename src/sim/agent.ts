// A trading agent's per-step decision (stops, strategy signal, scars, elimination), re-exporting the agent API.

import type { AgentState } from './agent-state.ts';
import {
  closeAt,
  closePosition,
  fillPrice,
  markedCapital,
  openAt,
  openPosition,
  positionSize,
  type TradingCosts,
} from './portfolio.ts';
import { applyScar, isDrawdownScar, isTradeLossScar, type ScarPolicy } from './scars.ts';
import { getStrategy } from './strategies/index.ts';
import { param, type Side } from './strategies/types.ts';

export {
  agentSkill,
  endAgentRound,
  markStep,
  roundFitness,
  SKILL_PRIOR_ROUNDS,
  STEP_SD_FLOOR,
} from './agent-fitness.ts';
export { type AgentReport, agentCapital, agentReport, winRate } from './agent-report.ts';
export { type AgentSnapshot, agentFromSnapshot, agentToSnapshot } from './agent-snapshot.ts';
export {
  type AgentState,
  type AgentStatus,
  createAgent,
  ELIMINATION_FLOOR,
  type NewAgent,
  START_CAPITAL,
} from './agent-state.ts';

/** Sends an agent's market order to the books; exits must fill completely, entries may fill partly or not at all. */
export type OrderRouter = (
  agent: AgentState,
  side: 1 | -1,
  qty: number,
  exit: boolean,
  budget: number,
) => { qty: number; price: number };

/** Mutable context reused across decisions so the hot loop allocates nothing per agent. */
export interface DecisionContext {
  step: number;
  at: number;
  round: number;
  costs: TradingCosts;
  scarPolicy: ScarPolicy;
  floor: number;
  /** Where orders go; without one, fills are at the quote with the flat slippage of `costs` (unit tests). */
  router?: OrderRouter;
}

/** Close the open position at `price`, book the win/loss, and scar on a severe loss. Returns fills (0/1). */
function closeTrade(agent: AgentState, price: number, ctx: DecisionContext, allowScar: boolean): number {
  if (agent.qty === 0) return 0;
  const before = markedCapital(agent, price);
  let pnl: number;
  if (ctx.router) {
    const fill = ctx.router(agent, agent.qty > 0 ? -1 : 1, Math.abs(agent.qty), true, Infinity);
    pnl = closeAt(agent, fill.price, ctx.costs.feeRate);
  } else {
    pnl = closePosition(agent, price, ctx.costs);
  }
  agent.trades++;
  if (pnl > 0) agent.wins++;
  else agent.losses++;
  if (allowScar && isTradeLossScar(pnl, before, ctx.scarPolicy)) {
    applyScar(agent, 'trade_loss', -pnl, agent.cash, ctx.at, ctx.round, ctx.step, ctx.scarPolicy);
  }
  return 1;
}

function openTrade(agent: AgentState, side: Side, price: number, ctx: DecisionContext): number {
  const capital = markedCapital(agent, price);
  const qty = positionSize(
    capital,
    agent.cash,
    agent.riskBudget,
    param(agent.params, 'stopLoss', 0.03),
    param(agent.params, 'maxExposure', 0.5),
    fillPrice(price, side, ctx.costs),
    side,
    ctx.costs,
  );
  if (qty <= 0) return 0;
  if (ctx.router) {
    // Longs spend at most the cash left after fees; the book decides the price (and may fill less).
    const budget = side > 0 ? agent.cash / (1 + ctx.costs.feeRate) : Infinity;
    const fill = ctx.router(agent, side > 0 ? 1 : -1, qty, false, budget);
    if (!(fill.qty > 0)) return 0;
    openAt(agent, side, fill.qty, fill.price, ctx.costs.feeRate);
  } else {
    openPosition(agent, side, qty, price, ctx.costs);
  }
  agent.trades++;
  return 1;
}

/**
 * Mark an agent at the exchange price; if capital is below the floor it is eliminated at once and
 * the exchange liquidates any position at that price (no scar: the agent is out). Returns the
 * liquidation fills (0 or 1) when it was eliminated now, or -1 when it stays in the game.
 */
export function enforceFloor(agent: AgentState, price: number, ctx: DecisionContext): number {
  if (agent.status === 'eliminated' || markedCapital(agent, price) >= ctx.floor) return -1;
  const fills = closeTrade(agent, price, ctx, false);
  agent.status = 'eliminated';
  return fills;
}

/**
 * Paused agents sit out their cool-down (holding no position, see decide) and become active again at
 * market step `resumeStep`. Returns whether the agent may decide at market step `step`.
 */
export function resumeIfDue(agent: AgentState, step: number): boolean {
  if (agent.status === 'paused' && step >= agent.resumeStep) agent.status = 'active';
  return agent.status === 'active';
}

/**
 * One decision on a fresh quote `price`: record it, apply stop-loss/take-profit, follow the
 * strategy's target, then check scars and the elimination floor. Returns the number of fills.
 */
export function decide(agent: AgentState, price: number, ctx: DecisionContext): number {
  if (agent.status !== 'active') return 0;
  agent.history.push(price);
  let fills = 0;
  let side: Side = agent.qty > 0 ? 1 : agent.qty < 0 ? -1 : 0;
  let stopped = false;
  if (side !== 0) {
    const move = (side * (price - agent.entryPrice)) / agent.entryPrice;
    if (move <= -param(agent.params, 'stopLoss', 0.03) || move >= param(agent.params, 'takeProfit', 0.06)) {
      fills += closeTrade(agent, price, ctx, true);
      side = 0;
      stopped = true;
    }
  }
  // A stop exit ends this step's trading: re-entering on the same quote would just churn fees.
  if (!stopped) {
    const target = getStrategy(agent.strategy).signal(agent.history, agent.params, side);
    if (target !== null && target !== side) {
      if (side !== 0) fills += closeTrade(agent, price, ctx, true);
      // A trade-loss scar on the close pauses the agent, which also cancels the reversal.
      if (target !== 0 && agent.status === 'active') fills += openTrade(agent, target, price, ctx);
    }
  }
  let capital = markedCapital(agent, price);
  if (capital > agent.peak) {
    agent.peak = capital;
  } else if (isDrawdownScar(capital, agent.peak, ctx.scarPolicy)) {
    // Paused agents hold nothing: flatten first so the scar records the realized capital.
    fills += closeTrade(agent, price, ctx, true);
    capital = markedCapital(agent, price);
    applyScar(agent, 'drawdown', agent.peak - capital, capital, ctx.at, ctx.round, ctx.step, ctx.scarPolicy);
  }
  if (capital < ctx.floor) {
    fills += closeTrade(agent, price, ctx, false);
    agent.status = 'eliminated';
  }
  return fills;
}
