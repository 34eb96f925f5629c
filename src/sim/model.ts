// Simulation: deterministic scheduler over market steps, agent reports and arena rounds.

import {
  agentFromSnapshot, agentReport, agentToSnapshot, createAgent, decide, enforceFloor, ELIMINATION_FLOOR, resumeIfDue,
  type AgentReport, type AgentState, type DecisionContext,
} from './agent.ts';
import { endRound, type RoundResult } from './arena.ts';
import { feedConfig, MarketFeed } from './feed.ts';
import { deriveSeed } from './hash.ts';
import { ancestry, DEAD_RECORD_LIMIT, initialAgentId, type DeadRecord } from './lineage.ts';
import { Market, type MarketTick } from './market.ts';
import { resolveOptions, validateOptions, type SimulationOptions } from './options.ts';
import { DEFAULT_COSTS } from './portfolio.ts';
import { QuoteCache } from './quote-cache.ts';
import { Rng } from './rng.ts';
import { DEFAULT_SCAR_POLICY, type ScarRecord } from './scars.ts';
import { assertSnapshot, SNAPSHOT_VERSION, type SimulationSnapshot } from './snapshot.ts';
import { getStrategy } from './strategies/index.ts';

export type SimEvent =
  | { kind: 'market'; at: number; data: MarketTick }
  | { kind: 'agent'; at: number; data: AgentReport }
  | { kind: 'arena'; at: number; data: RoundResult };

export interface AgentDetail {
  report: AgentReport;
  scars: ScarRecord[];
  /** parent, grandparent, ... as far as live agents and the dead-agent record know them. */
  ancestry: string[];
  params: Record<string, number>;
}

export interface SimulationStats {
  cacheHits: number;
  cacheMisses: number;
  requests: number;
  successes: number;
  failures: number;
  trades: number;
  round: number;
  marketSteps: number;
  /** Decisions skipped because no fresh quote could be obtained. */
  skips: number;
}

export class Simulation {
  private readonly opts: SimulationOptions;
  private readonly market: Market;
  private readonly cache: QuoteCache;
  private readonly feed: MarketFeed;
  private readonly lineageRng: Rng;
  private readonly population: AgentState[];
  private readonly dead: DeadRecord[];
  private readonly ctx: DecisionContext;
  private nextMarketAt: number;
  private nextAgentAt: number;
  private nextArenaAt: number;
  private round: number;
  private marketSteps: number;
  private trades: number;
  private skips: number;
  private births: number;
  /** A market step whose agent decisions have not run yet (they run as the very next step). */
  private pendingDecisions: number | null = null;

  /** Fresh simulation. The second argument is internal; use Simulation.restore instead. */
  constructor(options: SimulationOptions, from?: SimulationSnapshot) {
    const o = resolveOptions(options);
    validateOptions(o, from !== undefined);
    this.opts = o;
    const feedCfg = feedConfig(o.feedErrorRate, o.feedLatencyMs, o.marketIntervalMs);
    this.ctx = { step: 0, at: 0, round: 1, costs: DEFAULT_COSTS, scarPolicy: DEFAULT_SCAR_POLICY, floor: ELIMINATION_FLOOR };
    if (from) {
      assertSnapshot(from);
      this.market = Market.restore(from.market, o.marketConfig, o.replay?.rows);
      this.cache = new QuoteCache(this.market.symbolCount, o.quoteTtlMs, from.cache);
      this.feed = new MarketFeed(this.market, this.cache, feedCfg, from.feed.rng, from.feed);
      this.lineageRng = Rng.fromState(from.lineageRng);
      this.population = from.agents.map(agentFromSnapshot);
      this.dead = from.dead.map((d) => ({ ...d }));
      this.nextMarketAt = from.schedule.nextMarketAt;
      this.nextAgentAt = from.schedule.nextAgentAt;
      this.nextArenaAt = from.schedule.nextArenaAt;
      this.round = from.round;
      this.marketSteps = from.marketSteps;
      this.trades = from.trades;
      this.skips = from.skips;
      this.births = from.births;
      return;
    }
    this.market = Market.create(o.seed, o.symbols, deriveSeed(o.seed, 'market'), o.marketConfig, o.replay?.rows);
    this.cache = new QuoteCache(this.market.symbolCount, o.quoteTtlMs);
    this.feed = new MarketFeed(this.market, this.cache, feedCfg, deriveSeed(o.seed, 'feed'));
    this.lineageRng = new Rng(deriveSeed(o.seed, 'lineage'));
    this.population = [];
    const s = this.market.symbolCount;
    for (let n = 1; n <= o.agents; n++) {
      const { id, strategy } = initialAgentId(n);
      // Round-robin over symbols, shifted by one per full pass so strategy and symbol do not lock
      // together when the symbol count shares a factor with the five strategies.
      const symbolIndex = (n - 1 + Math.floor((n - 1) / s)) % s;
      this.population.push(createAgent({
        id, strategy, params: { ...getStrategy(strategy).defaults }, symbol: this.market.symbols[symbolIndex] ?? '',
        symbolIndex, generation: 1, parent: null,
      }));
    }
    this.dead = [];
    this.nextMarketAt = o.startTime;
    this.nextAgentAt = o.startTime;
    this.nextArenaAt = o.startTime + o.arenaRoundMs;
    this.round = 1;
    this.marketSteps = 0;
    this.trades = 0;
    this.skips = 0;
    this.births = 0;
  }

