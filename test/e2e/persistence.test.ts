// Crash safety with a real server on a file database: SIGKILL after committed rounds, restart, everything continues.

import { Database } from 'bun:sqlite';
import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient } from '../helpers/clients.ts';
import { runServerExpectingExit, type ServerProcess, startServer } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});

const FAST = [
  '--market-interval-ms',
  '40',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '80',
  '--arena-round-ms',
  '400',
  '--checkpoint-ms',
  '200',
  '--seed',
  '11',
];
const getJson = async (url: string) => (await (await fetch(url)).json()) as any;

describe('persistence', () => {
  test('SIGKILL after committed rounds: sequence, rounds, wins, trades and scars continue; resume works across the restart', async () => {
    const db = join(dir, 'crash.db');
    server = await startServer([...FAST, '--db', db]);
    const client = await TestClient.open(server.url, 'ws');
    await client.nextOf('welcome');
    let rounds: any[] = [];
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      rounds = (await getJson(`${server.http}/api/arena/rounds?limit=50`)).rounds;
      if (rounds.length >= 3) break;
      await Bun.sleep(100);
    }
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    const live = client.frames.filter(
      (f) => !f.snapshot && typeof f.sequence === 'number' && f.event_type !== 'welcome',
    );
    const lastSeen = live[live.length - 1]?.sequence as number;
    const killedAt = (await getJson(`${server.http}/health`)).sequence as number;
    await server.stop('SIGKILL');
    await client.closed;

    const killedDb = new Database(db, { readonly: true });
    const checkpointAgents = JSON.parse(
      (killedDb.query('SELECT state FROM checkpoint').get() as { state: string }).state,
    ).agents as any[];
    killedDb.close();
    server = await startServer([...FAST, '--db', db]);
    expect(server.output()).toContain('restored');
    const health = await getJson(`${server.http}/health`);
    expect(health.sequence).toBeGreaterThanOrEqual(killedAt);
    // Every committed round is still there, unchanged, and new rounds count on from them.
    const after = (await getJson(`${server.http}/api/arena/rounds?limit=100`)).rounds as any[];
    for (const r of rounds) expect(after.find((x) => x.round === r.round)).toEqual(r);
    const d2 = Date.now() + 10000;
    let newest = after[0]?.round ?? 0;
    while (Date.now() < d2 && newest <= rounds[0].round) {
      newest = (await getJson(`${server.http}/api/arena/rounds?limit=1`)).rounds[0]?.round ?? 0;
      await Bun.sleep(100);
    }
    expect(newest).toBeGreaterThan(rounds[0].round);
    // Trades, scars and arena wins never fall below what the last checkpoint (taken with the last committed round) held.
    const agentsAfter = (await getJson(`${server.http}/api/agents`)).agents as any[];
    let compared = 0;
    for (const a of agentsAfter) {
      const saved = checkpointAgents.find((c) => c.id === a.agent_id);
      if (!saved) continue;
      compared++;
      expect(a.trades_executed).toBeGreaterThanOrEqual(saved.trades);
      expect(a.scars).toBeGreaterThanOrEqual(saved.scars.length);
      expect(a.wins).toBeGreaterThanOrEqual(saved.arenaWins);
      expect(a.wins).toBeGreaterThanOrEqual(rounds.filter((r) => r.winner === a.agent_id).length);
    }
    expect(compared).toBeGreaterThan(0);
    expect(checkpointAgents.reduce((n, c) => n + c.trades, 0)).toBeGreaterThan(0);
    // A client resumes across the restart with no gap and no duplicate.
    const again = await TestClient.open(`${server.url}?since=${lastSeen}`, 'ws');
    const resumed = await again.nextOf('resumed', 10000);
    const replayed = again.frames
      .filter((f) => (f.event_type === 'market' || f.event_type === 'agent') && !f.snapshot)
      .map((f) => f.sequence as number);
    expect(replayed[0]).toBeGreaterThan(lastSeen);
    for (let i = 1; i < replayed.length; i++) expect(replayed[i]).toBeGreaterThan(replayed[i - 1] as number);
    expect(resumed.sequence).toBeGreaterThanOrEqual(killedAt);
    again.close();
    await server.stop('SIGTERM');
    server = null;
    const check = new Database(db, { readonly: true });
    expect((check.query('PRAGMA integrity_check').get() as any).integrity_check).toBe('ok');
    const seqs = check.query('SELECT sequence FROM journal ORDER BY sequence').all() as { sequence: number }[];
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]!.sequence).toBe(seqs[i - 1]!.sequence + 1);
    check.close();
  }, 60_000);

  test('a file that is not a Lineage database stops the server with a clear line, untouched', async () => {
    const path = join(dir, 'mine.db');
    writeFileSync(path, 'precious data\n');
    const r = await runServerExpectingExit(['--port', '0', '--metrics-port', '0', '--db', path]);
    expect(r.code).toBe(1);
    expect(r.output).toContain('is not a Lineage database');
    expect(await Bun.file(path).text()).toBe('precious data\n');
  });
});
