// Simulation: deterministic scheduler over market steps, agent reports and arena rounds.

import {
  agentFromSnapshot, agentReport, agentSkill, agentToSnapshot, decide, enforceFloor, ELIMINATION_FLOOR, markStep, resumeIfDue,
  type AgentReport, type AgentState, type DecisionContext, type OrderRouter,
} from './agent.ts';
import { DEFAULT_LINEAGE_RULES, endRound, type LineageRules, type RoundResult } from './arena.ts';
import type { MarketDataEvent } from './book/market-data.ts';
import { feedConfig, MarketFeed } from './feed.ts';
import { deriveSeed } from './hash.ts';
import { ancestry, DEAD_RECORD_LIMIT, type DeadRecord } from './lineage.ts';
import { Market, type MarketTick, type VenueStats } from './market.ts';
import { resolveOptions, validateOptions, type SimulationOptions } from './options.ts';
import { DEFAULT_COSTS } from './portfolio.ts';
import { QuoteCache } from './quote-cache.ts';
import { Rng } from './rng.ts';
import { DEFAULT_SCAR_POLICY, type ScarRecord } from './scars.ts';
import { initialPopulation } from './population.ts';
import { assertSnapshot, SNAPSHOT_VERSION, type SimulationSnapshot } from './snapshot.ts';

/** Model events; trade, book and candle events only when SimulationOptions.marketData asks for them. */
export type SimEvent =
  | { kind: 'market'; at: number; data: MarketTick }
  | { kind: 'agent'; at: number; data: AgentReport }
  | { kind: 'arena'; at: number; data: RoundResult }
  | MarketDataEvent;

export interface AgentDetail {
  report: AgentReport;
  scars: ScarRecord[];
  /** parent, grandparent, ... as far as live agents and the dead-agent record know them. */
  ancestry: string[];
  params: Record<string, number>;
  /** Life-long shrunk round fitness (the selection key), last round's fitness, rounds lived, founder (benchmark). */
  skill: number;
  fitness: number;
  rounds: number;
  founder: boolean;
}

/** Entries take at most this share of the opposite side's resting size (participation limit). */
export const ENTRY_BOOK_SHARE = 0.25;

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
  /** Trades printed on all books (background flow and agents). */
  bookTrades: number;
  /** Agent exits the books could not absorb, filled by the exchange backstop. */
  backstopFills: number;
}

export class Simulation {
  private readonly opts: SimulationOptions;
  private readonly market: Market;
  private readonly cache: QuoteCache;
  private readonly feed: MarketFeed;
  private readonly lineageRng: Rng;
  private readonly execRng: Rng;
  private readonly rules: LineageRules;
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
  /** Time of the current market step (hour) and the next of its flow micro-steps (1..subSteps-1). */
  private hourAt: number | null = null;
  private microIndex = 0;
  private readonly subSteps: number;
  private readonly marketBuffer: SimEvent[] = [];
  private readonly order: number[] = [];
  private readonly router: OrderRouter;

  /** Fresh simulation. The second argument is internal; use Simulation.restore instead. */
  constructor(options: SimulationOptions, from?: SimulationSnapshot) {
    const o = resolveOptions(options);
    validateOptions(o, from !== undefined);
    this.opts = o;
    this.rules = { ...DEFAULT_LINEAGE_RULES, ...o.lineage };
    const feedCfg = feedConfig(o.feedErrorRate, o.feedLatencyMs, o.marketIntervalMs);
    this.router = (agent, side, qty, exit, budget) =>
      this.market.execute(agent.symbolIndex, agent.id, side, qty, budget, exit ? 1 : ENTRY_BOOK_SHARE, exit);
    this.ctx = { step: 0, at: 0, round: 1, costs: DEFAULT_COSTS, scarPolicy: DEFAULT_SCAR_POLICY, floor: ELIMINATION_FLOOR, router: this.router };
    if (from) {
      assertSnapshot(from);
      this.market = Market.restore(from.market, o.marketConfig, o.replay?.rows, o.marketData);
      this.subSteps = this.market.subSteps;
      this.cache = new QuoteCache(this.market.symbolCount, o.quoteTtlMs, from.cache);
      this.feed = new MarketFeed(this.market, this.cache, feedCfg, from.feed.rng, from.feed);
      this.lineageRng = Rng.fromState(from.lineageRng);
      this.execRng = Rng.fromState(from.execRng);
      this.pendingDecisions = from.schedule.pendingDecisions;
      this.hourAt = from.schedule.hourAt;
      this.microIndex = from.schedule.microIndex;
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
    this.market = Market.create(o.seed, o.symbols, deriveSeed(o.seed, 'market'), o.marketConfig, o.replay?.rows, o.marketData);
    this.subSteps = this.market.subSteps;
    this.cache = new QuoteCache(this.market.symbolCount, o.quoteTtlMs);
    this.feed = new MarketFeed(this.market, this.cache, feedCfg, deriveSeed(o.seed, 'feed'));
    this.lineageRng = new Rng(deriveSeed(o.seed, 'lineage'));
    this.execRng = new Rng(deriveSeed(o.seed, 'exec'));
    this.population = initialPopulation(o, this.market.symbols, this.lineageRng);
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

  /** Plain-JSON state; restoring it continues exactly (a step's pending agent decisions included). */
  snapshot(): SimulationSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      seed: this.opts.seed,
      schedule: {
        nextMarketAt: this.nextMarketAt, nextAgentAt: this.nextAgentAt, nextArenaAt: this.nextArenaAt,
        pendingDecisions: this.pendingDecisions, hourAt: this.hourAt, microIndex: this.microIndex,
      },
      round: this.round,
      marketSteps: this.marketSteps,
      trades: this.trades,
      skips: this.skips,
      births: this.births,
      market: this.market.state(),
      cache: this.cache.state(),
      feed: this.feed.state(),
      lineageRng: this.lineageRng.state(),
      execRng: this.execRng.state(),
      agents: this.population.map(agentToSnapshot),
      dead: this.dead.map((d) => ({ ...d })),
    };
  }

