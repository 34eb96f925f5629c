// Bench rows and results for the report tests: one run with defaults, overridden where a test cares.
import { type CurvePoint, failureOf } from '../../bench/harness/capacity-curve.ts';
import { PROFILES } from '../../bench/harness/profiles.ts';
import type { Row } from '../../bench/harness/result.ts';
import type { BenchResult } from '../../bench/harness/run-bench.ts';
import { summarizeRounds } from '../../bench/harness/summary.ts';

export function row(scenario: Row['scenario'], target: Row['target'], over: Partial<Row> = {}): Row {
  return {
    scenario,
    target,
    round: 1,
    connections: 1000,
    deliveriesPerS: 100_000,
    age: { p50: 5, p99: 10, p999: 12, max: 13, samples: 1000 },
    firstAge: { p50: 2, p99: 4, p999: 5, max: 6, samples: 100 },
    cpuPerMillion: 1,
    loadCpuPerMillion: 1.5,
    rssPerConnectionKB: null,
    connectsPerS: null,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    unassessable: 0,
    errors: {},
    extra: { held: 1000, receiving: 1000, eventsPerSPerClient: 100 },
    stages: [],
    curve: [],
    ...over,
  };
}

export function benchResult(rows: Row[], rounds = 1): BenchResult {
  return {
    format: 2,
    profile: PROFILES.smoke,
    rounds,
    startedAt: '2026-01-01T00:00:00.000Z',
    seconds: 12,
    machine: {
      cpus: 2,
      cpuModel: 'test',
      loadAverage: [0.1, 0.2, 0.3],
      bun: '1.4.5',
      node: 'v20',
      fdLimit: '20000',
      clkTck: 100,
    },
    loads: [
      {
        scenario: 'fanout',
        round: 1,
        startedAt: '2026-01-01T00:00:00.000Z',
        seconds: 5,
        loadAverage1m: 0.1,
        otherCores: 0.05,
        warnings: [],
      },
    ],
    runs: rows,
    rows: summarizeRounds(rows),
  };
}

/** One capacity step at `offeredPerS` with p99 `p99` (kept up or not as failureOf says, against 100 ms). */
export function curvePoint(offeredPerS: number, p99: number, over: Partial<CurvePoint> = {}): CurvePoint {
  const base = {
    intervalMs: 1_000_000 / offeredPerS,
    offeredPerS,
    deliveriesPerS: offeredPerS * 0.99,
    age: { p50: p99 / 2, p99, p999: p99 * 1.5, max: p99 * 2, samples: 1000 },
    firstAge: { p50: p99 / 4, p99: p99 / 2, p999: p99, max: p99, samples: 100 },
    serverCores: 0.5,
    serverMainCores: 0.4,
    loadCores: 0.6,
    loaders: 2,
    machineCores: 1.1,
    held: 100,
    receiving: 100,
    lost: 0,
    failedConnects: 0,
    errors: 0,
    drainSeconds: 0,
    rounds: 1,
    attempts: 1,
    ...over,
  };
  const failure = failureOf(base, 100);
  return { ...base, passed: failure === '' ? 1 : 0, failure, ...over };
}
