// Benchmark: advanceTo cost per market step (with its flow micro-steps) at bench scale (1,000 agents x 50 symbols).
// Run: bun bench/sim-step.ts

import { Simulation } from '../src/sim/model.ts';
import { resolveOptions } from '../src/sim/options.ts';

const SYMBOLS = [
  'BTC-USD',
  'ETH-USD',
  'SOL-USD',
  'BNB-USD',
  'XRP-USD',
  'ADA-USD',
  'DOGE-USD',
  'AVAX-USD',
  'DOT-USD',
  'LINK-USD',
  ...Array.from({ length: 40 }, (_, i) => `SIM${i}-USD`),
];

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export function measureSimStep(
  label: string,
  agentIntervalMs: number,
  arenaRoundMs: number,
  warmup = 300,
  steps = 1000,
): { median: number; p99: number; trades: number; hitRate: number } {
  const o = resolveOptions({
    seed: 77,
    startTime: 0,
    agents: 1000,
    symbols: SYMBOLS,
    marketIntervalMs: 20,
    agentIntervalMs,
    arenaRoundMs,
    quoteTtlMs: 20,
  });
  const sim = new Simulation(o);
  // Warm up past the longest lookbacks so strategies do their full work, and let the JIT settle. Each advance covers
  // one market interval: the market step, its agents' decisions and the flow micro-steps inside the interval.
  let t = 0;
  for (let i = 0; i < warmup; i++) sim.advanceTo((t += o.marketIntervalMs) - 1);
  const times: number[] = [];
  let events = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    events += sim.advanceTo((t += o.marketIntervalMs) - 1).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 0.5);
  const p99 = percentile(times, 0.99);
  const s = sim.stats();
  const hitRate = (100 * s.cacheHits) / (s.cacheHits + s.cacheMisses);
  console.log(
    `[sim step-time] ${label}: median ${median.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms, max ${(times.at(-1) ?? 0).toFixed(3)} ms over ${steps} steps; ` +
      `${events} events, ${s.trades} trades, cache hit ${hitRate.toFixed(1)}%`,
  );
  return { median, p99, trades: s.trades, hitRate };
}

export function runSimStepBench(): Record<string, { median: number; p99: number }> {
  const marketOnly = measureSimStep('market step only', 1e12, 1e12);
  const full = measureSimStep('market + 1000 reports/step + round end every 100 steps', 20, 2000);
  return {
    marketOnly: { median: marketOnly.median, p99: marketOnly.p99 },
    full: { median: full.median, p99: full.p99 },
  };
}

if (import.meta.main) runSimStepBench();
