// Trading agent state, its per-step decision (stops, strategy signal, scars, elimination) and reports.

import {
  type Book,
  closeAt,
  closePosition,
  fillPrice,
  markedCapital,
  openAt,
  openPosition,
  positionSize,
  type TradingCosts,
} from './portfolio.ts';
import { PriceRing } from './price-ring.ts';
import { roundMoney, roundTo } from './rounding.ts';
import { applyScar, isDrawdownScar, isTradeLossScar, type ScarPolicy, type ScarRecord } from './scars.ts';
import { getStrategy } from './strategies/index.ts';
import { HISTORY_CAPACITY, type Params, param, type Side, type StrategyName } from './strategies/types.ts';

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
  /** Founders (the first five agents, one per strategy, default parameters) are benchmarks: never culled. */
  founder: boolean;
  /** Capital at the last market-step mark, and this round's per-step capital returns (sum, sum of squares, count). */
  mark: number;
  rSum: number;
  rSq: number;
  rN: number;
  /** Fitness of the last completed round (risk-adjusted return net of costs) and the sum over the agent's rounds. */
  fitness: number;
  fitSum: number;
  rounds: number;
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
  /** Skill: the agent's round fitness averaged over its life, shrunk toward 0 for young agents (see lineage.ts). */
  skill: number;
  /** Fitness of its last completed round. */
  fitness: number;
}

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

/** What a new agent is given; the rest of its state starts fresh. */
export type NewAgent = Pick<
  AgentState,
  'id' | 'strategy' | 'params' | 'symbol' | 'symbolIndex' | 'generation' | 'parent'
> & {
  history?: PriceRing;
  founder?: boolean;
};

export function createAgent(a: NewAgent): AgentState {
  return {
    id: a.id,
    strategy: a.strategy,
    params: { ...a.params },
    symbol: a.symbol,
    symbolIndex: a.symbolIndex,
    generation: a.generation,
    parent: a.parent,
    cash: START_CAPITAL,
    qty: 0,
    entryPrice: 0,
    entryFee: 0,
    trades: 0,
    wins: 0,
    losses: 0,
    arenaWins: 0,
    status: 'active',
    resumeStep: 0,
    peak: START_CAPITAL,
    riskBudget: param(a.params, 'risk', 0.01),
    scars: [],
    history: a.history ?? new PriceRing(HISTORY_CAPACITY),
    founder: a.founder === true,
    mark: START_CAPITAL,
    rSum: 0,
    rSq: 0,
    rN: 0,
    fitness: 0,
    fitSum: 0,
    rounds: 0,
  };
}

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

/** Plain-JSON form of an agent (history as an oldest-first array). */
export type AgentSnapshot = Omit<AgentState, 'history'> & { history: number[] };

export function agentToSnapshot(agent: AgentState): AgentSnapshot {
  const { history, ...rest } = agent;
  return {
    ...rest,
    params: { ...agent.params },
    scars: agent.scars.map((s) => ({ ...s })),
    history: history.toArray(),
  };
}

export function agentFromSnapshot(s: AgentSnapshot): AgentState {
  const { history, ...rest } = s;
  return {
    ...rest,
    params: { ...s.params },
    scars: s.scars.map((x) => ({ ...x })),
    history: PriceRing.from(history, HISTORY_CAPACITY),
  };
}
