// The dashboard's market panel in a real browser, against a server with market data on: the chosen symbol's depth chart
// agrees with the REST book, the tape lists consecutive trades, the candles match /api/candles, the selector switches
// all three (and the subscriptions), the leaderboard shows each agent's skill, and no key_seq gap is counted.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { formatPrice } from '../../src/web/format.ts';
import { launchBrowser, openPage, until } from '../helpers/browser.ts';
import { ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts');
/** One market step a second (one candle each), two symbols, rounds every 2 s so skills move. */
const ARGS = [
  '--market-interval-ms',
  '1000',
  '--symbols',
  'BTC-USD,ETH-USD',
  '--agent-interval-ms',
  '500',
  '--arena-round-ms',
  '2000',
  '--seed',
  '11',
];

let context: BrowserContext;
let profile: string;
let server: ServerProcess;
const dir = mkdtempSync(join(tmpdir(), 'lineage-market-web-'));

beforeAll(async () => {
  ({ context, profile } = await launchBrowser({ width: 1280, height: 1000 }));
  server = await startServer(ARGS);
  mkdirSync(ARTIFACTS, { recursive: true });
}, 15 * 60_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

type Level = [number, number];
interface RestBook {
  bids: Level[];
  asks: Level[];
  update_id: number;
}
interface RestTrade {
  trade_id: number;
  price: number;
  size: number;
  side: string;
  symbol: string;
}
interface RestCandle {
  start: string;
  open: number;
  high: number;
  low: number;
  close: number;
  closed: boolean;
  symbol: string;
}
const get = async <T>(path: string): Promise<T> => (await (await fetch(`${server.http}${path}`)).json()) as T;

/** The depth chart's data attributes, and the x coordinates of both staircases. */
const depth = (page: Page) =>
  page.locator('#depth').evaluate((svg) => {
    const xs = (cls: string) =>
      [...(svg.querySelector(`.${cls}`)?.getAttribute('d') ?? '').matchAll(/[ML](-?[\d.]+) /g)].map((m) =>
        Number(m[1]),
      );
    const d = (svg as SVGElement).dataset;
    return {
      symbol: d.symbol,
      state: d.state,
      updateId: Number(d.updateId),
      bestBid: Number(d.bestBid),
      bestAsk: Number(d.bestAsk),
      bidLevels: Number(d.bidLevels),
      askLevels: Number(d.askLevels),
      bidTotal: Number(d.bidTotal),
      askTotal: Number(d.askTotal),
      midX: Number(d.midX),
      bidXs: xs('bid-line'),
      askXs: xs('ask-line'),
    };
  });
const tape = (page: Page) =>
  page.locator('#tape tbody tr').evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...(r as HTMLTableRowElement).cells].map((c) => c.textContent);
      const d = (r as HTMLElement).dataset;
      return { id: Number(d.tradeId), symbol: d.symbol, side: d.side, cells };
    }),
  );
const candles = (page: Page) =>
  page.locator('#candles g.candle').evaluateAll((gs) =>
    gs.map((g) => {
      const d = (g as SVGElement).dataset;
      return {
        start: d.start as string,
        open: Number(d.open),
        high: Number(d.high),
        low: Number(d.low),
        close: Number(d.close),
        closed: d.closed === 'true',
      };
    }),
  );

/** The chart shows `symbol`'s book, and it is the server's book at the same update: best levels, totals, sides apart. */
async function expectBook(page: Page, symbol: string): Promise<void> {
  await page.waitForSelector(`#depth[data-symbol="${symbol}"][data-state="live"]`, { timeout: 15_000 });
  const { rest, shown } = await until(
    async () => ({ rest: await get<RestBook>(`/api/book/${symbol}?depth=20`), shown: await depth(page) }),
    (v) => v.rest.update_id === v.shown.updateId,
    `${symbol}'s chart and REST book at the same update`,
  );
  expect(shown.bestBid).toBeLessThan(shown.bestAsk);
  expect([shown.bestBid, shown.bestAsk]).toEqual([rest.bids[0]?.[0] as number, rest.asks[0]?.[0] as number]);
  expect([shown.bidLevels, shown.askLevels]).toEqual([rest.bids.length, rest.asks.length]);
  expect(shown.bidTotal).toBeCloseTo(
    rest.bids.reduce((s, [, size]) => s + size, 0),
    6,
  );
  expect(shown.askTotal).toBeCloseTo(
    rest.asks.reduce((s, [, size]) => s + size, 0),
    6,
  );
  // Bids are drawn left of the mid price, asks right of it.
  expect(shown.bidXs.length).toBeGreaterThan(2);
  expect(Math.max(...shown.bidXs)).toBeLessThanOrEqual(shown.midX);
  expect(Math.min(...shown.askXs)).toBeGreaterThanOrEqual(shown.midX);
}

