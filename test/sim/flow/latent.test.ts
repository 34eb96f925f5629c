// Latent value: drift compensation, factor correlation, configured volatility, long-memory volatility, bounds, state.

import { describe, expect, test } from 'bun:test';
import { type LatentConfig, LatentModel } from '../../../src/sim/flow/latent.ts';
import { msmInit, msmRates, msmStep, msmVariance } from '../../../src/sim/flow/msm.ts';
import { DEFAULT_MARKET_CONFIG } from '../../../src/sim/market.ts';
import { Rng } from '../../../src/sim/rng.ts';

// One micro-step per hour keeps these statistics cheap; the per-hour law does not depend on the sub-step count.
const cfg = (over: Partial<LatentConfig> = {}): LatentConfig => ({ ...DEFAULT_MARKET_CONFIG, subSteps: 2, ...over });

function hourly(m: LatentModel, hours: number): number[][] {
  const out: number[][] = Array.from({ length: m.count }, () => []);
  const prev = Array.from({ length: m.count }, (_, i) => m.logValue(i));
  for (let h = 0; h < hours; h++) {
    m.hour();
    m.micro();
    for (let i = 0; i < m.count; i++) {
      const lv = m.logValue(i);
      out[i]?.push(lv - (prev[i] ?? 0));
      prev[i] = lv;
    }
  }
  return out;
}

const sum = (x: number[]) => x.reduce((a, b) => a + b, 0);
function corr(a: number[], b: number[]): number {
  const ma = sum(a) / a.length;
  const mb = sum(b) / b.length;
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    c += ((a[i] ?? 0) - ma) * ((b[i] ?? 0) - mb);
    va += ((a[i] ?? 0) - ma) ** 2;
    vb += ((b[i] ?? 0) - mb) ** 2;
  }
  return c / Math.sqrt(va * vb);
}
const daily = (r: number[]) =>
  Array.from({ length: Math.floor(r.length / 24) }, (_, d) => sum(r.slice(24 * d, 24 * d + 24)));

describe('latent value', () => {
  test('drift is compensated: the mean value grows at the configured drift', () => {
    const syms = Array.from({ length: 200 }, () => ({ startPrice: 100, annualVol: 0.8, beta: 0 }));
    const m = new LatentModel(cfg({ drift: 0.3 }), syms, 11);
    hourly(m, 2 * 8760);
    const mean = sum(syms.map((_, i) => m.value(i) / 100)) / syms.length;
    expect(mean).toBeGreaterThan(Math.exp(0.6) * 0.88);
    expect(mean).toBeLessThan(Math.exp(0.6) * 1.12);
  });

  test('symbols share a market factor: daily correlation follows the betas; hourly vol matches the configuration', () => {
    const m = new LatentModel(
      cfg(),
      [
        { startPrice: 45000, annualVol: 0.6, beta: 0.92 },
        { startPrice: 2500, annualVol: 0.75, beta: 0.9 },
        { startPrice: 1, annualVol: 1, beta: 0 },
      ],
      5,
    );
    const r = hourly(m, 2 * 8760);
    const [a, b, c] = r.map(daily) as [number[], number[], number[]];
    expect(corr(a, b)).toBeGreaterThan(0.65);
    expect(corr(a, b)).toBeLessThan(0.92);
    expect(Math.abs(corr(a, c))).toBeLessThan(0.15);
    r.forEach((x, i) => {
      const vol = Math.sqrt((sum(x.map((v) => v * v)) / x.length) * 8760);
      expect(vol / ([0.6, 0.75, 1][i] ?? 1)).toBeGreaterThan(0.8);
      expect(vol / ([0.6, 0.75, 1][i] ?? 1)).toBeLessThan(1.2);
    });
  });

  test('volatility has long memory: |r| stays autocorrelated 50 hours apart; returns themselves do not', () => {
    const m = new LatentModel(cfg(), [{ startPrice: 1, annualVol: 0.6, beta: 0.9 }], 8);
    const r = hourly(m, 3 * 8760)[0] ?? [];
    const acf = (x: number[], lag: number) => {
      const mu = sum(x) / x.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < x.length; i++) {
        den += ((x[i] ?? 0) - mu) ** 2;
        if (i + lag < x.length) num += ((x[i] ?? 0) - mu) * ((x[i + lag] ?? 0) - mu);
      }
      return num / den;
    };
    const abs = r.map(Math.abs);
    expect(acf(abs, 1)).toBeGreaterThan(0.15);
    expect(acf(abs, 50)).toBeGreaterThan(0.03);
    expect(Math.abs(acf(r, 1))).toBeLessThan(0.05);
  });

  test('stress: values stay finite and inside [start / bound, start * bound]; state round trips exactly', () => {
    const m = new LatentModel(cfg({ volScale: 300, subSteps: 20 }), [{ startPrice: 3, annualVol: 1, beta: 0.5 }], 2);
    for (let h = 0; h < 200; h++) {
      m.hour();
      for (let k = 0; k < 19; k++) m.micro();
      const v = m.value(0);
      expect(Number.isFinite(v) && v >= 3 / 1000 - 1e-9 && v <= 3 * 1000 + 1e-9).toBe(true);
    }
    const copy = new LatentModel(
      cfg({ volScale: 300, subSteps: 20 }),
      [{ startPrice: 3, annualVol: 1, beta: 0.5 }],
      JSON.parse(JSON.stringify(m.state())),
    );
    for (let k = 0; k < 50; k++) {
      m.micro();
      copy.micro();
    }
    expect(copy.state()).toEqual(m.state());
  });

  test('multifractal multipliers have mean 1 and switch at their rates', () => {
    const spec = DEFAULT_MARKET_CONFIG.marketVol;
    const rates = msmRates(spec);
    expect(rates[0]).toBeCloseTo(1 / spec.longestSteps, 10);
    expect(rates.at(-1)).toBeCloseTo(1 / spec.shortestSteps, 10);
    const rng = new Rng(1);
    const s = msmInit(spec, rng);
    let total = 0;
    for (let i = 0; i < 200_000; i++) {
      msmStep(s, rates, rng);
      total += msmVariance(s, spec.m0);
    }
    expect(total / 200_000).toBeGreaterThan(0.8);
    expect(total / 200_000).toBeLessThan(1.2);
  });
});
