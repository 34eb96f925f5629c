// Trading agent state, its per-step decision (stops, strategy signal, scars, elimination) and reports.

import { closePosition, markedCapital, openPosition, positionSize, fillPrice, type Book, type TradingCosts } from './portfolio.ts';
import { PriceRing } from './price-ring.ts';
import { roundMoney, roundTo } from './rounding.ts';
import { applyScar, isDrawdownScar, isTradeLossScar, type ScarPolicy, type ScarRecord } from './scars.ts';
import { getStrategy } from './strategies/index.ts';
import { HISTORY_CAPACITY, param, type Params, type Side, type StrategyName } from './strategies/types.ts';

export type AgentStatus = 'active' | 'paused' | 'eliminated';

export const START_CAPITAL = 100_000;
/** Agents whose capital falls below this (50% of start) are eliminated. */
export const ELIMINATION_FLOOR = START_CAPITAL * 0.5;

export interface AgentState extends Book {
  id: string;
  strategy: StrategyName;
  params: Params;
  symbol: string;
  symbolIndex: number;
  generation: number;
  parent: string | null;
  /** Fills executed (an open and a close are two trades). */
  trades: number;
  /** Closed round trips with positive / non-positive realized PnL (fees included). */
  wins: number;
  losses: number;
  /** Arena rounds won. */
  arenaWins: number;
  status: AgentStatus;
  /** Market step at which a paused agent becomes active again. */
  resumeStep: number;
  peak: number;
  /** Fraction of capital risked per trade; starts at params.risk, shrinks with every scar. */
  riskBudget: number;
  scars: ScarRecord[];
  /** Prices this agent actually observed (skipped steps leave no entry). */
  history: PriceRing;
}

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
}

/** Mutable context reused across decisions so the hot loop allocates nothing per agent. */
export interface DecisionContext {
  step: number;
  at: number;
  round: number;
  costs: TradingCosts;
  scarPolicy: ScarPolicy;
  floor: number;
}

/** What a new agent is given; the rest of its state starts fresh. */
export type NewAgent = Pick<AgentState, 'id' | 'strategy' | 'params' | 'symbol' | 'symbolIndex' | 'generation' | 'parent'> & { history?: PriceRing };

export function createAgent(a: NewAgent): AgentState {
  return {
    id: a.id, strategy: a.strategy, params: { ...a.params }, symbol: a.symbol, symbolIndex: a.symbolIndex,
    generation: a.generation, parent: a.parent,
    cash: START_CAPITAL, qty: 0, entryPrice: 0, entryFee: 0,
    trades: 0, wins: 0, losses: 0, arenaWins: 0, status: 'active', resumeStep: 0,
    peak: START_CAPITAL, riskBudget: param(a.params, 'risk', 0.01), scars: [],
    history: a.history ?? new PriceRing(HISTORY_CAPACITY),
  };
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
  };
}

/** Close the open position at `price`, book the win/loss, and scar on a severe loss. Returns fills (0/1). */
function closeTrade(agent: AgentState, price: number, ctx: DecisionContext, allowScar: boolean): number {
  if (agent.qty === 0) return 0;
  const before = markedCapital(agent, price);
  const pnl = closePosition(agent, price, ctx.costs);
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
    capital, agent.cash, agent.riskBudget, param(agent.params, 'stopLoss', 0.03),
    param(agent.params, 'maxExposure', 0.5), fillPrice(price, side, ctx.costs), side, ctx.costs,
  );
  if (qty <= 0) return 0;
  openPosition(agent, side, qty, price, ctx.costs);
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

/** Plain-JSON form of an agent (history as an oldest-first array). */
export type AgentSnapshot = Omit<AgentState, 'history'> & { history: number[] };

export function agentToSnapshot(agent: AgentState): AgentSnapshot {
  const { history, ...rest } = agent;
  return { ...rest, params: { ...agent.params }, scars: agent.scars.map((s) => ({ ...s })), history: history.toArray() };
}

export function agentFromSnapshot(s: AgentSnapshot): AgentState {
  const { history, ...rest } = s;
  return { ...rest, params: { ...s.params }, scars: s.scars.map((x) => ({ ...x })), history: PriceRing.from(history, HISTORY_CAPACITY) };
}
