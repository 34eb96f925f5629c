// Headless Chromium for the dashboard tests (Debian's build through playwright-core; never a downloaded browser), pages
// that record their console errors, and a bounded poll.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureCommand } from './system-deps.ts';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A browser with a fresh profile (returned so it can be removed). Installs Debian's chromium when it is missing. */
export async function launchBrowser(
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; profile: string }> {
  const executablePath = ensureCommand('chromium', 'chromium');
  const profile = mkdtempSync(join(tmpdir(), 'lineage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport,
    colorScheme: 'dark',
  });
  return { context, profile };
}

export interface Watched {
  page: Page;
  /** Console errors and uncaught exceptions, with the time they happened. */
  errors: Array<{ at: number; text: string }>;
  logs: string[];
}

export async function openPage(context: BrowserContext, url?: string): Promise<Watched> {
  const page = await context.newPage();
  const watched: Watched = { page, errors: [], logs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push({ at: Date.now(), text: m.text() });
    else watched.logs.push(m.text());
  });
  page.on('pageerror', (e) => watched.errors.push({ at: Date.now(), text: `uncaught: ${e.message}` }));
  if (url) await page.goto(url);
  return watched;
}

/** Poll `read` until `ok` holds (bounded). */
export async function until<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await Bun.sleep(50);
  }
}
