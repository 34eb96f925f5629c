// Wire text of the opt-in market-data events: field names and order are the contract.
import { describe, expect, test } from 'bun:test';
import { encodeMarketDataEvent } from '../../src/engine/market-data-encode.ts';

const AT = Date.UTC(2026, 1, 3, 14, 30, 45, 123);

describe('market-data encoders', () => {
  test('trade', () => {
    const json = encodeMarketDataEvent(
      {
        kind: 'trade',
        at: AT,
        data: {
          symbol: 'BTC-USD',
          trade_id: 7,
          price: 45000.5,
          size: 0.25,
          side: 'buy',
          buyer: 'Momentum',
          seller: 'bg-mm-1',
        },
      },
      12,
    );
    expect(json).toBe(
      '{"event_type":"trade","trade":{"symbol":"BTC-USD","trade_id":7,"price":45000.5,"size":0.25,"side":"buy","timestamp":"2026-02-03T14:30:45.123Z","buyer":"Momentum","seller":"bg-mm-1"},"sequence":12}',
    );
  });

  test('book snapshot and delta', () => {
    const snap = encodeMarketDataEvent(
      {
        kind: 'book',
        at: AT,
        data: { symbol: 'ETH-USD', snapshot: true, bids: [[2499.5, 1.2]], asks: [[2500.5, 0.8]], update_id: 41 },
      },
      13,
    );
    expect(snap).toBe(
      '{"event_type":"book","book":{"symbol":"ETH-USD","bids":[[2499.5,1.2]],"asks":[[2500.5,0.8]],"update_id":41,"timestamp":"2026-02-03T14:30:45.123Z"},"sequence":13,"snapshot":true}',
    );
    const delta = encodeMarketDataEvent(
      {
        kind: 'book',
        at: AT,
        data: {
          symbol: 'ETH-USD',
          snapshot: false,
          update_id: 42,
          changes: [
            ['bid', 2499.5, 0],
            ['ask', 2500, 2],
          ],
        },
      },
      14,
    );
    expect(delta).toBe(
      '{"event_type":"book","book":{"symbol":"ETH-USD","update_id":42,"changes":[["bid",2499.5,0],["ask",2500,2]],"timestamp":"2026-02-03T14:30:45.123Z"},"sequence":14}',
    );
  });

  test('candle', () => {
    const json = encodeMarketDataEvent(
      {
        kind: 'candle',
        at: AT,
        data: {
          symbol: 'SOL-USD',
          interval: '1h',
          start: AT - 123,
          open: 100,
          high: 101.5,
          low: 99,
          close: 100.25,
          volume: 1234.5,
          closed: true,
        },
      },
      15,
    );
    expect(json).toBe(
      '{"event_type":"candle","candle":{"symbol":"SOL-USD","interval":"1h","start":"2026-02-03T14:30:45.000Z","open":100,"high":101.5,"low":99,"close":100.25,"volume":1234.5,"closed":true},"sequence":15}',
    );
  });
});
