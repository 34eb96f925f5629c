// One writer per database, enforced by the OS: a second server on the same file is refused with one line and the
// running one goes on unharmed; the lock goes with its process, even after kill -9.
import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, TestClient } from '../helpers/clients.ts';
import { runServerExpectingExit, type ServerProcess, startServer } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-writer-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: ServerProcess[] = [];
afterEach(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  servers = [];
});

const FAST = [
  '--market-interval-ms',
  '20',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '40',
  '--arena-round-ms',
  '300',
  '--seed',
  '4',
];
const live = (f: Frame) => typeof f.sequence === 'number' && !f.snapshot && f.event_type !== 'welcome';

describe('one writer per database', () => {
  test('a second server on the same file exits 1 with one line naming the holder; the first never notices; kill -9 frees the file', async () => {
    const db = join(dir, 'shared.db');
    const first = await startServer([...FAST, '--db', db]);
    servers.push(first);
    const client = await TestClient.open(`${first.url}?topics=market,agent,arena`, 'ws');
    await client.waitFor(live, 30, 10_000);

    const second = await runServerExpectingExit(['--port', '0', '--metrics-port', '0', ...FAST, '--db', db]);
    expect(second.code).toBe(1);
    expect(second.output.trim().split('\n')).toEqual([
      `lineage: ${db} is in use by another Lineage process (pid ${first.proc.pid})`,
    ]);

    // The first goes on: still streaming, every sequence once and in order, healthy.
    const seen = client.frames.filter(live).length;
    await client.waitFor(live, seen + 50, 10_000);
    expect(first.proc.exitCode).toBeNull();
    expect((await fetch(`${first.http}/health`)).status).toBe(200);
    const sequences = client.frames.filter(live).map((f) => f.sequence as number);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => (sequences[0] as number) + i));
    client.close();

    // kill -9: the OS drops the lock with the process; the next server opens the same file and continues it.
    const head = ((await (await fetch(`${first.http}/health`)).json()) as { sequence: number }).sequence;
    await first.stop('SIGKILL');
    servers = [];
    const third = await startServer([...FAST, '--db', db]);
    servers.push(third);
    expect(third.output()).toContain(`restored from ${db}`);
    expect(
      ((await (await fetch(`${third.http}/health`)).json()) as { sequence: number }).sequence,
    ).toBeGreaterThanOrEqual(head);
  }, 60_000);
});
