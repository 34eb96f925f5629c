// The model with books: opt-in market-data events, micro-step cadence, L2 chains, trade ids, agents in the tape,
// population-dependent prices, and snapshot/restore mid-hour with books and resting orders.

import { describe, expect, test } from 'bun:test';
import { applyL2, type L2Snapshot } from '../../src/sim/book/l2.ts';
import { type SimEvent, Simulation } from '../../src/sim/model.ts';
import { resolveOptions, type SimulationOptions } from '../../src/sim/options.ts';
import type { SimulationSnapshot } from '../../src/sim/snapshot.ts';

const START = 1_700_000_000_000;
const ALL = { trades: true, book: true, candles: true };
const opts = (over: Partial<SimulationOptions> = {}): SimulationOptions =>
  resolveOptions({
    seed: 42,
    startTime: START,
    agents: 12,
    symbols: ['BTC-USD', 'ETH-USD', 'SOL-USD'],
    arenaRoundMs: 60_000,
    ...over,
  });
const HORIZON = START + 60_000 * 4 + 777;
const classic = (ev: SimEvent[]) => ev.filter((e) => e.kind === 'market' || e.kind === 'agent' || e.kind === 'arena');

describe('market data in the model', () => {
  test('off by default; opting in adds trade/book/candle events and changes nothing else', () => {
    const plain = new Simulation(opts()).advanceTo(HORIZON);
    expect(plain.some((e) => e.kind === 'trade' || e.kind === 'book' || e.kind === 'candle')).toBe(false);
    const rich = new Simulation(opts({ marketData: ALL })).advanceTo(HORIZON);
    expect(new Set(rich.map((e) => e.kind))).toEqual(new Set(['market', 'agent', 'arena', 'trade', 'book', 'candle']));
    expect(classic(rich)).toEqual(classic(plain));
    expect(classic(plain)).toHaveLength(plain.length);
  });

  test('at the default cadence each book changes several times and trades at least once per wall second', () => {
    const ev = new Simulation(opts({ marketData: ALL })).advanceTo(START + 30_000 - 1);
    for (const symbol of ['BTC-USD', 'ETH-USD', 'SOL-USD']) {
      for (let s = 0; s < 30; s++) {
        const inSecond = (e: SimEvent) =>
          e.at >= START + s * 1000 && e.at < START + (s + 1) * 1000 && 'symbol' in e.data && e.data.symbol === symbol;
        const trades = ev.filter((e) => e.kind === 'trade' && inSecond(e));
        const deltaTimes = new Set(
          ev.filter((e) => e.kind === 'book' && !e.data.snapshot && inSecond(e)).map((e) => e.at),
        );
        expect(trades.length).toBeGreaterThanOrEqual(1);
        expect(deltaTimes.size).toBeGreaterThanOrEqual(3);
      }
    }
    // Forming candles update at most once per micro-step (4 per second) per symbol.
    const candleTimes = ev
      .filter((e) => e.kind === 'candle' && e.data.symbol === 'BTC-USD' && !e.data.closed)
      .map((e) => e.at);
    expect(new Set(candleTimes).size).toBe(candleTimes.length);
  });

  test('per symbol: trade ids are consecutive, update ids are consecutive, deltas rebuild every snapshot', () => {
    const ev = new Simulation(opts({ marketData: ALL, agents: 30 })).advanceTo(HORIZON);
    for (const symbol of ['BTC-USD', 'ETH-USD', 'SOL-USD']) {
      const ids = ev.flatMap((e) => (e.kind === 'trade' && e.data.symbol === symbol ? [e.data.trade_id] : []));
      expect(ids.length).toBeGreaterThan(100);
      for (const [i, id] of ids.entries()) expect(id).toBe(i + 1);
      let view: L2Snapshot | null = null;
      let checked = 0;
      for (const e of ev) {
        if (e.kind !== 'book' || e.data.symbol !== symbol) continue;
        const d = e.data;
        if (d.snapshot) {
          const snap = { bids: d.bids, asks: d.asks, update_id: d.update_id };
          if (view) {
            expect(snap).toEqual(view);
            checked++;
          }
          view = snap;
          expect((d.bids[0]?.[0] ?? 0) < (d.asks[0]?.[0] ?? Infinity)).toBe(true);
        } else if (view) {
          expect(d.update_id).toBe(view.update_id + 1);
          view = applyL2(view, d.changes, d.update_id, 10);
          if (view.bids[0] && view.asks[0]) expect(view.bids[0][0]).toBeLessThan(view.asks[0][0]);
        }
      }
      expect(checked).toBeGreaterThan(40);
    }
  });

  test('agents trade through the books: their ids appear as buyers and sellers, and size moves prices', () => {
    const ev = new Simulation(opts({ marketData: { trades: true }, agents: 40 })).advanceTo(HORIZON);
    const agentTrades = ev.filter(
      (e) => e.kind === 'trade' && (!e.data.buyer.startsWith('bg-') || !e.data.seller.startsWith('bg-')),
    );
    expect(agentTrades.length).toBeGreaterThan(10);
    // Agent orders are market orders: the agent is always the aggressor.
    for (const e of agentTrades)
      if (e.kind === 'trade')
        expect(e.data.side === 'buy' ? !e.data.buyer.startsWith('bg-') : !e.data.seller.startsWith('bg-')).toBe(true);
  });

  test('different populations give different prices; the same population the same prices', () => {
    const ticks = (agents: number) =>
      new Simulation(opts({ agents })).advanceTo(HORIZON).filter((e) => e.kind === 'market');
    const a = ticks(5);
    expect(ticks(5)).toEqual(a);
    expect(ticks(200)).not.toEqual(a);
  });

  test('snapshot/restore anywhere in the hour (pending decisions, between micro-steps) continues identically', () => {
    const o = opts({ marketData: { ...ALL, bookDeltas: true } });
    const whole = new Simulation(o).advanceTo(HORIZON);
    for (const cut of [START + 5_000, START + 61_250 + 1, START + 3 * 60_000 + 2_600]) {
      const first = new Simulation(o);
      const before: SimEvent[] = [];
      // Stop right after a market step (its agents not yet decided) or between two micro-steps.
      while (first.nextDueAt() <= cut) {
        first.stepOnce(cut, before);
        if (cut === START + 5_000 && before.some((e) => e.kind === 'market' && e.at === cut)) break;
      }
      if (cut === START + 5_000) expect(first.nextDueAt()).toBe(cut);
      const snap = JSON.parse(JSON.stringify(first.snapshot())) as SimulationSnapshot;
      const restored = Simulation.restore(snap, o);
      for (const s of restored.marketStats()) expect((s.bestBid ?? 0) < (s.bestAsk ?? Infinity)).toBe(true);
      expect(restored.marketStats().map((s) => s.restingOrders)).toEqual(
        first.marketStats().map((s) => s.restingOrders),
      );
      const after = restored.advanceTo(HORIZON);
      expect([...before, ...after]).toEqual(whole);
      const straight = new Simulation(o);
      straight.advanceTo(HORIZON);
      expect(restored.snapshot()).toEqual(straight.snapshot());
    }
  });

  test('market stats expose spread, depth, trades and resting orders per symbol', () => {
    const sim = new Simulation(opts());
    sim.advanceTo(START + 20_000);
    const st = sim.marketStats();
    expect(st.map((s) => s.symbol)).toEqual(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    for (const s of st) {
      expect(s.spreadBps ?? 0).toBeGreaterThan(0);
      expect(s.spreadBps ?? 100).toBeLessThan(50);
      expect(s.bidDepth).toBeGreaterThan(0);
      expect(s.askDepth).toBeGreaterThan(0);
      expect(s.trades).toBeGreaterThan(50);
      expect(s.restingOrders).toBeGreaterThan(10);
    }
    expect(sim.stats().bookTrades).toBe(st.reduce((a, s) => a + s.trades, 0));
  });
});
