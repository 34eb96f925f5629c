// An agent's plain-JSON snapshot form and the conversions to and from its live state.

import type { AgentState } from './agent-state.ts';
import { PriceRing } from './price-ring.ts';
import { HISTORY_CAPACITY } from './strategies/types.ts';

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
