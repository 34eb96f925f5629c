// Tests for scars: a constructed crash scars the agent, shrinks its risk budget, pauses then resumes it.

import { describe, expect, test } from 'bun:test';
import { decide, resumeIfDue } from '../../src/sim/agent.ts';
import { Simulation } from '../../src/sim/model.ts';
import { resolveOptions } from '../../src/sim/options.ts';
import type { PriceRow } from '../../src/sim/price-csv.ts';
import { applyScar, DEFAULT_SCAR_POLICY, isDrawdownScar, isTradeLossScar } from '../../src/sim/scars.ts';
import { geometric, makeAgent, makeCtx } from './helpers.ts';

const policy = DEFAULT_SCAR_POLICY;

describe('scar rules', () => {
  test('thresholds are strict and relative', () => {
    expect(isDrawdownScar(85_000, 100_000, policy)).toBe(false);
    expect(isDrawdownScar(84_999, 100_000, policy)).toBe(true);
    expect(isTradeLossScar(-5_000, 100_000, policy)).toBe(false);
    expect(isTradeLossScar(-5_001, 100_000, policy)).toBe(true);
    expect(isTradeLossScar(10_000, 100_000, policy)).toBe(false);
  });

  test('a drawdown scar resets the peak so the same drawdown scars once', () => {
    const a = makeAgent('Balanced');
    applyScar(a, 'drawdown', 20_000, 80_000, 1000, 2, 7, policy);
    expect(a.peak).toBe(80_000);
    expect(isDrawdownScar(80_000, a.peak, policy)).toBe(false);
    expect(a.status).toBe('paused');
    expect(a.resumeStep).toBe(7 + policy.cooldownSteps);
    expect(a.scars).toEqual([{ at: 1000, round: 2, kind: 'drawdown', loss: 20_000, capital_after: 80_000 }]);
  });
});

describe('constructed crash', () => {
  test('crash on an open long scars, shrinks the risk budget, pauses, then re-activates', () => {
    const a = makeAgent('Momentum');
    const ctx = makeCtx(1);
    for (const p of geometric(100, 0.015, 12)) decide(a, p, ctx);
    expect(a.qty).toBeGreaterThan(0);
    const budgetBefore = a.riskBudget;
    ctx.step = 20;
    ctx.at = 100_000;
    decide(a, a.entryPrice * 0.6, ctx);
    expect(a.qty).toBe(0);
    const kinds = a.scars.map((s) => s.kind);
    expect(kinds).toContain('trade_loss');
    expect(kinds).toContain('drawdown');
    for (const s of a.scars) {
      expect(s.at).toBe(100_000);
      expect(s.loss).toBeGreaterThan(0);
      expect(s.capital_after).toBeCloseTo(a.cash, 2);
    }
    expect(a.riskBudget).toBeCloseTo(budgetBefore * policy.riskFactor ** a.scars.length, 12);
    expect(a.status).toBe('paused');
    expect(decide(a, 200, ctx)).toBe(0);
    expect(resumeIfDue(a, 20 + policy.cooldownSteps - 1)).toBe(false);
    expect(resumeIfDue(a, 20 + policy.cooldownSteps)).toBe(true);
    expect(a.status).toBe('active');
  });

  test('end to end: a replayed crash scars Momentum, pauses it for the cool-down, then it trades again', () => {
    const prices = [...geometric(100, 0.015, 20), ...new Array(12).fill(60), ...geometric(60, 0.02, 20)];
    const rows: PriceRow[] = prices.map((price, i) => ({
      timestamp: i,
      symbol: 'AAA',
      price: Math.round(price * 100) / 100,
    }));
    const opts = resolveOptions({
      seed: 1,
      startTime: 0,
      agents: 3,
      feedErrorRate: 0,
      arenaRoundMs: 10_000_000,
      replay: { rows },
    });
    const sim = new Simulation(opts);
    const status: string[] = [];
    for (let i = 0; i < prices.length; i++) {
      sim.advanceTo(i * opts.marketIntervalMs);
      status.push(sim.agentDetail('Momentum')?.report.status ?? 'missing');
    }
    const detail = sim.agentDetail('Momentum');
    expect(detail?.scars.length).toBeGreaterThan(0);
    const crashStep = 20; // index of the first 60
    expect(status[crashStep]).toBe('paused');
    expect(status.slice(crashStep, crashStep + policy.cooldownSteps).every((s) => s === 'paused')).toBe(true);
    expect(status[crashStep + policy.cooldownSteps]).toBe('active');
    expect(detail?.report.trades_executed).toBeGreaterThan(2);
  });
});
