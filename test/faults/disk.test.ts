// Disk faults under a real server: a full disk and a read-only path are clear errors, never silent loss.
import { Database } from 'bun:sqlite';
import { afterEach, describe, expect, test } from 'bun:test';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient } from '../helpers/clients.ts';
import { runServerExpectingExit, startServer } from '../helpers/server-process.ts';
import { type Mount, mountTmpfs } from '../helpers/tmpfs.ts';

let mount: Mount | null = null;
afterEach(() => {
  mount?.unmount();
  mount = null;
});
const canMount = mountTmpfs('64k');
canMount?.unmount();
const rootOnly = canMount === null ? test.skip : test;
if (canMount === null) console.warn('disk fault tests skipped: this machine does not allow tmpfs mounts (needs root)');

describe('disk faults', () => {
  rootOnly(
    'a read-only database path stops the server at start with a clear line (no silent :memory: fallback)',
    async () => {
      mount = mountTmpfs('1m', 'ro');
      const r = await runServerExpectingExit([
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--db',
        join(mount!.dir, 'lineage.db'),
      ]);
      expect(r.code).toBe(1);
      expect(r.output).toContain('read-only file system; refusing to run without persistence');
    },
  );

  rootOnly('an existing database on a file system turned read-only is refused, not modified', async () => {
    mount = mountTmpfs('4m');
    const db = join(mount!.dir, 'lineage.db');
    const first = await startServer(['--db', db, '--market-interval-ms', '20', '--market-data', 'off']);
    await Bun.sleep(300);
    expect((await first.stop('SIGTERM')).code).toBe(0);
    expect(mount!.remount('ro')).toBe(true);
    const r = await runServerExpectingExit(['--port', '0', '--metrics-port', '0', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/lineage: cannot write [^\n]*lineage\.db: read-only file system/);
  });

  rootOnly('a disk that is already full refuses to start with a clear line', async () => {
    mount = mountTmpfs('64k');
    await Bun.write(join(mount!.dir, 'filler'), new Uint8Array(60 * 1024));
    const r = await runServerExpectingExit([
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--db',
      join(mount!.dir, 'lineage.db'),
    ]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/lineage: cannot write [^\n]*lineage\.db: .*full/i);
  });

  rootOnly(
    'the disk fills up while running: the server stops with a clear line; everything a client saw is in the journal',
    async () => {
      // Room for the schema, the first checkpoint (written at creation) and a few hundred events: full within a second.
      mount = mountTmpfs('480k');
      const db = join(mount!.dir, 'lineage.db');
      const server = await startServer([
        '--db',
        db,
        '--market-interval-ms',
        '5',
        '--market-data',
        'off',
        '--agent-interval-ms',
        '10',
        '--symbols',
        'A-USD,B-USD,C-USD,D-USD,E-USD,F-USD,G-USD,H-USD',
        '--history',
        '100000',
      ]);
      const client = await TestClient.open(`${server.url}?topics=market,agent,arena`, 'ws');
      const code = await Promise.race([server.proc.exited, Bun.sleep(30_000).then(() => -1)]);
      await client.closed.catch(() => undefined);
      expect(code).toBe(1);
      expect(server.output()).toMatch(/lineage: simulation step failed: .*(full|disk|space)/i);
      const seen = client.frames
        .filter((f) => typeof f.sequence === 'number' && !f.snapshot && f.event_type !== 'welcome')
        .map((f) => f.sequence as number);
      expect(seen.length).toBeGreaterThan(100);
      // Copy the database (and its WAL) out of the full mount and check it.
      const out = mkdtempSync(join(tmpdir(), 'lineage-full-'));
      for (const suffix of ['', '-wal', '-shm'])
        if (existsSync(db + suffix)) copyFileSync(db + suffix, join(out, `lineage.db${suffix}`));
      const check = new Database(join(out, 'lineage.db'));
      expect((check.query('PRAGMA integrity_check').get() as any).integrity_check).toBe('ok');
      const journaled = new Set(
        (check.query('SELECT sequence FROM journal').all() as { sequence: number }[]).map((r) => r.sequence),
      );
      const missing = seen.filter((s) => !journaled.has(s));
      expect(missing).toEqual([]);
      check.close();
    },
    60_000,
  );
});
