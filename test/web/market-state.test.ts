// The market panel's model: symbol switching, the book from snapshot + deltas, the tape and the candles merged from the
// stream and the REST backfill in any order; and the REST reads (skills paged, bad items skipped, failures quiet).
import { describe, expect, test } from 'bun:test';
import type { CandleData, TradeData } from '../../src/protocol/index.ts';
import { fetchSkills, fetchTrades } from '../../src/web/api.ts';
import {
  insertBy,
  MAX_CANDLES,
  MarketState,
  marketTopics,
  newerCandle,
  symbolsOffered,
  TAPE_ROWS,
} from '../../src/web/market-state.ts';

const ts = '2026-02-03T14:30:45.123Z';
const trade = (trade_id: number, symbol = 'BTC-USD'): TradeData => ({
  symbol,
  trade_id,
  price: 100 + trade_id,
  size: 0.5,
  side: trade_id % 2 === 0 ? 'buy' : 'sell',
  timestamp: ts,
  buyer: 'a',
  seller: 'b',
});
const candle = (minute: number, close: number, volume: number, closed: boolean, symbol = 'BTC-USD'): CandleData => ({
  symbol,
  interval: '1h',
  start: new Date(Date.UTC(2026, 1, 3, 14, minute)).toISOString(),
  open: 100,
  high: Math.max(100, close),
  low: Math.min(100, close),
  close,
  volume,
  closed,
});
const snapshot = (update_id: number, symbol = 'BTC-USD') => ({
  symbol,
  bids: [
    [99, 1],
    [98, 2],
  ] as [number, number][],
  asks: [[101, 3]] as [number, number][],
  update_id,
  timestamp: ts,
});
const delta = (update_id: number, changes: ['bid' | 'ask', number, number][], symbol = 'BTC-USD') => ({
  symbol,
  update_id,
  changes,
  timestamp: ts,
});

describe('MarketState', () => {
  test('topics and symbols: the three streams of a symbol; the symbols a welcome offers, in order', () => {
    expect(marketTopics('ETH-USD')).toEqual(['book.ETH-USD', 'trades.ETH-USD', 'candles.ETH-USD']);
    expect(
      symbolsOffered([
        'market',
        'agent',
        'arena',
        'market.BTC-USD',
        'market.ETH-USD',
        'trades.BTC-USD',
        'book.SOL-USD',
      ]),
    ).toEqual(['BTC-USD', 'ETH-USD']);
  });

  test('the book: a snapshot seeds it, the next delta applies, an old one is stale, a skipped one asks for a snapshot', () => {
    const m = new MarketState();
    expect(m.applyBook(snapshot(5), 1)).toBe('ignored');
    m.select('BTC-USD');
    // Deltas before any snapshot (a topic taken while disconnected is resumed without one): ask once, then wait.
    expect(m.applyBook(delta(6, [['bid', 99, 0]]), 2)).toBe('resync');
    expect(m.applyBook(delta(7, []), 2)).toBe('gap');
    expect(m.applyBook(snapshot(5), 3)).toBe('applied');
    expect(
      m.applyBook(
        delta(6, [
          ['bid', 99, 0],
          ['ask', 100.5, 1],
        ]),
        4,
      ),
    ).toBe('applied');
    expect(m.book?.levels()).toEqual({
      bids: [[98, 2]],
      asks: [
        [100.5, 1],
        [101, 3],
      ],
    });
    expect(m.applyBook(delta(6, []), 5)).toBe('stale');
    expect(m.applyBook(delta(8, []), 6)).toBe('resync');
    expect(m.book?.known).toBe(false);
    expect(m.applyBook(delta(9, []), 7)).toBe('gap');
    expect(m.applyBook(snapshot(9), 8)).toBe('applied');
    expect(m.applyBook(delta(10, []), 9)).toBe('applied');
    expect(m.applyBook(delta(12, []), 10)).toBe('resync');
    // A switch starts afresh: the new symbol's first gap asks again.
    m.select('ETH-USD');
    expect(m.applyBook(delta(3, [], 'ETH-USD'), 11)).toBe('resync');
    // Another symbol's frame (still in flight after a switch) touches nothing.
    expect(m.applyBook(snapshot(1, 'BTC-USD'), 12)).toBe('ignored');
  });

  test('switching symbol starts afresh and drops the other symbol’s trades and candles', () => {
    const m = new MarketState();
    expect(m.select('BTC-USD')).toBe(true);
    m.addTrades([trade(1), trade(2)]);
    m.addCandles([candle(0, 101, 1, true)]);
    expect(m.select('BTC-USD')).toBe(false);
    expect(m.trades).toHaveLength(2);
    m.dirty.trades = false;
    expect(m.select('ETH-USD')).toBe(true);
    expect([m.trades, m.candles, m.book?.symbol, m.dirty.trades]).toEqual([[], [], 'ETH-USD', true]);
    m.addTrades([trade(3, 'BTC-USD'), trade(9, 'ETH-USD')]);
    m.addCandles([candle(1, 99, 1, false, 'BTC-USD')]);
    expect(m.trades.map((t) => t.trade_id)).toEqual([9]);
    expect(m.candles).toEqual([]);
  });

  test('the tape: stream and backfill in any order, each trade once, the newest TAPE_ROWS kept', () => {
    const m = new MarketState();
    m.select('BTC-USD');
    // The stream's snapshot (the latest trade) and live trades arrive before the REST answer that overlaps them.
    m.addTrades([trade(100), trade(101), trade(102)]);
    m.addTrades(Array.from({ length: TAPE_ROWS }, (_, i) => trade(51 + i)));
    const ids = m.trades.map((t) => t.trade_id);
    expect(ids).toHaveLength(TAPE_ROWS);
    expect(ids).toEqual(ids.map((_, i) => 53 + i));
    expect(m.lastTradeId).toBe(102);
    m.dirty.trades = false;
    // An older trade than every one kept, or one already listed, changes nothing.
    m.addTrades([trade(10), trade(60)]);
    expect(m.dirty.trades).toBe(false);
  });

  test('candles: the forming one is replaced in place by later states, never rolled back; at most MAX_CANDLES', () => {
    const m = new MarketState();
    m.select('BTC-USD');
    m.addCandles([candle(0, 101, 5, true), candle(1, 102, 2, false)]);
    m.addCandles([candle(1, 103, 3, false)]);
    expect(m.candles.map((c) => [c.close, c.closed])).toEqual([
      [101, true],
      [103, false],
    ]);
    // A REST answer older than the stream (less volume) does not undo it; the closed candle is final.
    m.addCandles([candle(1, 102, 2, false)]);
    expect(m.candles[1]?.close).toBe(103);
    m.addCandles([candle(1, 104, 4, true)]);
    m.addCandles([candle(1, 105, 9, false)]);
    expect(m.candles[1]).toMatchObject({ close: 104, closed: true });
    m.addCandles(Array.from({ length: MAX_CANDLES + 5 }, (_, i) => candle(10 + i, 100, 1, true)));
    expect(m.candles).toHaveLength(MAX_CANDLES);
    expect(m.candles.at(-1)?.start).toBe(candle(10 + MAX_CANDLES + 4, 100, 1, true).start);
  });

  test('newerCandle and insertBy', () => {
    expect(newerCandle(candle(0, 1, 1, false), candle(0, 1, 1, true))).toBe(true);
    expect(newerCandle(candle(0, 1, 2, false), candle(0, 1, 1, false))).toBe(false);
    expect(newerCandle(candle(0, 1, 2, true), candle(0, 1, 3, true))).toBe(false);
    const list = [2, 4, 6];
    expect(insertBy(list, 5, (x) => x, 4)).toBe(true);
    expect(insertBy(list, 4, (x) => x, 4)).toBe(false);
    expect(insertBy(list, 1, (x) => x, 4)).toBe(false);
    expect(insertBy(list, 9, (x) => x, 4)).toBe(true);
    expect(list).toEqual([4, 5, 6, 9]);
  });
});

