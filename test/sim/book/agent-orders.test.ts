// An agent's market order as private order events: new, its fills, the backstop's fill, the cancel of the rest; and,
// in a running model, every fill is a trade the agent took part in, at that trade's price and size.
import { describe, expect, test } from 'bun:test';
import { orderLifecycle } from '../../../src/sim/book/agent-orders.ts';
import type { OrderData, TradeData } from '../../../src/sim/book/market-data.ts';
import { resolveOptions, type SimEvent, Simulation } from '../../../src/sim/index.ts';

const units = { size: (lots: number) => lots / 100, price: (ticks: number) => ticks / 10 };
const ticket = { agent_id: 'A', order_id: 'X-1', symbol: 'X', side: 'buy' as const, lots: 300 };

describe('order lifecycle', () => {
  test('two partial fills then the last: new, partially_filled, filled; average price weighted by size', () => {
    const steps = orderLifecycle(ticket, [1000, 100, 1010, 100, 1020, 100], null, units);
    expect(steps.map((s) => s.status)).toEqual(['new', 'partially_filled', 'partially_filled', 'filled']);
    expect(steps.map((s) => s.filled)).toEqual([0, 1, 2, 3]);
    const last = steps.at(-1) as OrderData;
    expect(last.avg_price).toBeCloseTo(101, 10);
    expect(last).toMatchObject({ fill_price: 102, fill_size: 1, size: 3, backstop: false });
    expect(steps[0]).toMatchObject({ avg_price: null, fill_price: null, fill_size: null });
  });

  test('what the book could not fill is cancelled; an exit the backstop filled says so', () => {
    const short = orderLifecycle(ticket, [1000, 100], null, units);
    expect(short.map((s) => s.status)).toEqual(['new', 'partially_filled', 'cancelled']);
    expect(short.at(-1)).toMatchObject({ filled: 1, fill_price: null });
    const exit = orderLifecycle(ticket, [1000, 100], { price: 101.5, lots: 200 }, units);
    expect(exit.map((s) => [s.status, s.backstop])).toEqual([
      ['new', false],
      ['partially_filled', false],
      ['filled', true],
    ]);
    expect(orderLifecycle(ticket, [], null, units).map((s) => s.status)).toEqual(['new', 'cancelled']);
  });

  test("in the model: each agent order's fills are trades of that agent, in order; order ids consecutive per symbol", () => {
    const sim = new Simulation(
      resolveOptions({
        seed: 8,
        startTime: 0,
        symbols: ['BTC-USD', 'ETH-USD'],
        agents: 8,
        marketIntervalMs: 1000,
        agentIntervalMs: 1000,
        arenaRoundMs: 20_000,
        marketData: { trades: true, orders: true },
      }),
    );
    const events = sim.advanceTo(60_000);
    const orders = events.filter((e): e is Extract<SimEvent, { kind: 'order' }> => e.kind === 'order');
    const trades = events.filter((e): e is Extract<SimEvent, { kind: 'trade' }> => e.kind === 'trade');
    expect(orders.length).toBeGreaterThan(20);
    const bySymbol = new Map<string, number[]>();
    for (const o of orders.filter((x) => x.data.status === 'new')) {
      const n = Number(o.data.order_id.split('-').at(-1));
      bySymbol.set(o.data.symbol, [...(bySymbol.get(o.data.symbol) ?? []), n]);
    }
    for (const ns of bySymbol.values()) expect(ns).toEqual(ns.map((_, i) => (ns[0] as number) + i));
    // Every non-backstop fill matches one trade of that agent at the same time, price and size.
    const unused = new Set<TradeData>(trades.map((t) => t.data));
    let matched = 0;
    for (const o of orders) {
      const d = o.data;
      if (d.fill_price === null || d.backstop) continue;
      const t = [...unused].find(
        (x) =>
          x.symbol === d.symbol &&
          x.price === d.fill_price &&
          x.size === d.fill_size &&
          (d.side === 'buy' ? x.buyer : x.seller) === d.agent_id,
      );
      expect(t).toBeDefined();
      unused.delete(t as TradeData);
      matched++;
    }
    expect(matched).toBeGreaterThan(10);
    // Each order ends filled or cancelled.
    const last = new Map<string, string>();
    for (const o of orders) last.set(o.data.order_id, o.data.status);
    for (const status of last.values()) expect(['filled', 'cancelled']).toContain(status);
  });
});
