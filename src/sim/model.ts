// Simulation: deterministic scheduler over market steps, agent reports and arena rounds.

import {
  type AgentReport,
  type AgentState,
  agentFromSnapshot,
  agentReport,
  agentToSnapshot,
  type DecisionContext,
  decide,
  ELIMINATION_FLOOR,
  enforceFloor,
  markStep,
  type OrderRouter,
  resumeIfDue,
} from './agent.ts';
import { DEFAULT_LINEAGE_RULES, endRound, type LineageRules } from './arena.ts';
import { feedConfig, MarketFeed } from './feed.ts';
import { deriveSeed } from './hash.ts';
import { DEAD_RECORD_LIMIT, type DeadRecord } from './lineage.ts';
import { Market, type MarketTick, type VenueStats } from './market.ts';
import { resolveOptions, type SimulationOptions, validateOptions } from './options.ts';
import { initialPopulation } from './population.ts';
import { DEFAULT_COSTS } from './portfolio.ts';
import { QuoteCache } from './quote-cache.ts';
import { Rng } from './rng.ts';
import { DEFAULT_SCAR_POLICY } from './scars.ts';
import { freshSchedule, Schedule, type StepKind } from './schedule.ts';
import type { AgentDetail, SimEvent, SimulationStats } from './simulation-types.ts';
import { agentDetailOf, agentReports, simulationStats } from './simulation-views.ts';
import { assertSnapshot, type SimulationSnapshot, SNAPSHOT_VERSION } from './snapshot.ts';

export type { AgentDetail, SimEvent, SimulationStats } from './simulation-types.ts';

