// The dashboard model: series merge and cap, leaderboard order, rounds, dead agents leaving, stream health counters.
import { describe, expect, test } from 'bun:test';
import type { AgentData, ArenaData, MarketData } from '../../src/protocol/index.ts';
import { DashboardState, insertPoint, MAX_POINTS, MAX_ROUNDS, type PricePoint } from '../../src/web/dashboard-state.ts';

const ts = '2026-02-03T14:30:45.123Z';
const market = (symbol: string, price: number): MarketData => ({ symbol, price, timestamp: ts, change_percent: 0 });
const agent = (agent_id: string, capital: number, status: AgentData['status'] = 'active'): AgentData => ({
  agent_id,
  capital,
  trades_executed: 1,
  win_rate: 0.5,
  status,
  timestamp: ts,
});
const arena = (round: number, winner: string, deaths: string[] = []): ArenaData => ({
  round,
  winner,
  timestamp: ts,
  ranking: [{ rank: 1, agent_id: winner, capital: 123, strategy: 'S', generation: 0 }],
  births: [],
  deaths: deaths.map((d) => ({ agent_id: d, reason: 'culled', capital: 1 })),
});

describe('insertPoint', () => {
  test('appends, inserts older points in order, ignores duplicates, caps the length', () => {
    const s: PricePoint[] = [];
    insertPoint(s, { sequence: 10, price: 1 });
    insertPoint(s, { sequence: 12, price: 2 });
    insertPoint(s, { sequence: 5, price: 0.5 });
    insertPoint(s, { sequence: 11, price: 1.5 });
    insertPoint(s, { sequence: 11, price: 9 });
    expect(s.map((p) => p.sequence)).toEqual([5, 10, 11, 12]);
    expect(s[2]?.price).toBe(1.5);
    for (let i = 100; i < 100 + MAX_POINTS * 2; i++) insertPoint(s, { sequence: i, price: i });
    expect(s).toHaveLength(MAX_POINTS);
    expect(s[s.length - 1]?.sequence).toBe(99 + MAX_POINTS * 2);
  });
});

describe('DashboardState', () => {
  test('tiles keep the newest price; backfill adds history without replacing it; window change spans the chart', () => {
    const st = new DashboardState();
    st.applyMarket(market('BTC-USD', 100), 10, true);
    st.applyMarket(market('BTC-USD', 110), 20, false);
    st.backfill([
      { symbol: 'BTC-USD', sequence: 2, price: 80 },
      { symbol: 'BTC-USD', sequence: 10, price: 100 },
      { symbol: 'NOPE', sequence: 3, price: 1 },
    ]);
    const tile = st.tiles.get('BTC-USD');
    expect(tile?.market.price).toBe(110);
    expect(tile?.series.map((p) => p.price)).toEqual([80, 100, 110]);
    expect(tile?.direction).toBe(1);
    expect(st.windowChange('BTC-USD')).toBeCloseTo(37.5);
    expect(st.tiles.has('NOPE')).toBe(false);
    expect([...st.dirty.tiles]).toEqual(['BTC-USD']);
  });

  test('leaderboard by capital; dead agents leave at the round; rounds newest first, once each, capped', () => {
    const st = new DashboardState();
    st.applyAgent(agent('Balanced', 100), 1, true);
    st.applyAgent(agent('Momentum', 300), 2, true);
    st.applyAgent(agent('Conservative', 200), 3, true);
    st.applyAgent(agent('Balanced', 400), 4, false);
    expect(st.leaderboard().map((a) => a.agent_id)).toEqual(['Balanced', 'Momentum', 'Conservative']);
    st.applyArena(arena(1, 'Balanced', ['Momentum']), 5, false);
    expect(st.leaderboard().map((a) => a.agent_id)).toEqual(['Balanced', 'Conservative']);
    st.addRound(arena(1, 'Balanced'));
    for (let r = 2; r <= MAX_ROUNDS + 3; r++) st.addRound(arena(r, 'X'));
    expect(st.rounds).toHaveLength(MAX_ROUNDS);
    expect(st.rounds[0]?.round).toBe(MAX_ROUNDS + 3);
    expect(st.rounds[0]?.capital).toBe(123);
    expect(new Set(st.rounds.map((r) => r.round)).size).toBe(MAX_ROUNDS);
  });

  test('a summarised round from the REST history counts its whole ranking, births and deaths, not just those listed', () => {
    const st = new DashboardState();
    st.addRound({ ...arena(4, 'Balanced', ['A', 'B']), ranking_size: 5000, births_size: 1000, deaths_size: 1000 });
    st.addRound(arena(5, 'Balanced', ['C']));
    expect(st.rounds.map((r) => [r.round, r.ranked, r.born, r.died])).toEqual([
      [5, 1, 0, 1],
      [4, 5000, 1000, 1000],
    ]);
  });

  test('health: events counted without snapshots; a skipped sequence is no gap (topics not held take numbers), a key gap is', () => {
    const st = new DashboardState();
    st.startAt(10);
    st.applyMarket(market('A', 1), 9, true);
    st.applyMarket(market('A', 1), 11, false);
    st.applyAgent(agent('B', 1), 12, false);
    expect(st.health).toMatchObject({ events: 2, gaps: 0, outOfOrder: 0, lastSequence: 12 });
    st.applyArena(arena(1, 'B'), 14, false);
    st.track(20, false);
    expect(st.health).toMatchObject({ events: 4, gaps: 0, lastSequence: 20 });
    st.applyMarket(market('A', 1), 14, false);
    expect(st.health.outOfOrder).toBe(1);
    st.keyGap({ key: 'book.A', expected: 5, got: 8 });
    expect(st.health).toMatchObject({ gaps: 1, lastGap: { key: 'book.A', expected: 5, got: 8 } });
  });

  test('skills: a new reading replaces the last and marks the board for a redraw', () => {
    const st = new DashboardState();
    st.dirty.agents = false;
    st.setSkills(new Map([['A', 0.5]]));
    expect(st.dirty.agents).toBe(true);
    expect(st.skills.get('A')).toBe(0.5);
  });

  test('a refused resume is an announced gap and clears the population for the snapshot that follows', () => {
    const st = new DashboardState();
    st.startAt(1);
    st.applyAgent(agent('Old', 1), 2, false);
    st.resumeFailed(500);
    expect(st.agents.size).toBe(0);
    expect(st.health).toMatchObject({ announcedGaps: 1, gaps: 0, lastSequence: 500 });
    st.applyAgent(agent('New', 1), 501, false);
    expect(st.health.gaps).toBe(0);
  });
});