/** The tape is full, all `symbol`, newest first with consecutive ids, each row as the server recorded the trade. */
async function expectTape(page: Page, symbol: string): Promise<number> {
  const rows = await until(
    () => tape(page),
    (r) => r.length === 50 && r.every((x) => x.symbol === symbol),
    `a full tape of ${symbol}`,
  );
  const ids = rows.map((r) => r.id);
  expect(ids).toEqual(ids.map((_, i) => (ids[0] as number) - i));
  const recorded = new Map(
    (await get<{ trades: RestTrade[] }>(`/api/trades/${symbol}?limit=1000`)).trades.map((t) => [t.trade_id, t]),
  );
  for (const row of rows) {
    const t = recorded.get(row.id);
    expect(t).toBeDefined();
    expect([row.side, row.cells[1], row.cells[2]]).toEqual([t?.side, t?.side, formatPrice(t?.price as number)]);
    expect(Number(row.cells[3]?.replaceAll(',', ''))).toBe(t?.size as number);
    expect(row.cells[0]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);
  }
  return ids[0] as number;
}

/** The chart's closed candles are the server's, OHLC for OHLC; the last one is forming. */
async function expectCandles(page: Page, symbol: string): Promise<void> {
  await page.waitForSelector(`#candles[data-symbol="${symbol}"]`);
  const shown = await until(
    () => candles(page),
    (c) => c.filter((x) => x.closed).length >= 3,
    `closed ${symbol} candles`,
  );
  const rest = (await get<{ candles: RestCandle[] }>(`/api/candles/${symbol}?limit=60`)).candles;
  const byStart = new Map(rest.map((c) => [c.start, c]));
  const closed = shown.filter((c) => c.closed && byStart.has(c.start));
  expect(closed.length).toBeGreaterThanOrEqual(3);
  for (const c of closed) {
    const r = byStart.get(c.start) as RestCandle;
    expect({ start: c.start, ohlc: [c.open, c.high, c.low, c.close] }).toEqual({
      start: r.start,
      ohlc: [r.open, r.high, r.low, r.close],
    });
    expect(r.symbol).toBe(symbol);
  }
  const starts = shown.map((c) => Date.parse(c.start));
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  expect(new Set(starts).size).toBe(starts.length);
}

