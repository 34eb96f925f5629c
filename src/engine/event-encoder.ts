// Turns model events into wire events: stamps the global sequence and serializes each event once. The wire text of
// every kind is made here (wireJson), for the server's stream and `bun run sim` alike.
import { encodeAgentEvent, encodeArenaEvent, encodeMarketEvent, isoTimestamp } from '../protocol/encode.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { SimEvent } from '../sim/index.ts';
import { encodeMarketDataEvent } from './market-data-encode.ts';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Wall-clock epoch ms with sub-millisecond precision, comparable across threads. */
export const preciseNow = () => performance.timeOrigin + performance.now();

/** The wire JSON of one model event at `sequence`: the seed's field order, prices and capital rounded as published. */
export function wireJson(event: SimEvent, sequence: number): string {
  const timestamp = isoTimestamp(event.at);
  switch (event.kind) {
    case 'market': {
      const m = event.data;
      return encodeMarketEvent(
        { symbol: m.symbol, price: m.price, timestamp, change_percent: m.change_percent },
        sequence,
      );
    }
    case 'agent': {
      const a = event.data;
      return encodeAgentEvent(
        {
          agent_id: a.agent_id,
          capital: round(a.capital, 2),
          trades_executed: a.trades_executed,
          win_rate: round(a.win_rate, 4),
          status: a.status,
          timestamp,
          strategy: a.strategy,
          generation: a.generation,
          parent: a.parent,
          scars: a.scars,
          wins: a.wins,
          symbol: a.symbol,
        },
        sequence,
      );
    }
    case 'arena': {
      const r = event.data;
      return encodeArenaEvent(
        {
          round: r.round,
          winner: r.winner,
          timestamp,
          ranking: r.ranking.map((x) => ({ ...x, capital: round(x.capital, 2) })),
          births: r.births,
          deaths: r.deaths.map((d) => ({ ...d, capital: round(d.capital, 2) })),
        },
        sequence,
      );
    }
    default:
      return encodeMarketDataEvent(event, sequence);
  }
}

export class EventEncoder {
  constructor(public sequence: number) {}

  encode(event: SimEvent, createdAt: number = preciseNow()): PublishedEvent {
    switch (event.kind) {
      case 'market':
      case 'agent':
      case 'arena': {
        const sequence = ++this.sequence;
        const json = wireJson(event, sequence);
        const key = event.kind === 'market' ? event.data.symbol : event.kind === 'agent' ? event.data.agent_id : null;
        const retired = event.kind === 'arena' ? { retired: event.data.deaths.map((d) => d.agent_id) } : {};
        return { sequence, family: event.kind, key, json, created_at: createdAt, ...retired };
      }
      default:
        // Opt-in market data (SimulationOptions.marketData) has no stream family on this server yet; the worker does
        // not ask for it. `bun run sim` writes it with wireJson.
        throw new Error(`market-data event '${event.kind}' has no stream family yet`);
    }
  }
}
