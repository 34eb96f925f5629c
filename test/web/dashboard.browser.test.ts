// The dashboard in a real browser (Debian's Chromium via playwright-core): live tiles, leaderboard, restart survival, the seed's snippet.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openPage, until, type Watched } from '../helpers/browser.ts';
import { ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts');
/** Fast ticks, and rounds long enough that the seed's agents are never culled during a test. */
const LIVE = [
  '--market-interval-ms',
  '100',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '200',
  '--arena-round-ms',
  '600000',
  '--seed',
  '42',
];
const SEED_AGENTS = ['Balanced', 'Momentum', 'Conservative'];

let context: BrowserContext;
let profile: string;
const dir = mkdtempSync(join(tmpdir(), 'lineage-web-'));
let servers: ServerProcess[] = [];

beforeAll(async () => {
  // Installs Debian's chromium when it is missing (as root); never downloads a browser build of its own.
  ({ context, profile } = await launchBrowser());
  mkdirSync(ARTIFACTS, { recursive: true });
}, 15 * 60_000);

afterAll(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  servers = [];
  for (const p of context.pages()) await p.close();
});

const open = (url?: string): Promise<Watched> => openPage(context, url);

type Health = { events: number; gaps: number; outOfOrder: number; announcedGaps: number; lastSequence: number | null };
const health = (page: Page) => page.evaluate(() => window.lineage?.state.health as Health);
const clientStats = (page: Page) => page.evaluate(() => window.lineage?.client.stats);
const price = (page: Page, symbol: string) => page.locator(`.tile[data-symbol="${symbol}"] .price`).textContent();