  /**
   * When the next step is due: a market step, one of the flow micro-steps spread evenly inside the market interval
   * (sub-step k of K at hourAt + k * interval / K), an agent report or a round's end.
   */
  nextDueAt(): number {
    if (this.pendingDecisions !== null) return this.pendingDecisions;
    return Math.min(this.nextMarketAt, this.nextMicroAt(), this.nextAgentAt, this.nextArenaAt);
  }

  private nextMicroAt(): number {
    if (this.hourAt === null || this.microIndex >= this.subSteps) return Infinity;
    return this.hourAt + (this.microIndex * this.opts.marketIntervalMs) / this.subSteps;
  }

  /**
   * Run every step due at or before `now`, oldest first; on equal due times the order is market,
   * flow micro-step, agent reports, arena round end. Event `at` is the scheduled time, never `now`, so results do
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
      // The market step's ticks have been handed out; now its agents decide (their trades, if asked, are events).
      this.decideStep(this.pendingDecisions, events);
      return true;
    }
    const t = this.nextDueAt();
    if (!(t <= now)) return false;
    if (this.nextMarketAt === t) {
      this.marketStep(t, events);
      this.nextMarketAt = t + this.opts.marketIntervalMs;
    } else if (this.nextMicroAt() === t) {
      this.market.micro(t, events);
      this.microIndex++;
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
    const shift = now - this.nextDueAt();
    if (shift > 0) this.shiftSchedule(shift);
  }

  /**
   * Move every future step by `deltaMs`, either way (the wall clock was stepped): the same steps in the same order, only
   * their times move.
   */
  shiftSchedule(deltaMs: number): void {
    if (!Number.isFinite(deltaMs) || deltaMs === 0) return;
    this.nextMarketAt += deltaMs;
    this.nextAgentAt += deltaMs;
    this.nextArenaAt += deltaMs;
    if (this.hourAt !== null) this.hourAt += deltaMs;
    if (this.pendingDecisions !== null) this.pendingDecisions += deltaMs;
  }

  private marketStep(t: number, events: SimEvent[]): void {
    const md = this.marketBuffer;
    this.market.step(t, md);
    this.feed.pushTick(this.market.symbolCount);
    this.marketSteps++;
    for (const tick of this.market.ticks()) events.push({ kind: 'market', at: t, data: tick });
    for (const e of md) events.push(e);
    md.length = 0;
    this.pendingDecisions = t;
    this.hourAt = t;
    this.microIndex = 1;
  }

  /**
   * Every live agent is marked at the prices of the market step at `t` and decides; orders go to the books as
   * market orders, agents in a fresh random order each step so none is always first in the queue.
   */
  private decideStep(t: number, events: SimEvent[]): void {
    this.pendingDecisions = null;
    const ctx = this.ctx;
    ctx.step = this.marketSteps;
    ctx.at = t;
    ctx.round = this.round;
    const order = this.order;
    const n = this.population.length;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.execRng.int(i + 1);
      const tmp = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = tmp;
    }
    for (const idx of order) {
      const a = this.population[idx];
      if (!a || a.status === 'eliminated') continue;
      markStep(a, this.market.price(a.symbolIndex));
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
    this.market.flush(t, events);
  }

  private arenaStep(t: number, events: SimEvent[]): void {
    const { result, dead } = endRound(
      this.population, this.round, t, (i) => this.market.price(i), this.lineageRng, () => ++this.births, this.rules,
    );
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
      skill: agentSkill(a),
      fitness: a.fitness,
      rounds: a.rounds,
      founder: a.founder,
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
      bookTrades: this.market.venueStats().reduce((sum, v) => sum + v.trades, 0),
      backstopFills: this.market.backstopFills,
    };
  }

  /** Book figures per symbol (spread, depth, trade count, resting orders) for metrics; the caller times matching. */
  marketStats(): VenueStats[] {
    return this.market.venueStats();
  }
}
