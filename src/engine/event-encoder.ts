// Turns model events into wire events: stamps the global sequence and the per-key `key_seq`, and serializes each
// event once. The wire text of every kind is made here (wireJson), for the server's stream and `bun run sim` alike.
import { encodeAgentEvent, encodeArenaEvent, encodeMarketEvent, isoTimestamp } from '../protocol/encode.ts';
import { type KeyedFamily, keyTopic, type TopicFamily } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { SimEvent } from '../sim/index.ts';
import { KeySequences, type KeySequencesState } from './key-sequences.ts';
import { encodeMarketDataEvent } from './market-data-encode.ts';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Wall-clock epoch ms with sub-millisecond precision, comparable across threads. */
export const preciseNow = () => performance.timeOrigin + performance.now();

const FAMILY_OF = {
  market: 'market',
  agent: 'agent',
  arena: 'arena',
  trade: 'trades',
  book: 'book',
  candle: 'candles',
  order: 'orders',
} as const satisfies Record<SimEvent['kind'], TopicFamily>;

/** The topic family, key and key topic (`market.BTC-USD`, `arena`) of a model event. */
export function routeOf(event: SimEvent): { family: TopicFamily; key: string | null; topicKey: string } {
  if (event.kind === 'arena') return { family: 'arena', key: null, topicKey: 'arena' };
  const family: KeyedFamily = FAMILY_OF[event.kind];
  const key = event.kind === 'agent' || event.kind === 'order' ? event.data.agent_id : event.data.symbol;
  return { family, key, topicKey: keyTopic(family, key) };
}

/** The `key_seq` an event numbers itself with: a trade's id, a book's update id. */
function ownKeySeq(event: SimEvent): number | undefined {
  if (event.kind === 'trade') return event.data.trade_id;
  if (event.kind === 'book') return event.data.update_id;
  return undefined;
}

/** The wire JSON of one model event at `sequence`: the seed's field order, prices and capital rounded as published. */
export function wireJson(event: SimEvent, sequence: number, keySeq?: number): string {
  const timestamp = isoTimestamp(event.at);
  switch (event.kind) {
    case 'market': {
      const m = event.data;
      return encodeMarketEvent(
        { symbol: m.symbol, price: m.price, timestamp, change_percent: m.change_percent },
        sequence,
        keySeq,
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
        keySeq,
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
        keySeq,
      );
    }
    default:
      return encodeMarketDataEvent(event, sequence, keySeq);
  }
}

export class EventEncoder {
  readonly keys: KeySequences;

  constructor(
    public sequence: number,
    keys?: KeySequencesState,
  ) {
    this.keys = new KeySequences(keys);
  }

  encode(event: SimEvent, createdAt: number = preciseNow()): PublishedEvent {
    const { family, key, topicKey } = routeOf(event);
    // A snapshot in the stream (`bun run sim`) restates its key's position; it does not move it.
    const restates = event.kind === 'book' && event.data.snapshot;
    const sequence = ++this.sequence;
    const keySeq = restates ? event.data.update_id : this.keys.next(topicKey, sequence, ownKeySeq(event));
    const json = wireJson(event, sequence, keySeq);
    if (event.kind !== 'arena') return { sequence, family, key, json, created_at: createdAt };
    const retired = event.data.deaths.map((d) => d.agent_id);
    this.keys.retire(retired.flatMap((id) => [keyTopic('agent', id), keyTopic('orders', id)]));
    return { sequence, family, key, json, created_at: createdAt, retired };
  }

  /**
   * A state that restates its key without moving the stream (a book snapshot at start): it carries the sequence its key
   * last moved at (or the head) and its own `key_seq`.
   */
  restate(event: SimEvent): PublishedEvent {
    const { family, key, topicKey } = routeOf(event);
    const sequence = this.keys.lastSequence(topicKey) ?? this.sequence;
    const keySeq = ownKeySeq(event) ?? this.keys.lastKeySeq(topicKey) ?? 0;
    return { sequence, family, key, json: wireJson(event, sequence, keySeq), created_at: 0 };
  }

  /** Where to resume numbering from: the sequence and every key's position. */
  state(): { sequence: number; keys: KeySequencesState } {
    return { sequence: this.sequence, keys: this.keys.state() };
  }
}
