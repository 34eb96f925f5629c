// Chromium's own EventSource across a server restart: its automatic reconnect sends Last-Event-ID, and the stream
// resumes with no gap by key_seq on every key it holds and no duplicate, for the books' streams too.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import { ensureCommand } from '../helpers/system-deps.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-sse-web-'));
const servers: ServerProcess[] = [];
let browser: Browser;

beforeAll(async () => {
  const executablePath = ensureCommand('chromium', 'chromium');
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Received {
  type: string;
  id: string;
  data: { sequence?: number; key_seq?: number; snapshot?: boolean; [k: string]: unknown };
}

const received = (page: Page) => page.evaluate(() => (window as unknown as { got: Received[] }).got);

async function until(page: Page, cond: (got: Received[]) => boolean, what: string, timeoutMs = 20_000) {
  const t0 = Date.now();
  for (;;) {
    if (cond(await received(page))) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

describe('SSE in Chromium', () => {
  test('EventSource resumes across a restart: no gap by key_seq, no duplicate, shutdown seen first', async () => {
    const db = join(dir, 'sse.db');
    const args = ['--market-interval-ms', '1000', '--symbols', 'BTC-USD,ETH-USD', '--db', db, '--checkpoint-ms', '300'];
    let server = await startServer(args);
    servers.push(server);
    const port = new URL(server.url).port;
    const page = await browser.newPage();
    await page.goto(`${server.http}/health`);
    await page.evaluate(() => {
      const w = window as unknown as { got: Received[] };
      w.got = [];
      const es = new EventSource('/sse?topics=trades.BTC-USD,market.BTC-USD,candles.BTC-USD,book.ETH-USD');
      for (const type of ['trade', 'market', 'candle', 'book', 'shutdown', 'welcome', 'resumed', 'resume_failed'])
        es.addEventListener(type, (e) => {
          const m = e as MessageEvent<string>;
          w.got.push({ type, id: m.lastEventId, data: JSON.parse(m.data) });
        });
    });
    await until(page, (got) => got.filter((g) => g.type === 'trade').length >= 20, 'trades before the restart');
    servers.pop();
    await server.stop('SIGTERM');
    const atStop = (await received(page)).length;
    server = await startServer([...args, '--port', port]);
    servers.push(server);
    await until(page, (got) => got.some((g, i) => i >= atStop && g.type === 'resumed'), 'the resume after the restart');
    await until(page, (got) => got.slice(atStop).filter((g) => g.type === 'trade').length >= 20, 'trades after it');
    await until(page, (got) => got.slice(atStop).some((g) => g.type === 'market'), 'a tick after it');
    const got = await received(page);
    await page.close();

    expect(got.slice(0, atStop).some((g) => g.type === 'shutdown')).toBe(true);
    expect(got.filter((g) => g.type === 'resumed').length).toBe(1);
    expect(got.some((g) => g.type === 'resume_failed')).toBe(false);
    const stream = got.filter((g) => g.data.key_seq !== undefined && g.data.snapshot !== true);
    // Every stream event's id is its sequence; each sequence arrives once.
    for (const g of stream) expect(g.id).toBe(String(g.data.sequence));
    const seqs = stream.map((g) => g.data.sequence as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Per key, key_seq is consecutive from the first live event on, across the restart.
    const keyOf = (g: Received) => {
      const payload = (g.data.trade ?? g.data.market ?? g.data.candle ?? g.data.book) as { symbol: string };
      return `${g.type}.${payload.symbol}`;
    };
    const byKey = new Map<string, number[]>();
    for (const g of stream) byKey.set(keyOf(g), [...(byKey.get(keyOf(g)) ?? []), g.data.key_seq as number]);
    expect([...byKey.keys()].sort()).toEqual(['book.ETH-USD', 'candle.BTC-USD', 'market.BTC-USD', 'trade.BTC-USD']);
    for (const [key, ks] of byKey) expect({ key, ks }).toEqual({ key, ks: ks.map((_, i) => (ks[0] as number) + i) });
    const beforeRestart = stream.filter((g) => got.indexOf(g) < atStop).length;
    expect(beforeRestart).toBeGreaterThan(20);
    expect(stream.length - beforeRestart).toBeGreaterThan(20);
  }, 90_000);
});