  /** Continue exactly where `snapshot` left off; replay rows (if any) must be passed in `options` again. */
  static restore(snapshot: SimulationSnapshot, options: SimulationOptions): Simulation {
    return new Simulation(options, snapshot);
  }

  snapshot(): SimulationSnapshot {
    this.settle();
    return {
      version: SNAPSHOT_VERSION,
      seed: this.opts.seed,
      schedule: { nextMarketAt: this.nextMarketAt, nextAgentAt: this.nextAgentAt, nextArenaAt: this.nextArenaAt },
      round: this.round,
      marketSteps: this.marketSteps,
      trades: this.trades,
      skips: this.skips,
      births: this.births,
      market: this.market.state(),
      cache: this.cache.state(),
      feed: this.feed.state(),
      lineageRng: this.lineageRng.state(),
      agents: this.population.map(agentToSnapshot),
      dead: this.dead.map((d) => ({ ...d })),
    };
  }

  nextDueAt(): number {
    if (this.pendingDecisions !== null) return this.pendingDecisions;
    return Math.min(this.nextMarketAt, this.nextAgentAt, this.nextArenaAt);
  }

  /** Run decisions still pending from the last market step (before a snapshot or a report of the population). */
  private settle(): void {
    if (this.pendingDecisions !== null) this.decideStep(this.pendingDecisions);
  }

  /**
   * Run every step due at or before `now`, oldest first; on equal due times the order is market,
   * agent reports, arena round end. Event `at` is the scheduled time, never `now`, so results do
   * not depend on how the caller slices time.
   */
  advanceTo(now: number): SimEvent[] {
    const events: SimEvent[] = [];
    while (this.stepOnce(now, events)) {
      // each call runs one step, oldest first
    }
    return events;
  }

  /**
   * Run only the next step due at or before `now` (on equal due times: market, then agent reports, then the round's
   * end) and append its events; false when nothing is due. Lets a caller ship a step's market ticks before the model
   * spends time on reports and rounds; any slicing gives the same events as `advanceTo`.
   */
  stepOnce(now: number, events: SimEvent[]): boolean {
    if (this.pendingDecisions !== null) {
      // The market step's ticks have been handed out; now its agents decide (no events of their own).
      this.decideStep(this.pendingDecisions);
      return true;
    }
    const t = this.nextDueAt();
    if (!(t <= now)) return false;
    if (this.nextMarketAt === t) {
      this.marketStep(t, events);
      this.nextMarketAt = t + this.opts.marketIntervalMs;
    } else if (this.nextAgentAt === t) {
      for (const a of this.population) events.push({ kind: 'agent', at: t, data: agentReport(a, this.market.price(a.symbolIndex)) });
      this.nextAgentAt = t + this.opts.agentIntervalMs;
    } else {
      this.arenaStep(t, events);
      this.nextArenaAt = t + this.opts.arenaRoundMs;
    }
    return true;
  }