describe('dashboard in Chromium', () => {
  test('live tiles and leaderboard update in place, a server restart is survived without gap or duplicate, and no console errors', async () => {
    const db = join(dir, 'restart.db');
    let server = await startServer([...LIVE, '--db', db]);
    servers.push(server);
    const port = new URL(server.url).port;
    const w = await open(`${server.http}/`);
    const { page } = w;
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
    await until(
      () => page.locator('.tile').count(),
      (n) => n === 8,
      'eight price tiles',
    );
    await until(
      () =>
        page.locator('#leaderboard tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.agent)),
      (ids) => SEED_AGENTS.every((a) => ids.includes(a)),
      'the seed agents',
    );
    // `--market-data off`: the market panel takes only the topics the welcome offers (no book, trades or candles).
    const topics = await page.evaluate(() => window.lineage?.client.topics);
    expect(topics).toEqual(expect.arrayContaining(['market', 'agent']));
    expect(topics?.filter((t) => /^(book|trades|candles)\./.test(t))).toEqual([]);

    // Prices change on screen, and the charts fill.
    const first = await price(page, 'BTC-USD');
    expect(first).toMatch(/^\$[\d,]+\.\d{2}$/);
    await until(
      () => price(page, 'BTC-USD'),
      (p) => p !== first,
      'a new BTC-USD price',
    );
    await until(
      () => page.locator('.tile[data-symbol="ETH-USD"]').getAttribute('data-points'),
      (n) => Number(n) >= 5,
      'a chart with points',
    );
    expect(await page.locator('.tile[data-symbol="ETH-USD"] .spark path.line').getAttribute('d')).toMatch(
      /^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){4,}/,
    );

    // Rows are updated in place: the same element survives many updates.
    await page.evaluate(
      () => ((document.querySelector('tr[data-agent="Balanced"]') as HTMLElement & { marked?: boolean }).marked = true),
    );
    const seenBefore = (await health(page)).events;
    await until(
      () => health(page),
      (h) => h.events > seenBefore + 40,
      'more events',
    );
    expect(
      await page.evaluate(
        () =>
          (document.querySelector('tr[data-agent="Balanced"]') as HTMLElement & { marked?: boolean }).marked === true,
      ),
    ).toBe(true);
    const cells = await page.locator('tr[data-agent="Momentum"] td').allTextContents();
    expect(cells[2]).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect(cells[4]).toMatch(/^\d{1,3}\.\d%$/);
    expect(cells[5]).toMatch(/active|paused|eliminated/);
    expect(cells[7]).toMatch(/^g\d+$/);

    // Restart the server on the same port with the same database.
    const beforeRestart = await health(page);
    const stopAt = Date.now();
    expect((await server.stop('SIGTERM')).code).toBe(0);
    servers = [];
    await page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: 10_000 });
    server = await startServer([...LIVE, '--db', db, '--port', port]);
    servers.push(server);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 20_000 });
    const liveAgainAt = Date.now();
    await until(
      () => health(page),
      (h) => h.events > beforeRestart.events + 80,
      'events after the restart',
    );
    const after = await health(page);
    expect(after).toMatchObject({ gaps: 0, outOfOrder: 0, announcedGaps: 0 });
    expect((after.lastSequence as number) - (beforeRestart.lastSequence as number)).toBeGreaterThan(80);
    const stats = await clientStats(page);
    expect(stats).toMatchObject({ connects: 2, duplicates: 0, resumeFailures: 0 });
    expect(await page.locator('#notice').textContent()).toMatch(/Reconnected — resumed \d+ events?/);
    expect(await page.locator('#footer .stats').textContent()).toMatch(/no gaps · 1 reconnect$/);
    expect(await page.locator('.tile').count()).toBe(8);

    // While the server was down the browser reports the refused connections itself; nothing else may be logged as an error.
    const unexpected = w.errors.filter(
      (e) =>
        !(
          e.at >= stopAt &&
          e.at <= liveAgainAt + 1000 &&
          /WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(e.text)
        ),
    );
    expect(unexpected).toEqual([]);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    // A narrow screen: one column, nothing wider than the viewport.
    await page.setViewportSize({ width: 390, height: 844 });
    await Bun.sleep(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await page.locator('.tile[data-symbol="BTC-USD"]').isVisible()).toBe(true);
    // Every column that stays on a phone (rank, agent, capital, win rate, status) fits without scrolling.
    const statusBox = await page.locator('tr[data-agent="Balanced"] td.status').boundingBox();
    expect(statusBox).not.toBeNull();
    expect((statusBox?.x ?? 0) + (statusBox?.width ?? 0)).toBeLessThanOrEqual(390);
    expect(
      await page
        .locator('#leaderboard')
        .evaluate((t) => (t.parentElement as HTMLElement).scrollWidth <= (t.parentElement as HTMLElement).clientWidth),
    ).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-narrow.png'), fullPage: true });
  }, 90_000);

  test('snapshot frames fill the page before any live event; arena rounds are listed as they end', async () => {
    const db = join(dir, 'snapshot.db');
    // Produce some history with rounds, then restart with intervals too long to tick during the test.
    const busy = await startServer([
      '--market-interval-ms',
      '50',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '100',
      '--arena-round-ms',
      '400',
      '--db',
      db,
      '--checkpoint-ms',
      '200',
    ]);
    servers.push(busy);
    await until(
      async () =>
        ((await (await fetch(`${busy.http}/api/arena/rounds?limit=3`)).json()) as { rounds: unknown[] }).rounds.length,
      (n) => n >= 3,
      'three rounds',
    );
    await busy.stop('SIGTERM');
    servers = [];
    const quiet = await startServer([
      '--market-interval-ms',
      '600000',
      '--agent-interval-ms',
      '600000',
      '--arena-round-ms',
      '600000',
      '--db',
      db,
    ]);
    servers.push(quiet);
    // A restored model may catch up on a step as it starts; let that settle so everything after is snapshot.
    let head = -1;
    await until(
      async () => {
        const before = head;
        head = ((await (await fetch(`${quiet.http}/health`)).json()) as { sequence: number }).sequence;
        await Bun.sleep(400);
        return before === head;
      },
      (stable) => stable,
      'a quiet stream',
    );
    const w = await open(`${quiet.http}/`);
    const { page } = w;
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });
    await until(
      () => page.locator('.tile').count(),
      (n) => n === 8,
      'tiles from the snapshot',
    );
    // Every agent that has reported (an offspring born at the last round may not have yet).
    const reported = ((await (await fetch(`${quiet.http}/api/snapshot`)).json()) as { agents: unknown[] }).agents
      .length;
    expect(reported).toBeGreaterThanOrEqual(3);
    await until(
      () => page.locator('#leaderboard tbody tr').count(),
      (n) => n === reported,
      'the population from the snapshot',
    );
    await until(
      () => page.locator('#rounds li').count(),
      (n) => n >= 3,
      'recent rounds',
    );
    expect((await health(page)).events).toBe(0);
    expect(await page.locator('#rounds li').first().textContent()).toMatch(/^#\d+🏆 \S+\$[\d,]+\.\d{2}/);
    // Backfilled history: the charts already have points although nothing is ticking.
    await until(
      () => page.locator('.tile[data-symbol="BTC-USD"]').getAttribute('data-points'),
      (n) => Number(n) >= 3,
      'backfilled chart',
    );
    expect(w.errors).toEqual([]);
  }, 60_000);

  test("the seed's browser snippet from the README, verbatim but for the port, logs market and agent lines", async () => {
    const server = await startServer(LIVE);
    servers.push(server);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```javascript\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    const snippet = blocks.find((b) => b.includes("new WebSocket('ws://127.0.0.1:9001')"));
    expect(snippet, 'the README keeps the seed snippet').toBeDefined();
    // A page of the server's own origin, as when pasting the snippet into the console there (Chromium blocks loopback
    // connections from pages of unknown origin such as about:blank: Local Network Access).
    const w = await open(`${server.http}/health`);
    await w.page.addScriptTag({ content: (snippet as string).replace('ws://127.0.0.1:9001', server.url) });
    await until(
      async () => w.logs,
      (logs) =>
        logs.some((l) => /^[A-Z]+-USD: \$\d+(\.\d+)?$/.test(l)) &&
        logs.some((l) => /^(Balanced|Momentum|Conservative|MeanReversion|Breakout)\S*: \$\d+(\.\d+)?$/.test(l)),
      'market and agent lines',
    );
    expect(w.errors).toEqual([]);
  }, 30_000);
});
