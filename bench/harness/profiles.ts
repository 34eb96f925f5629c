// Scenario sizes: `full` (the BENCHMARKS.md run), `dev` (≤ 2,000 connections, short) and `smoke` (CI, tiny).

export interface ScaleParams {
  /** Held connections at each step; the last is the scale figure. */
  stages: number[];
  symbols: number;
  intervalMs: number;
  settleMs: number;
  measureMs: number;
  perLoader: number;
  concurrency: number;
}

export interface FanoutParams {
  connections: number;
  symbols: number;
  intervalMs: number;
  warmMs: number;
  measureMs: number;
  loaders: number;
  concurrency: number;
}

export interface ChurnParams {
  steady: number;
  togglers: number;
  loopers: number;
  symbols: number;
  intervalMs: number;
  warmMs: number;
  churnMs: number;
  /** Quiet time after churn before RSS is read again. */
  settleMs: number;
  holdMs: [number, number];
  toggleGapMs: [number, number];
  loaders: number;
  concurrency: number;
}

export interface StormParams {
  connections: number;
  symbols: number;
  intervalMs: number;
  warmMs: number;
  rounds: number;
  roundGapMs: number;
  /** How long each client stays away (so it misses events and the resume has something to replay). */
  offlineMs: number;
  jitterMs: number;
  loaders: number;
  concurrency: number;
}

export interface Profile {
  name: 'full' | 'dev' | 'smoke';
  scale: ScaleParams;
  fanout: FanoutParams;
  churn: ChurnParams;
  storm: StormParams;
  /** The end-of-run drain gives up after this long without progress. */
  stallMs: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    scale: {
      stages: [1000, 2500, 5000, 10_000],
      symbols: 10,
      intervalMs: 1000,
      settleMs: 2000,
      measureMs: 6000,
      perLoader: 2500,
      concurrency: 100,
    },
    fanout: {
      connections: 1000,
      symbols: 10,
      intervalMs: 100,
      warmMs: 3000,
      measureMs: 12_000,
      loaders: 2,
      concurrency: 100,
    },
    churn: {
      steady: 1000,
      togglers: 200,
      loopers: 100,
      symbols: 10,
      intervalMs: 200,
      warmMs: 3000,
      churnMs: 12_000,
      settleMs: 4000,
      holdMs: [100, 500],
      toggleGapMs: [50, 150],
      loaders: 2,
      concurrency: 100,
    },
    storm: {
      connections: 2000,
      symbols: 10,
      intervalMs: 200,
      warmMs: 3000,
      rounds: 3,
      roundGapMs: 3000,
      offlineMs: 300,
      jitterMs: 0,
      loaders: 2,
      concurrency: 100,
    },
    stallMs: 5000,
  },
  dev: {
    name: 'dev',
    scale: {
      stages: [250, 1000, 2000],
      symbols: 10,
      intervalMs: 1000,
      settleMs: 1000,
      measureMs: 3000,
      perLoader: 1000,
      concurrency: 100,
    },
    fanout: {
      connections: 500,
      symbols: 10,
      intervalMs: 100,
      warmMs: 1500,
      measureMs: 4000,
      loaders: 1,
      concurrency: 100,
    },
    churn: {
      steady: 300,
      togglers: 50,
      loopers: 30,
      symbols: 10,
      intervalMs: 200,
      warmMs: 1000,
      churnMs: 4000,
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
      rounds: 2,
      roundGapMs: 1500,
      offlineMs: 300,
      jitterMs: 0,
      loaders: 1,
      concurrency: 100,
    },
    stallMs: 3000,
  },
  smoke: {
    name: 'smoke',
    scale: {
      stages: [10, 20],
      symbols: 4,
      intervalMs: 100,
      settleMs: 200,
      measureMs: 700,
      perLoader: 10,
      concurrency: 20,
    },
    fanout: { connections: 20, symbols: 4, intervalMs: 50, warmMs: 300, measureMs: 1000, loaders: 1, concurrency: 20 },
    churn: {
      steady: 10,
      togglers: 5,
      loopers: 5,
      symbols: 4,
      intervalMs: 50,
      warmMs: 300,
      churnMs: 1000,
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
      rounds: 2,
      roundGapMs: 300,
      offlineMs: 100,
      jitterMs: 100,
      loaders: 1,
      concurrency: 20,
    },
    stallMs: 2000,
  },
};