  /** Shift the whole schedule forward so the earliest step is due at `now`, skipping missed steps. */
  rebase(now: number): void {
    this.settle();
    const shift = now - this.nextDueAt();
    if (shift > 0) this.shiftSchedule(shift);
  }

  /**
   * Move every future step by `deltaMs`, either way (the wall clock was stepped): the same steps in the same order, only
   * their times move.
   */
  shiftSchedule(deltaMs: number): void {
    this.settle();
    if (!Number.isFinite(deltaMs) || deltaMs === 0) return;
    this.nextMarketAt += deltaMs;
    this.nextAgentAt += deltaMs;
    this.nextArenaAt += deltaMs;
  }

  private marketStep(t: number, events: SimEvent[]): void {
    this.market.step(t);
    this.feed.pushTick(this.market.symbolCount);
    this.marketSteps++;
    for (const tick of this.market.ticks()) events.push({ kind: 'market', at: t, data: tick });
    this.pendingDecisions = t;
  }

  /** Every live agent decides on the prices of the market step at `t`. */
  private decideStep(t: number): void {
    this.pendingDecisions = null;
    const ctx = this.ctx;
    ctx.step = this.marketSteps;
    ctx.at = t;
    ctx.round = this.round;
    for (const a of this.population) {
      if (a.status === 'eliminated') continue;
      // Exchange-side margin check on the published price, whether or not the agent gets a quote.
      const liquidated = enforceFloor(a, this.market.price(a.symbolIndex), ctx);
      if (liquidated >= 0) {
        this.trades += liquidated;
        continue;
      }
      if (!resumeIfDue(a, this.marketSteps)) continue;
      const price = this.feed.quote(a.symbolIndex, t);
      if (price === null) {
        this.skips++;
        continue;
      }
      this.trades += decide(a, price, ctx);
    }
  }

  private arenaStep(t: number, events: SimEvent[]): void {
    const { result, dead } = endRound(this.population, this.round, t, (i) => this.market.price(i), this.lineageRng, () => ++this.births);
    for (const d of dead) this.dead.push(d);
    if (this.dead.length > DEAD_RECORD_LIMIT) this.dead.splice(0, this.dead.length - DEAD_RECORD_LIMIT);
    this.round++;
    events.push({ kind: 'arena', at: t, data: result });
  }

  /** Reports for the current population (eliminated agents stay listed until their round ends). */
  agents(): AgentReport[] {
    return this.population.map((a) => agentReport(a, this.market.price(a.symbolIndex)));
  }

  /** Detail for a live agent; undefined for unknown or already replaced agents. */
  agentDetail(id: string): AgentDetail | undefined {
    const a = this.population.find((x) => x.id === id);
    if (!a) return undefined;
    const parents = new Map<string, string | null>();
    for (const d of this.dead) parents.set(d.agent_id, d.parent);
    for (const x of this.population) parents.set(x.id, x.parent);
    return {
      report: agentReport(a, this.market.price(a.symbolIndex)),
      scars: a.scars.map((s) => ({ ...s })),
      ancestry: ancestry(a.parent, (x) => parents.get(x)),
      params: { ...a.params },
    };
  }

  latestPrices(): MarketTick[] {
    return this.market.ticks();
  }

  /** Symbols in market order (the CSV's symbols in replay mode). */
  symbols(): string[] {
    return this.market.symbols.slice();
  }

  /** Counters for cache_hit_rate = hits/(hits+misses), request_success_rate = successes/requests, api_errors_total = failures. */
  stats(): SimulationStats {
    return {
      cacheHits: this.cache.hits,
      cacheMisses: this.cache.misses,
      requests: this.feed.requests,
      successes: this.feed.successes,
      failures: this.feed.failures,
      trades: this.trades,
      round: this.round,
      marketSteps: this.marketSteps,
      skips: this.skips,
    };
  }
}
