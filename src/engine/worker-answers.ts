// What the simulation worker answers besides events: read-only questions (live ones; database ones only for a
// :memory: database, which has no reader) and the periodic stats for the metrics.
import { describeError } from '../lib/describe-error.ts';
import type { HostMessage, SimStats, WorkerMessage, WorkerQuery } from '../protocol/worker-messages.ts';
import type { SimEvent, Simulation, StepKind } from '../sim/index.ts';
import type { RoundWrite, Store } from '../store/store.ts';

/**
 * Each answer is bounded: a page of agents, one agent, or one page of a database question. A page of agents carries
 * `sequence`, the stream position the model stands at: every event up to it is in the answer, none after it.
 */
export function answerQuery(sim: Simulation, store: Store, query: WorkerQuery, sequence: number): unknown {
  switch (query.kind) {
    case 'agents': {
      const all = sim.agents();
      return { total: all.length, agents: all.slice(query.offset, query.offset + query.limit), sequence };
    }
    case 'agent':
      return sim.agentDetail(query.id) ?? null;
    default:
      return store.queries().answer(query);
  }
}

/** The reply to a query or to a new epoch's request, with the model at `sequence`; a failure is the reply's error. */
export function replyTo(
  sim: Simulation,
  store: Store,
  message: Extract<HostMessage, { type: 'query' | 'new_epoch' }>,
  sequence: number,
): WorkerMessage {
  try {
    if (message.type === 'new_epoch') return { type: 'new_epoch', id: message.id, epoch: store.newEpoch() };
    return { type: 'reply', id: message.id, ok: true, result: answerQuery(sim, store, message.query, sequence) };
  } catch (error) {
    return { type: 'reply', id: message.id, ok: false, error: describeError(error) };
  }
}

/** Step durations (ms) since the last stats: every step, and those that match orders. */
export interface StepTimes {
  step: number[];
  matching: SimStats['matching_ms'];
}

export function freshTimes(): StepTimes {
  return { step: [], matching: { flow: [], agents: [] } };
}

/** The wall clock stays in the worker, outside the pure model: the books match in flow micro-steps and agent decisions. */
export function timeStep(times: StepTimes, kind: StepKind, ms: number): void {
  times.step.push(ms);
  if (kind === 'micro') times.matching.flow.push(ms);
  else if (kind === 'decisions') times.matching.agents.push(ms);
}

/** The arena record of a round's end event, at its sequence. */
export function roundWrite(e: Extract<SimEvent, { kind: 'arena' }>, sequence: number): RoundWrite {
  const d = e.data;
  return { round: d.round, endedAt: e.at, winner: d.winner, sequence, result: d, births: d.births, deaths: d.deaths };
}

/** Cumulative counters, the live population and each book, with the step durations since the last stats. */
export function statsOf(sim: Simulation, times: StepTimes, finalCapital: ReadonlyMap<string, number>): SimStats {
  const s = sim.stats();
  return {
    cache_hits: s.cacheHits,
    cache_misses: s.cacheMisses,
    requests: s.requests,
    successes: s.successes,
    failures: s.failures,
    trades: s.trades,
    rounds: s.round - 1,
    skips: s.skips,
    step_ms: times.step,
    matching_ms: times.matching,
    venues: sim.marketStats().map((v) => ({
      symbol: v.symbol,
      best_bid: v.bestBid,
      best_ask: v.bestAsk,
      spread: v.spread,
      spread_bps: v.spreadBps,
      bid_depth: v.bidDepth,
      ask_depth: v.askDepth,
      trades: v.trades,
      volume: v.volume,
      resting_orders: v.restingOrders,
    })),
    agents: sim.agents().map((a) => ({
      agent_id: a.agent_id,
      capital: a.capital,
      trades_executed: a.trades_executed,
      win_rate: a.win_rate,
      scars: a.scars,
      wins: a.wins,
      final_capital: finalCapital.get(a.agent_id) ?? null,
    })),
  };
}
