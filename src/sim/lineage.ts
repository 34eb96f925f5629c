// Lineage: ids, parameter mutation, choosing who dies, breeding offspring, and ancestry lookup.

import { type AgentState, createAgent } from './agent.ts';
import type { Rng } from './rng.ts';
import { getStrategy, STRATEGY_ORDER } from './strategies/index.ts';
import { type Params, param, type StrategyName } from './strategies/types.ts';

export const AGENT_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Bounded memory of dead agents, enough to name ancestors without growing forever. */
export const DEAD_RECORD_LIMIT = 1000;

/** Relative mutation size: each parameter is multiplied by a factor in [1 - s, 1 + s]. */
export const MUTATION_SCALE = 0.2;

export interface DeadRecord {
  agent_id: string;
  parent: string | null;
  generation: number;
  strategy: StrategyName;
  reason: 'eliminated' | 'culled';
  round: number;
  capital: number;
}

export interface Death {
  agent_id: string;
  reason: 'eliminated' | 'culled';
  capital: number;
}

export interface Birth {
  agent_id: string;
  parent: string;
  generation: number;
  strategy: string;
}

/** Ids of the initial roster: the strategy name for the first five, `<Strategy>-<n>` (1-based n) after. */
export function initialAgentId(n: number): { id: string; strategy: StrategyName } {
  const strategy = STRATEGY_ORDER[(n - 1) % STRATEGY_ORDER.length] ?? 'Balanced';
  return { id: n <= STRATEGY_ORDER.length ? strategy : `${strategy}-${n}`, strategy };
}

export function offspringId(strategy: StrategyName, generation: number, counter: number): string {
  return `${strategy}-g${generation}-${counter}`;
}

/** Copy of `params` with bounded multiplicative noise on every bounded key, clamped and made consistent. */
export function mutateParams(strategy: StrategyName, params: Params, rng: Rng, scale = MUTATION_SCALE): Params {
  const s = getStrategy(strategy);
  const out: Params = { ...s.defaults, ...params };
  for (const key of Object.keys(s.bounds)) {
    const spec = s.bounds[key];
    if (!spec) continue;
    const v = param(out, key, s.defaults[key] ?? spec.min);
    let nv = v * (1 + scale * (2 * rng.next() - 1));
    if (spec.integer) nv = Math.round(nv);
    // Zero-valued params (e.g. band) would never move multiplicatively; nudge them off the floor.
    if (v === 0 && !spec.integer) nv = spec.min + (spec.max - spec.min) * 0.05 * rng.next();
    out[key] = Math.min(spec.max, Math.max(spec.min, nv));
  }
  s.normalize(out);
  return out;
}

/** Mutation scale for the first generation: non-founders start spread widely around the defaults. */
export const BIRTH_SPREAD = 0.5;

/** Identity of a behaviour: strategy plus exact parameters. Two agents with one key would be clones. */
export function behaviourKey(strategy: StrategyName, params: Params): string {
  const keys = Object.keys(params).sort();
  return `${strategy}|${keys.map((k) => `${k}=${params[k]}`).join(',')}`;
}

/**
 * Parameters mutated from `base` that no agent in `taken` has yet (retried; integer-only strategies could collide).
 * The key of the result is added to `taken`.
 */
export function distinctParams(
  strategy: StrategyName,
  base: Params,
  rng: Rng,
  taken: Set<string>,
  scale = MUTATION_SCALE,
): Params {
  let p = mutateParams(strategy, base, rng, scale);
  for (let tries = 0; tries < 20 && taken.has(behaviourKey(strategy, p)); tries++)
    p = mutateParams(strategy, base, rng, scale * 1.5);
  taken.add(behaviourKey(strategy, p));
  return p;
}

/** Number of weakest agents culled each round: 20% when population >= 5 (at least 1), else none. */
export function cullCount(population: number): number {
  return population >= 5 ? Math.max(1, Math.floor(population * 0.2)) : 0;
}

/**
 * Deaths for an order (best first): every eliminated agent, plus the weakest others that may be culled until the cull
 * count is reached. `mayCull(id)` is asked once per cull candidate, weakest first (founders, and the last members a
 * strategy must keep, answer false). Returned in the given order.
 */
export function selectDeaths(
  ranking: ReadonlyArray<{ agent_id: string; capital: number }>,
  isEliminated: (id: string) => boolean,
  mayCull: (id: string) => boolean = () => true,
): Death[] {
  const target = cullCount(ranking.length);
  const dying = new Map<string, Death['reason']>();
  for (const r of ranking) if (isEliminated(r.agent_id)) dying.set(r.agent_id, 'eliminated');
  for (let i = ranking.length - 1; i >= 0 && dying.size < target; i--) {
    const r = ranking[i];
    if (r && !dying.has(r.agent_id) && mayCull(r.agent_id)) dying.set(r.agent_id, 'culled');
  }
  const deaths: Death[] = [];
  for (const r of ranking) {
    const reason = dying.get(r.agent_id);
    if (reason) deaths.push({ agent_id: r.agent_id, reason, capital: r.capital });
  }
  return deaths;
}

/**
 * Offspring of `parent` taking over `slot` (a dead agent): same strategy family, mutated params (distinct from every
 * behaviour in `taken`, when given), generation + 1, fresh capital, no scars. It keeps the slot's symbol so every
 * symbol stays covered, and inherits the slot's observed price history so it can act without a warm-up.
 */
export function breed(
  parent: AgentState,
  slot: AgentState,
  counter: number,
  rng: Rng,
  taken?: Set<string>,
): AgentState {
  const generation = parent.generation + 1;
  return createAgent({
    id: offspringId(parent.strategy, generation, counter),
    strategy: parent.strategy,
    params: taken
      ? distinctParams(parent.strategy, parent.params, rng, taken)
      : mutateParams(parent.strategy, parent.params, rng),
    symbol: slot.symbol,
    symbolIndex: slot.symbolIndex,
    generation,
    parent: parent.id,
    history: slot.history.clone(),
  });
}

/** Parent, grandparent, ... of `id` as far as `parentOf` knows them (capped to avoid runaway chains). */
export function ancestry(
  start: string | null,
  parentOf: (id: string) => string | null | undefined,
  maxDepth = 64,
): string[] {
  const out: string[] = [];
  let cur = start;
  while (cur !== null && out.length < maxDepth) {
    out.push(cur);
    const next = parentOf(cur);
    if (next === undefined) break;
    cur = next;
  }
  return out;
}
