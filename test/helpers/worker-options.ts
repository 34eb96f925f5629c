// The simulation worker's start options for tests that drive it directly: a quiet market in memory (one symbol, three
// agents reporting hourly, no round, no books' streams), with what the test is about laid over it.
import type { WorkerStartOptions } from '../../src/protocol/worker-messages.ts';

export function workerOptions(overrides: Partial<WorkerStartOptions>): WorkerStartOptions {
  return {
    seed: 3,
    symbols: ['BTC-USD'],
    marketIntervalMs: 50,
    agentIntervalMs: 3_600_000,
    arenaRoundMs: 86_400_000,
    agents: 3,
    feedErrorRate: 0,
    feedLatencyMs: 0,
    replayCsv: null,
    db: ':memory:',
    history: 1000,
    checkpointMs: 60_000,
    marketData: { trades: false, book: false, candles: false, orders: false, bookDepth: 20 },
    ...overrides,
  };
}
