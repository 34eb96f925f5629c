// The load clients' byte scanner reads Lineage's real frames (from the server's own encoder) and the peers' frames.
import { describe, expect, test } from 'bun:test';
import { newScannedEvent, parseIsoAt, scanStreamFrame } from '../../bench/load/frame-scan.ts';
import { type FeedEvent, MarketFeed } from '../../bench/peers/market-feed.ts';
import { encodeBookEvent, encodeCandleEvent, encodeTradeEvent } from '../../src/engine/market-data-encode.ts';
import {
  encodeAgentEvent,
  encodeArenaEvent,
  encodeMarketEvent,
  markConflated,
  markSnapshot,
} from '../../src/protocol/encode.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function scan(text: string) {
  const out = newScannedEvent();
  const padded = enc(`xx${text}yy`); // the frame sits inside a larger chunk
  return scanStreamFrame(padded, 2, padded.length - 2, out) ? { ...out } : null;
}

const TS = '2026-02-03T14:30:45.123Z';

describe('scanStreamFrame', () => {
  test("Lineage market, agent and arena frames, from the server's encoder", () => {
    const market = encodeMarketEvent({ symbol: 'BTC-USD', price: 45150.32, timestamp: TS, change_percent: 0.45 }, 1234);
    expect(scan(market)).toEqual({
      family: 'market',
      sequence: 1234,
      timestamp: Date.parse(TS),
      snapshot: false,
      conflated: -1,
    });
    // With its per-key sequence after the sequence, and as a snapshot.
    const keyed = encodeMarketEvent({ symbol: 'BTC-USD', price: 1, timestamp: TS, change_percent: 0 }, 1234, 77);
    expect(scan(keyed)).toEqual({
      family: 'market',
      sequence: 1234,
      timestamp: Date.parse(TS),
      snapshot: false,
      conflated: -1,
    });
    expect(scan(markSnapshot(keyed))).toEqual({
      family: 'market',
      sequence: 1234,
      timestamp: Date.parse(TS),
      snapshot: true,
      conflated: -1,
    });
    const agent = encodeAgentEvent(
      {
        agent_id: 'Balanced',
        capital: 1,
        trades_executed: 2,
        win_rate: 0.5,
        status: 'active',
        timestamp: TS,
        strategy: 'Balanced',
        generation: 1,
        parent: null,
        scars: 0,
        wins: 0,
        symbol: 'BTC-USD',
      },
      7,
    );
    expect(scan(agent)).toMatchObject({ family: 'agent', sequence: 7, timestamp: Date.parse(TS) });
    const arena = encodeArenaEvent(
      { round: 3, winner: 'Momentum', timestamp: TS, ranking: [], births: [], deaths: [] },
      99,
    );
    expect(scan(arena)).toMatchObject({ family: 'arena', sequence: 99 });
  });

  test('snapshots are recognised (and keep their sequence)', () => {
    const snap = markSnapshot(
      encodeMarketEvent({ symbol: 'ETH-USD', price: 2500, timestamp: TS, change_percent: 0 }, 42),
    );
    expect(scan(snap)).toMatchObject({ sequence: 42, snapshot: true });
  });

  test('the reference servers write the same shape', () => {
    const events: FeedEvent[] = [];
    const feed = new MarketFeed({ symbols: ['S00-USD'], intervalMs: 100, history: 16, publish: (e) => events.push(e) });
    feed.step(Date.parse(TS));
    const e = events[0] as FeedEvent;
    expect(scan(e.json)).toEqual({
      family: 'market',
      sequence: 1,
      timestamp: Date.parse(TS),
      snapshot: false,
      conflated: -1,
    });
    expect(Object.keys(JSON.parse(e.json))).toEqual(['event_type', 'market', 'sequence']);
    expect(Object.keys(JSON.parse(e.json).market)).toEqual(['symbol', 'price', 'timestamp', 'change_percent']);
  });

  test("the books' trade, book and candle frames, from the server's encoder", () => {
    const at = Date.parse(TS);
    const trade = encodeTradeEvent(
      { symbol: 'BTC-USD', trade_id: 9, price: 10, size: 2, side: 'buy', buyer: 'mm-1', seller: 'noise' },
      at,
      500,
      12,
    );
    expect(scan(trade)).toEqual({ family: 'trades', sequence: 500, timestamp: at, snapshot: false, conflated: -1 });
    const delta = encodeBookEvent(
      { symbol: 'BTC-USD', snapshot: false, update_id: 4, changes: [['bid', 10, 3]] },
      at,
      501,
      4,
    );
    expect(scan(delta)).toEqual({ family: 'book', sequence: 501, timestamp: at, snapshot: false, conflated: -1 });
    const candle = encodeCandleEvent(
      { symbol: 'BTC-USD', interval: '1m', start: at, open: 1, high: 2, low: 1, close: 2, volume: 5, closed: false },
      502,
      3,
    );
    expect(scan(candle)).toMatchObject({ family: 'candles', sequence: 502, snapshot: false, conflated: -1 });
  });

  test('a conflated delivery keeps its sequence and says how many events it replaced', () => {
    const market = encodeMarketEvent({ symbol: 'BTC-USD', price: 1, timestamp: TS, change_percent: 0 }, 1234, 77);
    expect(scan(markConflated(market, 6))).toEqual({
      family: 'market',
      sequence: 1234,
      timestamp: Date.parse(TS),
      snapshot: false,
      conflated: 6,
    });
    // A conflated book is its fresh snapshot: a state with a live sequence.
    const book = markConflated(
      markSnapshot(encodeMarketEvent({ symbol: 'X', price: 1, timestamp: TS, change_percent: 0 }, 9, 2)),
      0,
    );
    expect(scan(book)).toMatchObject({ sequence: 9, snapshot: true, conflated: 0 });
    expect(scan('{"event_type":"market","market":{},"sequence":5"conflated":1}')).toBeNull();
  });

  test('control frames and malformed frames are left to JSON.parse', () => {
    for (const text of [
      '{"event_type":"welcome","sequence":5}',
      '{"event_type":"subscribed","topics":[],"subscriptions":[]}',
      '{"event_type":"market","market":{},"sequence":}',
      '{"event_type":"market","market":{},"seq":5}',
      '{"event_type":"market","market":{},"sequence":5',
      'not json',
      '',
    ]) {
      expect(scan(text)).toBeNull();
    }
  });

  test('a frame without a timestamp scans with NaN', () => {
    expect(scan('{"event_type":"market","market":{"symbol":"A"},"sequence":3}')?.timestamp).toBeNaN();
  });
});

describe('parseIsoAt', () => {
  test('ISO-8601 with milliseconds → epoch ms; anything else → NaN', () => {
    for (const iso of [TS, '1999-12-31T23:59:59.999Z', '2030-01-01T00:00:00.000Z'])
      expect(parseIsoAt(enc(iso), 0)).toBe(Date.parse(iso));
    expect(parseIsoAt(enc('2026-02-03 14:30:45.123Z'), 0)).toBeNaN();
    expect(parseIsoAt(enc('2026-02-03T14:30:45.123'), 0)).toBeNaN();
  });
});
