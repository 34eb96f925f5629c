// Tests for position accounting, sizing, and the agent decision loop (entries, stops, elimination).

import { describe, expect, test } from 'bun:test';
import { agentReport, decide, enforceFloor, resumeIfDue, winRate } from '../../src/sim/agent.ts';
import {
  type Book,
  closePosition,
  DEFAULT_COSTS,
  markedCapital,
  openPosition,
  positionSize,
} from '../../src/sim/portfolio.ts';
import { geometric, makeAgent, makeCtx } from './helpers.ts';

const costs = DEFAULT_COSTS;

describe('portfolio', () => {
  test('a round trip at an unchanged price loses exactly fees and slippage', () => {
    const book: Book = { cash: 100_000, qty: 0, entryPrice: 0, entryFee: 0 };
    openPosition(book, 1, 1, 10_000, costs);
    expect(book.entryPrice).toBeCloseTo(10_005, 6);
    expect(markedCapital(book, 10_000)).toBeCloseTo(100_000 - 5 - 10.005, 6);
    const pnl = closePosition(book, 10_000, costs);
    const expected = 1 * (9_995 - 10_005) - 10.005 - 9.995;
    expect(pnl).toBeCloseTo(expected, 6);
    expect(book.cash).toBeCloseTo(100_000 + expected, 6);
    expect(book.qty).toBe(0);
  });

  test('a short gains when the price falls', () => {
    const book: Book = { cash: 100_000, qty: 0, entryPrice: 0, entryFee: 0 };
    openPosition(book, -1, 2, 100, costs);
    expect(book.qty).toBe(-2);
    expect(markedCapital(book, 90)).toBeGreaterThan(100_000);
    expect(closePosition(book, 90, costs)).toBeGreaterThan(0);
  });

  test('size = capital * risk / stop, capped by exposure and (for longs) cash', () => {
    expect(positionSize(100_000, 100_000, 0.02, 0.04, 1, 100, 1, costs) * 100).toBeCloseTo(50_000, 6);
    expect(positionSize(100_000, 100_000, 0.02, 0.01, 0.3, 100, -1, costs) * 100).toBeCloseTo(30_000, 6);
    expect(positionSize(100_000, 10_000, 0.02, 0.01, 1, 100, 1, costs) * 100).toBeCloseTo(10_000 / 1.001, 6);
    expect(positionSize(100_000, 100_000, 0.00001, 0.5, 1, 100, 1, costs)).toBe(0);
    expect(positionSize(-5, 100_000, 0.02, 0.04, 1, 100, 1, costs)).toBe(0);
  });
});

describe('agent decisions', () => {
  test('Momentum buys on a rising path and its capital identity holds', () => {
    const a = makeAgent('Momentum');
    const ctx = makeCtx();
    let fills = 0;
    for (const p of geometric(100, 0.015, 12)) fills += decide(a, p, ctx);
    expect(fills).toBe(1);
    expect(a.qty).toBeGreaterThan(0);
    expect(a.trades).toBe(1);
    const r = agentReport(a, 120);
    expect(r.capital).toBeCloseTo(a.cash + a.qty * 120, 2);
    expect(r.position).toBeCloseTo(a.qty, 8);
  });

  test('stop-loss closes a losing long and books a loss', () => {
    const a = makeAgent('Momentum');
    const ctx = makeCtx();
    const path = geometric(100, 0.015, 12);
    for (const p of path) decide(a, p, ctx);
    const entry = a.entryPrice;
    decide(a, entry * (1 - 0.045), ctx);
    expect(a.qty).toBe(0);
    expect(a.trades).toBe(2);
    expect(a.losses).toBe(1);
    expect(a.wins).toBe(0);
    expect(winRate(a)).toBe(0);
  });

  test('take-profit closes a winning long and books a win', () => {
    const a = makeAgent('Momentum');
    const ctx = makeCtx();
    for (const p of geometric(100, 0.015, 12)) decide(a, p, ctx);
    decide(a, a.entryPrice * 1.09, ctx);
    expect(a.qty).toBe(0);
    expect(a.wins).toBe(1);
    expect(winRate(a)).toBe(1);
  });

  test('win_rate = wins / (wins + losses), 0 without closed trades', () => {
    const a = makeAgent('Breakout');
    expect(winRate(a)).toBe(0);
    a.wins = 1;
    a.losses = 3;
    expect(winRate(a)).toBe(0.25);
    a.wins = 2;
    a.losses = 1;
    expect(agentReport(a, 1).win_rate).toBe(0.6667);
  });

  test('a stop exit does not re-enter on the same quote', () => {
    const a = makeAgent('Momentum', { takeProfit: 0.02 });
    const ctx = makeCtx();
    for (const p of geometric(100, 0.015, 12)) decide(a, p, ctx);
    const fills = decide(a, a.entryPrice * 1.03, ctx);
    expect(fills).toBe(1);
    expect(a.qty).toBe(0);
  });

  test('paused or eliminated agents do not trade', () => {
    const a = makeAgent('Momentum');
    a.status = 'paused';
    a.resumeStep = 10;
    const ctx = makeCtx();
    let fills = 0;
    for (const p of geometric(100, 0.02, 12)) fills += decide(a, p, ctx);
    expect(fills).toBe(0);
    expect(a.history.length).toBe(0);
    expect(resumeIfDue(a, 9)).toBe(false);
    expect(resumeIfDue(a, 10)).toBe(true);
    expect(agentReport(a, 100).status).toBe('active');
    a.status = 'eliminated';
    expect(resumeIfDue(a, 100)).toBe(false);
  });

  test('falling under the floor eliminates and liquidates at once', () => {
    const a = makeAgent('Momentum');
    a.qty = 10;
    a.cash = -900;
    a.entryPrice = 10_000;
    const ctx = makeCtx();
    expect(enforceFloor(a, 9_000, ctx)).toBe(-1);
    expect(a.status).toBe('active');
    expect(enforceFloor(a, 4_000, ctx)).toBe(1);
    expect(a.status).toBe('eliminated');
    expect(a.qty).toBe(0);
    expect(a.losses).toBe(1);
    expect(enforceFloor(a, 4_000, ctx)).toBe(-1);
  });
});
