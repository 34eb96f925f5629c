// Turns model events into wire events: stamps the global sequence and serializes each event once.
import { encodeAgentEvent, encodeArenaEvent, encodeMarketEvent, isoTimestamp } from '../protocol/encode.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { SimEvent } from '../sim/index.ts';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Wall-clock epoch ms with sub-millisecond precision, comparable across threads. */
export const preciseNow = () => performance.timeOrigin + performance.now();

export class EventEncoder {
  constructor(public sequence: number) {}

  encode(event: SimEvent, createdAt: number = preciseNow()): PublishedEvent {
    const sequence = ++this.sequence;
    const timestamp = isoTimestamp(event.at);
    switch (event.kind) {
      case 'market': {
        const m = event.data;
        const json = encodeMarketEvent(
          { symbol: m.symbol, price: m.price, timestamp, change_percent: m.change_percent },
          sequence,
        );
        return { sequence, family: 'market', key: m.symbol, json, created_at: createdAt };
      }
      case 'agent': {
        const a = event.data;
        const json = encodeAgentEvent(
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
        return { sequence, family: 'agent', key: a.agent_id, json, created_at: createdAt };
      }
      case 'arena': {
        const r = event.data;
        const json = encodeArenaEvent(
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
        return {
          sequence,
          family: 'arena',
          key: null,
          json,
          created_at: createdAt,
          retired: r.deaths.map((d) => d.agent_id),
        };
      }
      case 'trade':
      case 'book':
      case 'candle':
        // Opt-in market data (SimulationOptions.marketData) has no stream family on this server yet; the worker does
        // not ask for it. Wire text: src/engine/market-data-encode.ts.
        throw new Error(`market-data event '${event.kind}' has no stream family yet`);
    }
  }
}
