// The dashboard's model (pure, no DOM): price series per symbol, the live population, recent rounds, stream health.
import type { KeyGap } from '../client/key-seq-tracker.ts';
import type { AgentData, ArenaData, MarketData } from '../protocol/index.ts';

/** Points kept per sparkline. */
export const MAX_POINTS = 240;
/** Rounds listed. */
export const MAX_ROUNDS = 8;

export interface PricePoint {
  sequence: number;
  price: number;
}

export interface Tile {
  symbol: string;
  market: MarketData;
  /** Sequence of the tick shown (the newest seen). */
  sequence: number;
  /** Oldest first, by sequence, without duplicates. */
  series: PricePoint[];
  /** +1 / -1 / 0: direction of the last price change, for the flash. */
  direction: number;
}

export interface RoundSummary {
  round: number;
  winner: string;
  capital: number | null;
  timestamp: string;
  ranked: number;
  /** The births and deaths listed (a summarised round lists only the first ones) and how many there were. */
  births: ArenaData['births'];
  deaths: ArenaData['deaths'];
  born: number;
  died: number;
}

export interface StreamHealth {
  /** Stream events applied (snapshots excluded). */
  events: number;
  /**
   * Events of a held topic that never arrived: keys whose `key_seq` skipped (the client's `key_gap` events). The global
   * sequence cannot tell, as the page holds only the chosen symbol's book, trades and candles.
   */
  gaps: number;
  /** Events at or below the previous sequence (should never happen: the client drops them). */
  outOfOrder: number;
  /** Gaps the server announced with `resume_failed`. */
  announcedGaps: number;
  lastSequence: number | null;
  /** The last key that skipped, and which numbers it skipped. */
  lastGap: KeyGap | null;
}

export class DashboardState {
  readonly tiles = new Map<string, Tile>();
  readonly agents = new Map<string, AgentData>();
  rounds: RoundSummary[] = [];
  readonly health: StreamHealth = {
    events: 0,
    gaps: 0,
    outOfOrder: 0,
    announcedGaps: 0,
    lastSequence: null,
    lastGap: null,
  };
  /** Each live agent's skill, from the REST population (the stream does not carry it). */
  skills: ReadonlyMap<string, number> = new Map();
  /** Which parts changed since the last render. */
  readonly dirty = { tiles: new Set<string>(), agents: false, rounds: false };

  /** A fresh (non-resumed) connection: the stream continues after `sequence`. */
  startAt(sequence: number): void {
    this.health.lastSequence = sequence;
  }

  /**
   * The server could not resume: events up to `sequence` may be missing. The snapshot that follows rebuilds the
   * population, so agents that died meanwhile do not linger.
   */
  resumeFailed(sequence: number): void {
    this.health.announcedGaps++;
    this.health.lastSequence = sequence;
    this.agents.clear();
    this.dirty.agents = true;
  }

  /** A key's `key_seq` skipped numbers: events of a held topic never arrived. */
  keyGap(gap: KeyGap): void {
    this.health.gaps++;
    this.health.lastGap = gap;
  }

  /** Skills as of the latest population read; the board shows them on its next render. */
  setSkills(skills: ReadonlyMap<string, number>): void {
    this.skills = skills;
    this.dirty.agents = true;
  }

  /** Count one stream event of any topic against the sequence, which must increase (it skips the topics not held). */
  track(sequence: number, snapshot: boolean): void {
    if (snapshot) return;
    this.health.events++;
    const last = this.health.lastSequence;
    if (last !== null && sequence <= last) this.health.outOfOrder++;
    if (last === null || sequence > last) this.health.lastSequence = sequence;
  }

  applyMarket(market: MarketData, sequence: number, snapshot: boolean): void {
    this.track(sequence, snapshot);
    let tile = this.tiles.get(market.symbol);
    if (tile === undefined) {
      tile = { symbol: market.symbol, market, sequence, series: [], direction: 0 };
      this.tiles.set(market.symbol, tile);
    }
    if (sequence >= tile.sequence) {
      tile.direction = Math.sign(market.price - tile.market.price);
      tile.market = market;
      tile.sequence = sequence;
    }
    insertPoint(tile.series, { sequence, price: market.price });
    this.dirty.tiles.add(market.symbol);
  }

  /** Older ticks (from a short replay) so charts start full; they never replace the latest price. */
  backfill(points: ReadonlyArray<{ symbol: string; sequence: number; price: number }>): void {
    for (const p of points) {
      const tile = this.tiles.get(p.symbol);
      if (tile === undefined) continue;
      insertPoint(tile.series, { sequence: p.sequence, price: p.price });
      this.dirty.tiles.add(p.symbol);
    }
  }

  applyAgent(agent: AgentData, sequence: number, snapshot: boolean): void {
    this.track(sequence, snapshot);
    this.agents.set(agent.agent_id, agent);
    this.dirty.agents = true;
  }

  applyArena(arena: ArenaData, sequence: number, snapshot: boolean): void {
    this.track(sequence, snapshot);
    // The dead are replaced by their offspring at the round's end; they leave the board now.
    for (const d of arena.deaths) this.agents.delete(d.agent_id);
    if (arena.deaths.length > 0) this.dirty.agents = true;
    this.addRound(arena);
  }

  /** A round from the REST history or the stream; newest first, each round once. */
  addRound(
    arena: Pick<ArenaData, 'round' | 'winner' | 'timestamp' | 'ranking' | 'births' | 'deaths'> & {
      ranking_size?: number;
      births_size?: number;
      deaths_size?: number;
    },
  ): void {
    if (this.rounds.some((r) => r.round === arena.round)) return;
    const top = arena.ranking.find((r) => r.agent_id === arena.winner) ?? null;
    this.rounds.push({
      round: arena.round,
      winner: arena.winner,
      capital: top?.capital ?? null,
      timestamp: arena.timestamp,
      ranked: arena.ranking_size ?? arena.ranking.length,
      births: arena.births,
      deaths: arena.deaths,
      born: arena.births_size ?? arena.births.length,
      died: arena.deaths_size ?? arena.deaths.length,
    });
    this.rounds.sort((a, b) => b.round - a.round);
    if (this.rounds.length > MAX_ROUNDS) this.rounds.length = MAX_ROUNDS;
    this.dirty.rounds = true;
  }

  /** Agents by capital, richest first (ties by id, so the order is stable). */
  leaderboard(): AgentData[] {
    return [...this.agents.values()].sort((a, b) => b.capital - a.capital || a.agent_id.localeCompare(b.agent_id));
  }

  /** Percent change over the chart's window (first point to the latest price). */
  windowChange(symbol: string): number {
    const tile = this.tiles.get(symbol);
    const first = tile?.series[0];
    if (tile === undefined || first === undefined || first.price === 0) return 0;
    return ((tile.market.price - first.price) / first.price) * 100;
  }
}

/** Insert keeping sequence order and uniqueness; the common case (a newer tick) is an append. */
export function insertPoint(series: PricePoint[], point: PricePoint): void {
  const last = series[series.length - 1];
  if (last === undefined || point.sequence > last.sequence) series.push(point);
  else {
    let lo = 0;
    let hi = series.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((series[mid] as PricePoint).sequence < point.sequence) lo = mid + 1;
      else hi = mid;
    }
    if (series[lo]?.sequence === point.sequence) return;
    series.splice(lo, 0, point);
  }
  if (series.length > MAX_POINTS) series.splice(0, series.length - MAX_POINTS);
}
