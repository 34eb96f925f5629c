// Scenario sizes: `full` (the BENCHMARKS.md run), `dev` (≤ 2,000 connections, the box 4,000; short) and `smoke` (CI,
// tiny), and how many interleaved rounds each runs by default.
import { BOX_PROFILES } from './box-profiles.ts';
import { CAPACITY_PROFILES } from './capacity-profiles.ts';
import type {
  BoxParams,
  CapacityParams,
  ChurnParams,
  FanoutParams,
  RealisticParams,
  ScaleParams,
  SlowReaderParams,
  StormParams,
} from './scenario-params.ts';

export interface Profile {
  name: 'full' | 'dev' | 'smoke';
  /** Rounds each scenario runs by default (its targets one after another in each round: A B C A B C …). */
  rounds: number;
  scale: ScaleParams;
  fanout: FanoutParams;
  churn: ChurnParams;
  storm: StormParams;
  /** The fan-out workload with permessage-deflate off, shared and dedicated. */
  compression: FanoutParams;
  /** The fan-out workload over SSE, next to WebSocket. */
  sse: FanoutParams;
  slowReader: SlowReaderParams;
  realistic: RealisticParams;
  capacity: CapacityParams;
  box: BoxParams;
  /** The end-of-run drain gives up after this long without progress. */
  stallMs: number;
}

// The full profile's CPU windows start once the JIT is done with the hot paths, for every server alike: the figure is
// the steady state a server runs in for hours. Per thread at fan-out's flags (1,000 clients, 10 s windows from the
// start), Lineage's JIT threads compiled 16, 5, 13, 5 ms/s in its first 40 s, 1–2 after, and its simulation worker
// went 22 → 17 ms/s as the model reached its top tier; bare Bun's JIT stays at 1. The warm-up's own CPU per delivery
// is kept beside the figure (`warmupCpuPerMillion`): what a server costs while it starts.
const STEADY_WARM_MS = 40_000;
const FULL_FANOUT: FanoutParams = {
  connections: 1000,
  symbols: 10,
  intervalMs: 100,
  warmMs: STEADY_WARM_MS,
  measureMs: 5000,
  loaders: 2,
  concurrency: 100,
};
const DEV_FANOUT: FanoutParams = {
  connections: 500,
  symbols: 10,
  intervalMs: 100,
  warmMs: 3000,
  measureMs: 3000,
  loaders: 1,
  concurrency: 100,
};
const SMOKE_FANOUT: FanoutParams = {
  connections: 20,
  symbols: 4,
  intervalMs: 50,
  warmMs: 300,
  measureMs: 1000,
  loaders: 1,
  concurrency: 20,
};

