// The first generation: five founders at the default parameters, then distinct behaviours spread around the defaults.

import { type AgentState, createAgent } from './agent.ts';
import { BIRTH_SPREAD, behaviourKey, distinctParams, initialAgentId } from './lineage.ts';
import type { SimulationOptions } from './options.ts';
import type { Rng } from './rng.ts';
import { getStrategy } from './strategies/index.ts';

/**
 * Agents 1..5 are the founders (one per strategy, default parameters, never culled); agent n > 5 gets parameters drawn
 * around its strategy's defaults, distinct from every earlier agent. `o.population` (experiments) overrides both.
 * Symbols are assigned round-robin.
 */
export function initialPopulation(o: SimulationOptions, symbols: readonly string[], rng: Rng): AgentState[] {
  const out: AgentState[] = [];
  const s = symbols.length;
  const taken = new Set<string>();
  for (let n = 1; n <= Math.min(o.agents, 5); n++) {
    const { strategy } = initialAgentId(n);
    taken.add(behaviourKey(strategy, { ...getStrategy(strategy).defaults }));
  }
  for (let n = 1; n <= o.agents; n++) {
    const { id, strategy: rosterStrategy } = initialAgentId(n);
    const given = o.population?.[n - 1];
    const strategy = given?.strategy ?? rosterStrategy;
    const founder = n <= 5;
    const defaults = { ...getStrategy(strategy).defaults };
    const params = given
      ? { ...given.params }
      : founder
        ? defaults
        : distinctParams(strategy, defaults, rng, taken, BIRTH_SPREAD);
    // Round-robin over symbols, shifted by one per full pass so strategy and symbol do not lock
    // together when the symbol count shares a factor with the five strategies.
    const symbolIndex = (n - 1 + Math.floor((n - 1) / s)) % s;
    out.push(
      createAgent({
        id,
        strategy,
        params,
        symbol: symbols[symbolIndex] ?? '',
        symbolIndex,
        generation: 1,
        parent: null,
        founder,
      }),
    );
  }
  return out;
}
