// The capacity scenario's sizes in each profile (profiles.ts holds the other scenarios' and picks these up).
import type { CapacityParams } from './scenario-params.ts';

export const CAPACITY_PROFILES: Record<'full' | 'dev' | 'smoke', CapacityParams> = {
  // 50,000 to 3,000,000 offered deliveries/s (the knee is interpolated between two steps). Few symbols keep a tick's
  // burst (symbols × connections = 3,000 frames) small enough for Node + ws, which sends them one by one (~13 µs
  // each), to start under 100 ms; the whole-millisecond intervals make the top steps coarse. A step is ~6 s (server
  // start, 1,000 connects, warm-up, window, drain) and a curve stops at its first step over 100 ms (run twice: one
  // stall of a shared machine should not end a curve), so a round of three servers stays near three minutes.
  full: {
    connections: 1000,
    symbols: 3,
    intervalsMs: [60, 30, 15, 12, 10, 8, 6, 5, 4, 3, 2, 1],
    p99LimitMs: 100,
    retries: 1,
    warmMs: 1000,
    measureMs: 3000,
    loaders: 2,
    concurrency: 100,
  },
  // 25,000 to 2,000,000 offered deliveries/s, 2,000 frames a tick.
  dev: {
    connections: 500,
    symbols: 4,
    intervalsMs: [80, 40, 20, 16, 12, 10, 8, 6, 5, 4, 3, 2, 1],
    p99LimitMs: 100,
    retries: 1,
    warmMs: 700,
    measureMs: 2000,
    loaders: 2,
    concurrency: 100,
  },
  // Two steps far below any server's knee: the curve runs to its cap and every step passes.
  smoke: {
    connections: 20,
    symbols: 4,
    intervalsMs: [100, 50],
    p99LimitMs: 100,
    retries: 1,
    warmMs: 300,
    measureMs: 700,
    loaders: 1,
    concurrency: 20,
  },
};