describe('market panel in Chromium', () => {
  test('depth, tape and candles of the chosen symbol, switched by the selector; skills; no gaps, no console errors', async () => {
    const w = await openPage(context, `${server.http}/`);
    const { page } = w;
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
    expect(await page.locator('#symbol option').allTextContents()).toEqual(['BTC-USD', 'ETH-USD']);
    expect(await page.locator('#symbol').inputValue()).toBe('BTC-USD');

    await expectBook(page, 'BTC-USD');
    const newest = await expectTape(page, 'BTC-USD');
    // The tape is live, not only backfilled.
    await until(
      () => tape(page),
      (r) => (r[0]?.id ?? 0) > newest,
      'newer BTC-USD trades',
    );
    await expectCandles(page, 'BTC-USD');
    // The forming candle is redrawn in place and closes there: the same element, its start unchanged.
    const forming = (
      await until(
        () => candles(page),
        (c) => c.at(-1)?.closed === false,
        'a forming candle',
      )
    ).at(-1);
    await until(
      () => candles(page),
      (c) => c.some((x) => x.start === forming?.start && x.closed) && (c.at(-1)?.start ?? '') > (forming?.start ?? ''),
      'the forming candle to close and a new one to form',
    );

    // Switch: the three charts follow, and so do the subscriptions.
    await page.selectOption('#symbol', 'ETH-USD');
    await expectBook(page, 'ETH-USD');
    await expectTape(page, 'ETH-USD');
    await expectCandles(page, 'ETH-USD');
    const topics = await page.evaluate(() => window.lineage?.client.topics);
    expect(topics).toEqual(expect.arrayContaining(['book.ETH-USD', 'trades.ETH-USD', 'candles.ETH-USD']));
    expect(topics?.some((t) => t.endsWith('.BTC-USD'))).toBe(false);
    // … and back: the retaken topics start afresh, with no gap counted.
    await page.selectOption('#symbol', 'BTC-USD');
    await expectBook(page, 'BTC-USD');
    await expectTape(page, 'BTC-USD');
    await expectCandles(page, 'BTC-USD');

    // Skills: every row shows the skill /api/agents reports (re-read after each round), some of them non-zero.
    await until(
      async () => {
        const api = (await get<{ agents: { agent_id: string; skill: number }[] }>('/api/agents?limit=1000')).agents;
        const shown = await page
          .locator('#leaderboard tbody tr')
          .evaluateAll((rows) =>
            rows.map((r) => [
              (r as HTMLElement).dataset.agent,
              (r.querySelector('td.skill') as HTMLElement).dataset.skill,
            ]),
          );
        const skills = new Map(api.map((a) => [a.agent_id, String(a.skill)]));
        return { agree: shown.length > 0 && shown.every(([id, s]) => skills.get(id as string) === s), api };
      },
      (v) => v.agree && v.api.some((a) => a.skill !== 0),
      'the skills of /api/agents on the board',
      20_000,
    );
    expect(await page.locator('#leaderboard tbody tr').first().locator('td.skill').textContent()).toMatch(
      /^([+−]\d\.\d{3}|0\.000)$/,
    );

    // No key_seq gap anywhere, the client agrees, and nothing was logged as an error.
    expect(await page.evaluate(() => window.lineage?.client.stats.keyGaps)).toBe(0);
    expect(await page.locator('#footer').getAttribute('data-gaps')).toBe('0');
    expect(await page.locator('#footer .stats').textContent()).toMatch(/ · no gaps · 0 reconnects$/);
    expect(w.errors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-market.png'), fullPage: true });

    // A gap the client reports is counted and announced.
    await page.evaluate(() => {
      const client = window.lineage?.client as unknown as { emit(e: unknown): void };
      client.emit({ type: 'key_gap', key: 'book.BTC-USD', expected: 5, got: 9 });
    });
    await until(
      () => page.locator('#footer').getAttribute('data-gaps'),
      (g) => g === '1',
      'the gap counted',
    );
    expect(await page.locator('#footer .stats').textContent()).toMatch(/ · 1 gap · /);
    expect(await page.locator('#footer .stats').getAttribute('title')).toBe(
      'last gap: book.BTC-USD skipped key_seq 5–8',
    );
    expect(await page.locator('#notice').textContent()).toBe('Missed events of book.BTC-USD (key_seq 5 to 8).');
  }, 120_000);

  test('on a quiet stream the tape and candles come from the REST backfill, on load and after a switch', async () => {
    const db = join(dir, 'quiet.db');
    // A few market steps of history, then the same database with nothing ticking during the test.
    const busy = await startServer([...ARGS, '--db', db, '--checkpoint-ms', '300']);
    const busyGet = async <T>(path: string) => (await (await fetch(`${busy.http}${path}`)).json()) as T;
    await until(
      () => busyGet<{ candles: RestCandle[] }>('/api/candles/ETH-USD?limit=10'),
      (r) => r.candles.filter((c) => c.closed).length >= 4,
      'four closed candles',
    );
    await busy.stop('SIGTERM');
    const quiet = await startServer([
      '--market-interval-ms',
      '600000',
      '--agent-interval-ms',
      '600000',
      '--arena-round-ms',
      '600000',
      '--symbols',
      'BTC-USD,ETH-USD',
      '--db',
      db,
    ]);
    try {
      const quietGet = async <T>(path: string) => (await (await fetch(`${quiet.http}${path}`)).json()) as T;
      let head = -1;
      await until(
        async () => {
          const before = head;
          head = (await quietGet<{ sequence: number }>('/health')).sequence;
          await Bun.sleep(400);
          return before === head;
        },
        (stable) => stable,
        'a quiet stream',
      );
      const w = await openPage(context, `${quiet.http}/`);
      const { page } = w;
      await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
      for (const symbol of ['BTC-USD', 'ETH-USD']) {
        if (symbol === 'ETH-USD') await page.selectOption('#symbol', symbol);
        // The stream alone would show one trade and one candle (the snapshots of the latest); the rest is REST.
        const rest = (await quietGet<{ trades: RestTrade[] }>(`/api/trades/${symbol}?limit=50`)).trades;
        expect(rest).toHaveLength(50);
        const rows = await until(
          () => tape(page),
          (r) => r.length === 50 && r.every((x) => x.symbol === symbol),
          `the ${symbol} tape from REST`,
        );
        expect(rows.map((r) => r.id)).toEqual(rest.map((t) => t.trade_id).reverse());
        const restCandles = (await quietGet<{ candles: RestCandle[] }>(`/api/candles/${symbol}?limit=60`)).candles;
        const shown = await until(
          () => candles(page),
          (c) => c.length === restCandles.length,
          `the ${symbol} candles from REST`,
        );
        expect(shown.map((c) => [c.start, c.open, c.high, c.low, c.close, c.closed])).toEqual(
          restCandles.map((c) => [c.start, c.open, c.high, c.low, c.close, c.closed]),
        );
        expect(shown.length).toBeGreaterThanOrEqual(4);
      }
      expect(await page.evaluate(() => window.lineage?.client.stats.keyGaps)).toBe(0);
      expect(w.errors).toEqual([]);
    } finally {
      await quiet.stop('SIGKILL');
    }
  }, 90_000);
});
