// "Committed before any client sees it" must survive a power loss: every commit is synced to disk before its events
// are published. Counted with strace on a real server: at least one fsync/fdatasync of the database per commit.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { startServer } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasStrace = Bun.spawnSync(['strace', '-V'], { stdout: 'ignore', stderr: 'ignore' }).exitCode === 0;
if (!hasStrace) console.warn('durability test skipped: strace is not installed');
const withStrace = hasStrace ? test : test.skip;

describe('durable commits', () => {
  withStrace(
    'over 60+ published commits, the database file or its WAL is synced at least once per commit',
    async () => {
      const db = join(dir, 'durable.db');
      const trace = join(dir, 'trace.txt');
      // One symbol, reports and rounds out of the way: each market step is exactly one commit with one event.
      const server = await startServer(
        [
          '--symbols',
          'BTC-USD',
          '--market-interval-ms',
          '40',
          '--market-data',
          'off',
          '--agent-interval-ms',
          '3600000',
          '--arena-round-ms',
          '86400000',
          '--checkpoint-ms',
          '3600000',
          '--seed',
          '2',
          '--db',
          db,
        ],
        {},
        { wrapper: ['strace', '-f', '--seccomp-bpf', '-y', '-e', 'trace=fsync,fdatasync', '-o', trace] },
      );
      const client = await TestClient.open(`${server.url}?topics=market`, 'ws');
      const ticks = await client.waitFor((f: Frame) => f.event_type === 'market' && !f.snapshot, 60, 20_000);
      client.close();
      expect((await server.stop('SIGTERM')).code).toBe(0);

      const check = new Database(db, { readonly: true });
      const marketCommits = (
        check.query("SELECT COUNT(*) AS n FROM journal WHERE family = 'market'").get() as { n: number }
      ).n;
      check.close();
      expect(marketCommits).toBeGreaterThanOrEqual(ticks.length);
      // Lines look like: `1234 fsync(12</tmp/…/durable.db-wal>) = 0`
      const syncs = readFileSync(trace, 'utf8')
        .split('\n')
        .filter((l) => /\b(fsync|fdatasync)\(\d+</.test(l) && l.includes(`<${db}`) && /= 0\s*$/.test(l));
      expect(syncs.length).toBeGreaterThanOrEqual(marketCommits);
    },
    60_000,
  );
});