describe('REST reads', () => {
  const reply = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  test('skills: one page per 1000 agents, with the token; agents without a skill are left out', async () => {
    const asked: { url: string; auth: string | null }[] = [];
    const fetcher = (async (url: string, init?: RequestInit) => {
      asked.push({ url, auth: new Headers(init?.headers).get('authorization') });
      const offset = Number(new URL(url, 'http://x').searchParams.get('offset'));
      const agents =
        offset === 0
          ? Array.from({ length: 1000 }, (_, i) => ({ agent_id: `a${i}`, skill: i / 1000 }))
          : [{ agent_id: 'last', skill: -0.5 }, { agent_id: 'no-skill' }];
      return reply({ agents, total: 1002, offset, limit: 1000 });
    }) as typeof fetch;
    const skills = await fetchSkills('sekrit', fetcher);
    expect(asked).toEqual([
      { url: '/api/agents?offset=0&limit=1000', auth: 'Bearer sekrit' },
      { url: '/api/agents?offset=1000&limit=1000', auth: 'Bearer sekrit' },
    ]);
    expect(skills.size).toBe(1001);
    expect([skills.get('a500'), skills.get('last'), skills.has('no-skill')]).toEqual([0.5, -0.5, false]);
  });

  test('trades: invalid items are skipped; an error answer or a network failure is an empty list', async () => {
    const ok = (async () =>
      reply({ symbol: 'BTC-USD', trades: [trade(1), { trade_id: 'x' }, trade(2)] })) as unknown as typeof fetch;
    expect((await fetchTrades('BTC-USD', 50, null, ok)).map((t) => t.trade_id)).toEqual([1, 2]);
    const notFound = (async () => reply({ error: { code: 'not_found' } }, 404)) as unknown as typeof fetch;
    expect(await fetchTrades('NOPE', 50, null, notFound)).toEqual([]);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await fetchTrades('BTC-USD', 50, null, down)).toEqual([]);
    expect(await fetchSkills(null, down)).toEqual(new Map());
  });
});
