// Per-key gap detection: every stream event carries `key_seq`, consecutive per topic key (`market.BTC-USD`, `arena`,
// `book.ETH-USD`, …), so a client that holds only some topics can still prove it missed nothing of them. Pure.
import type { StreamEvent } from '../protocol/index.ts';

/** The topic key an event belongs to. */
export function eventKey(e: StreamEvent): string {
  switch (e.event_type) {
    case 'market':
      return `market.${e.market.symbol}`;
    case 'agent':
      return `agent.${e.agent.agent_id}`;
    case 'arena':
      return 'arena';
    case 'trade':
      return `trades.${e.trade.symbol}`;
    case 'book':
      return `book.${e.book.symbol}`;
    case 'candle':
      return `candles.${e.candle.symbol}`;
    case 'order':
      return `orders.${e.order.agent_id}`;
  }
}

/** A key whose `key_seq` jumped: events `expected` .. `got - 1` of it never arrived. */
export interface KeyGap {
  key: string;
  expected: number;
  got: number;
}

export class KeySeqTracker {
  private readonly last = new Map<string, number>();
  gaps = 0;

  /**
   * Take one event in; a gap when its key skipped numbers. A snapshot or a conflated event (which stands for the events
   * it replaced) sets where the key stands without judging it.
   */
  accept(e: StreamEvent, snapshot: boolean, conflated: boolean): KeyGap | null {
    const keySeq = e.key_seq;
    if (keySeq === undefined) return null;
    const key = eventKey(e);
    const before = this.last.get(key);
    if (before !== undefined && keySeq <= before && !snapshot) return null;
    this.last.set(key, keySeq);
    if (snapshot || conflated || before === undefined || keySeq === before + 1) return null;
    this.gaps++;
    return { key, expected: before + 1, got: keySeq };
  }

  /**
   * Topics being taken (again), returned as given: their keys (`trades.BTC-USD`, or every key of a family such as
   * `trades`) start afresh. A key held before, dropped and taken again is set by its snapshot, or by the first event a
   * resume replays, rather than judged against the number it had when it was dropped.
   */
  retake<T extends readonly string[]>(topics: T): T {
    for (const topic of topics) {
      if (topic.includes('.') || topic === 'arena') this.last.delete(topic);
      else for (const key of [...this.last.keys()]) if (key.startsWith(`${topic}.`)) this.last.delete(key);
    }
    return topics;
  }

  /** Forget every key (a new epoch numbers keys afresh). */
  reset(): void {
    this.last.clear();
  }
}
