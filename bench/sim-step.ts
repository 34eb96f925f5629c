// Benchmark: advanceTo cost per market step (with its flow micro-steps) at bench scale (1,000 agents x 50 symbols), and
// the market alone at the fan-out scenario's flags (the CPU the model adds to every compared run).
// Run: bun bench/sim-step.ts

import { createHash } from 'node:crypto';
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

/**
 * The model as the fan-out scenario runs it (10 symbols, a market step every 100 ms, 3 quiet agents, no book streams):
 * single-thread CPU per second of bench time, 7 rounds of 1,000 steps after 2,000 steps of warm-up, and a digest of the
 * state after them, so two builds that must behave alike can be compared (the same digest, a different cost).
 */
export function measureFanoutMarket(): { median: number; min: number; max: number; digest: string } {
  const o = resolveOptions({
    seed: 42,
    startTime: 0,
    agents: 3,
    symbols: SYMBOLS.slice(0, 10),
    marketIntervalMs: 100,
    agentIntervalMs: 3_600_000,
    arenaRoundMs: 86_400_000,
  });
  const sim = new Simulation(o);
  let t = 0;
  for (let i = 0; i < 2000; i++) sim.advanceTo((t += o.marketIntervalMs) - 1);
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 1000; i++) sim.advanceTo((t += o.marketIntervalMs) - 1);
    const c = process.cpuUsage(c0);
    // 1,000 steps are 100 s of bench time: µs / 1,000 / 100 = ms of CPU per second.
    rounds.push((c.user + c.system) / 100_000);
  }
  rounds.sort((a, b) => a - b);
  const median = percentile(rounds, 0.5);
  const digest = createHash('sha256').update(JSON.stringify(sim.snapshot())).digest('hex').slice(0, 16);
  console.log(
    `[sim fan-out market] ${median.toFixed(2)} ms CPU per second of bench time (${rounds[0]?.toFixed(2)}–${rounds.at(-1)?.toFixed(2)}), state ${digest}`,
  );
  return { median, min: rounds[0] ?? Number.NaN, max: rounds.at(-1) ?? Number.NaN, digest };
}

export function runSimStepBench(): Record<string, { median: number; p99: number }> {
  const marketOnly = measureSimStep('market step only', 1e12, 1e12);
  const full = measureSimStep('market + 1000 reports/step + round end every 100 steps', 20, 2000);
  return {
    marketOnly: { median: marketOnly.median, p99: marketOnly.p99 },
    full: { median: full.median, p99: full.p99 },
  };
}

if (import.meta.main) {
  measureFanoutMarket();
  runSimStepBench();
}