/** Entries take at most this share of the opposite side's resting size (participation limit). */
export const ENTRY_BOOK_SHARE = 0.25;

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
  private readonly schedule: Schedule;
  private round: number;
  private marketSteps: number;
  private trades: number;
  private skips: number;
  private births: number;
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
    this.ctx = {
      step: 0,
      at: 0,
      round: 1,
      costs: DEFAULT_COSTS,
      scarPolicy: DEFAULT_SCAR_POLICY,
      floor: ELIMINATION_FLOOR,
      router: this.router,
    };
    if (from) {
      assertSnapshot(from);
      this.market = Market.restore(from.market, o.marketConfig, o.replay?.rows, o.marketData);
      this.schedule = new Schedule(from.schedule, o.marketIntervalMs, this.market.subSteps);
      this.cache = new QuoteCache(this.market.symbolCount, o.quoteTtlMs, from.cache);
      this.feed = new MarketFeed(this.market, this.cache, feedCfg, from.feed.rng, from.feed);
      this.lineageRng = Rng.fromState(from.lineageRng);
      this.execRng = Rng.fromState(from.execRng);
      this.population = from.agents.map(agentFromSnapshot);
      this.dead = from.dead.map((d) => ({ ...d }));
      this.round = from.round;
      this.marketSteps = from.marketSteps;
      this.trades = from.trades;
      this.skips = from.skips;
      this.births = from.births;
      return;
    }
    this.market = Market.create(
      o.seed,
      o.symbols,
      deriveSeed(o.seed, 'market'),
      o.marketConfig,
      o.replay?.rows,
      o.marketData,
    );
    this.schedule = new Schedule(freshSchedule(o.startTime, o.arenaRoundMs), o.marketIntervalMs, this.market.subSteps);
    this.cache = new QuoteCache(this.market.symbolCount, o.quoteTtlMs);
    this.feed = new MarketFeed(this.market, this.cache, feedCfg, deriveSeed(o.seed, 'feed'));
    this.lineageRng = new Rng(deriveSeed(o.seed, 'lineage'));
    this.execRng = new Rng(deriveSeed(o.seed, 'exec'));
    this.population = initialPopulation(o, this.market.symbols, this.lineageRng);
    this.dead = [];
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
      schedule: this.schedule.state(),
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

  /** When the next step is due; `eventful`: the next that can emit an event (silent micro-steps wait to run with it). */
  nextDueAt(eventful = false): number {
    return this.schedule.nextDueAt(eventful && this.market.silentMicro);
  }

  /** Every step due at or before `now`, oldest first; an event's `at` is its scheduled time, never `now`. */
  advanceTo(now: number): SimEvent[] {
    const events: SimEvent[] = [];
    while (this.stepOnce(now, events));
    return events;
  }

  /**
   * Run only the next step due at or before `now`, append its events, and say which kind ran (null: nothing due), so
   * a caller ships a step's ticks before reports and rounds are computed; any slicing gives `advanceTo`'s events.
   */
  stepOnce(now: number, events: SimEvent[]): StepKind | null {
    const s = this.schedule;
    const kind = s.nextKind();
    const t = s.nextDueAt();
    if (kind === 'decisions') {
      // The market step's ticks have been handed out; now its agents decide (their trades, if asked, are events).
      this.decideStep(t, events);
      return kind;
    }
    if (!(t <= now)) return null;
    if (kind === 'market') {
      this.marketStep(t, events);
      s.nextMarketAt = t + this.opts.marketIntervalMs;
    } else if (kind === 'micro') {
      this.market.micro(t, events);
      s.microIndex++;
    } else if (kind === 'reports') {
      for (const a of this.population)
        events.push({ kind: 'agent', at: t, data: agentReport(a, this.market.price(a.symbolIndex)) });
      s.nextAgentAt = t + this.opts.agentIntervalMs;
    } else {
      this.arenaStep(t, events);
      s.nextArenaAt = t + this.opts.arenaRoundMs;
    }
    return kind;
  }

  /** Shift the whole schedule forward so the earliest step is due at `now`, skipping missed steps. */
  rebase(now: number): void {
    this.schedule.rebase(now);
  }

  /** Move every future step by `deltaMs`, either way (the wall clock was stepped); their order stays. */
  shiftSchedule(deltaMs: number): void {
    this.schedule.shift(deltaMs);
  }

  private marketStep(t: number, events: SimEvent[]): void {
    const md = this.marketBuffer;
    this.market.step(t, md);
    this.feed.pushTick(this.market.symbolCount);
    this.marketSteps++;
    for (const tick of this.market.ticks()) events.push({ kind: 'market', at: t, data: tick });
    for (const e of md) events.push(e);
    md.length = 0;
    this.schedule.marketStepped(t);
  }

  /**
   * Every live agent is marked at the prices of the market step at `t` and decides; orders go to the books as
   * market orders, agents in a fresh random order each step so none is always first in the queue.
   */
  private decideStep(t: number, events: SimEvent[]): void {
    this.schedule.pendingDecisions = null;
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
      this.population,
      this.round,
      t,
      (i) => this.market.price(i),
      this.lineageRng,
      () => ++this.births,
      this.rules,
    );
    for (const d of dead) this.dead.push(d);
    if (this.dead.length > DEAD_RECORD_LIMIT) this.dead.splice(0, this.dead.length - DEAD_RECORD_LIMIT);
    this.round++;
    events.push({ kind: 'arena', at: t, data: result });
  }

  /** Reports for the current population (eliminated agents stay listed until their round ends). */
  agents(): AgentReport[] {
    return agentReports(this.population, this.market);
  }

  /** Detail for a live agent; undefined for unknown or already replaced agents. */
  agentDetail(id: string): AgentDetail | undefined {
    return agentDetailOf(this.population, this.dead, this.market, id);
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
    const { trades, round, marketSteps, skips } = this;
    return simulationStats(this.cache, this.feed, this.market, { trades, round, marketSteps, skips });
  }

  /** Book figures per symbol (spread, depth, trade count, resting orders) for metrics; the caller times matching. */
  marketStats(): VenueStats[] {
    return this.market.venueStats();
  }

  /** Every symbol's book as it stands (with marketData.book) at the last tick, appended to `out`. */
  bookSnapshots(out: SimEvent[]): void {
    this.market.bookSnapshots(this.market.tickAt ?? this.opts.startTime, out);
  }
}