export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    // Three rounds of shorter windows than the one-run profile had (12 s fan-out, 6 s scale steps): the median of three
    // says more than one long window, and the whole run stays near a quarter of an hour.
    rounds: 3,
    scale: {
      stages: [1000, 2500, 5000, 10_000],
      symbols: 10,
      intervalMs: 1000,
      settleMs: 1000,
      measureMs: 3000,
      perLoader: 2500,
      concurrency: 100,
    },
    fanout: FULL_FANOUT,
    churn: {
      steady: 1000,
      togglers: 200,
      loopers: 100,
      symbols: 10,
      intervalMs: 200,
      warmMs: STEADY_WARM_MS,
      churnMs: 5000,
      cycles: 5,
      practiceCycles: 1,
      settleMs: 2500,
      holdMs: [100, 500],
      toggleGapMs: [50, 150],
      loaders: 2,
      concurrency: 100,
    },
    storm: {
      connections: 2000,
      symbols: 10,
      intervalMs: 200,
      warmMs: STEADY_WARM_MS,
      // One storm before the window, for every server: the resume and replay paths are compiled before they are timed.
      practiceRounds: 1,
      rounds: 3,
      roundGapMs: 1500,
      offlineMs: 300,
      jitterMs: 0,
      loaders: 2,
      concurrency: 100,
    },
    // Their figures are per delivery at 100,000 deliveries/s: a shorter window holds enough CPU ticks.
    // Lineage alone, its variants compared with each other after the same 10 s: no reference server's steady state.
    compression: { ...FULL_FANOUT, warmMs: 10_000, measureMs: 4000 },
    sse: { ...FULL_FANOUT, warmMs: 10_000, measureMs: 4000 },
    slowReader: {
      fast: 30,
      slow: 10,
      slowFraction: 0.1,
      conflateMs: 250,
      symbols: 6,
      intervalMs: 100,
      // Below the 1 MB default so the policy shows within the window: the kernel's socket buffers (megabytes on
      // loopback) fill before the server's own buffer starts to grow.
      sendBufferBytes: 64 * 1024,
      history: 200_000,
      warmMs: 1500,
      calibrateMs: 1000,
      measureMs: 8000,
      loaders: 1,
      concurrency: 50,
    },
    realistic: {
      connections: 1000,
      symbols: 10,
      symbolsPerClient: 10,
      bookSharePercent: 20,
      intervalMs: 5000,
      // Two market steps before the window (the books quoted and traded), four in it: every step is a burst of ticks,
      // agent orders and their trades, and the p99 is made of those bursts.
      warmMs: 10_000,
      measureMs: 20_000,
      loaders: 2,
      concurrency: 100,
    },
    capacity: CAPACITY_PROFILES.full,
    box: BOX_PROFILES.full,
    stallMs: 5000,
  },
  dev: {
    name: 'dev',
    rounds: 2,
    scale: {
      stages: [250, 1000, 2000],
      symbols: 10,
      intervalMs: 1000,
      settleMs: 700,
      measureMs: 2000,
      perLoader: 1000,
      concurrency: 100,
    },
    fanout: DEV_FANOUT,
    churn: {
      steady: 300,
      togglers: 50,
      loopers: 30,
      symbols: 10,
      intervalMs: 200,
      warmMs: 1000,
      churnMs: 3000,
      cycles: 5,
      practiceCycles: 1,
      settleMs: 2000,
      holdMs: [100, 500],
      toggleGapMs: [50, 150],
      loaders: 1,
      concurrency: 100,
    },
    storm: {
      connections: 500,
      symbols: 10,
      intervalMs: 200,
      warmMs: 1000,
      practiceRounds: 1,
      rounds: 2,
      roundGapMs: 1000,
      offlineMs: 300,
      jitterMs: 0,
      loaders: 1,
      concurrency: 100,
    },
    compression: DEV_FANOUT,
    sse: DEV_FANOUT,
    slowReader: {
      fast: 10,
      slow: 4,
      slowFraction: 0.1,
      conflateMs: 250,
      symbols: 4,
      intervalMs: 100,
      sendBufferBytes: 64 * 1024,
      history: 200_000,
      warmMs: 1000,
      calibrateMs: 700,
      measureMs: 5000,
      loaders: 1,
      concurrency: 25,
    },
    realistic: {
      connections: 500,
      symbols: 10,
      symbolsPerClient: 10,
      bookSharePercent: 20,
      intervalMs: 5000,
      warmMs: 6000,
      measureMs: 10_000,
      loaders: 1,
      concurrency: 100,
    },
    capacity: CAPACITY_PROFILES.dev,
    box: BOX_PROFILES.dev,
    stallMs: 3000,
  },
  smoke: {
    name: 'smoke',
    rounds: 1,
    scale: {
      stages: [10, 20],
      symbols: 4,
      intervalMs: 100,
      settleMs: 200,
      measureMs: 700,
      perLoader: 10,
      concurrency: 20,
    },
    fanout: SMOKE_FANOUT,
    churn: {
      steady: 10,
      togglers: 5,
      loopers: 5,
      symbols: 4,
      intervalMs: 50,
      warmMs: 300,
      churnMs: 1000,
      cycles: 2,
      practiceCycles: 1,
      settleMs: 300,
      holdMs: [50, 150],
      toggleGapMs: [20, 50],
      loaders: 1,
      concurrency: 20,
    },
    storm: {
      connections: 20,
      symbols: 4,
      intervalMs: 50,
      warmMs: 300,
      practiceRounds: 1,
      rounds: 2,
      roundGapMs: 300,
      offlineMs: 100,
      jitterMs: 100,
      loaders: 1,
      concurrency: 20,
    },
    compression: SMOKE_FANOUT,
    sse: SMOKE_FANOUT,
    slowReader: {
      fast: 4,
      slow: 2,
      slowFraction: 0.05,
      conflateMs: 100,
      symbols: 2,
      intervalMs: 100,
      // Small, so that a loss-free slow reader is closed (1013) and resumes within the smoke run's second.
      sendBufferBytes: 16 * 1024,
      history: 200_000,
      warmMs: 300,
      calibrateMs: 300,
      measureMs: 1500,
      loaders: 1,
      concurrency: 10,
    },
    realistic: {
      connections: 20,
      symbols: 4,
      symbolsPerClient: 4,
      bookSharePercent: 20,
      // Faster than the default, so that a one-second window holds market steps.
      intervalMs: 500,
      warmMs: 500,
      measureMs: 1500,
      loaders: 1,
      concurrency: 20,
    },
    capacity: CAPACITY_PROFILES.smoke,
    box: BOX_PROFILES.smoke,
    stallMs: 2000,
  },
};

export { SCENARIO_PARAMS } from './scenario-params.ts';
