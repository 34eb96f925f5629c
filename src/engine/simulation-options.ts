// The simulation options a worker runs with: its start options, the start time and the replay rows, if any.

import type { WorkerStartOptions } from '../protocol/worker-messages.ts';
import type { PriceRow, SimulationOptions } from '../sim/index.ts';

/** Options of the worker's simulation; the quote TTL is one market interval. */
export function simulationOptionsFor(
  options: WorkerStartOptions,
  startTime: number,
  replay: { rows: PriceRow[] } | undefined,
): SimulationOptions {
  return {
    seed: options.seed,
    symbols: options.symbols,
    startTime,
    marketIntervalMs: options.marketIntervalMs,
    agentIntervalMs: options.agentIntervalMs,
    arenaRoundMs: options.arenaRoundMs,
    agents: options.agents,
    feedErrorRate: options.feedErrorRate,
    feedLatencyMs: options.feedLatencyMs,
    quoteTtlMs: options.marketIntervalMs,
    // The server makes each subscriber's book snapshot itself, from the deltas: the stream carries none.
    marketData: { ...options.marketData, bookDeltas: true, bookSnapshots: false },
    ...(replay ? { replay } : {}),
  };
}
