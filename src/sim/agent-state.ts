// An agent's state: its status, capital constants, the mutable record the decisions update, and a fresh agent.

import type { Book } from './portfolio.ts';
import { PriceRing } from './price-ring.ts';
import type { ScarRecord } from './scars.ts';
import { HISTORY_CAPACITY, type Params, param, type StrategyName } from './strategies/types.ts';

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
