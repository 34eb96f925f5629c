// Another process holding the database's write lock past SQLite's busy timeout: the writer keeps the encoded batch
// and commits it again with backoff (never re-running the model, never publishing before the commit); a lock that
// lasts too long stops the node with one line.
import { Database } from 'bun:sqlite';
import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulationHost } from '../../src/engine/host.ts';
import { type Frame, TestClient, waitUntil } from '../helpers/clients.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import { workerOptions } from '../helpers/worker-options.ts';
import { holdWriteLock } from '../helpers/write-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-contention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});

const live = (f: Frame) => typeof f.sequence === 'number' && !f.snapshot && f.event_type !== 'welcome';

describe('the database locked by another process', () => {
  test('held for 4 s: the server survives, publishes nothing while locked, then every event exactly once', async () => {
    const db = join(dir, 'held.db');
    server = await startServer([
      '--market-interval-ms',
      '50',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '100',
      '--arena-round-ms',
      '500',
      '--checkpoint-ms',
      '300',
      '--seed',
      '6',
      '--db',
      db,
    ]);
    const client = await TestClient.open(`${server.url}?topics=market,agent,arena`, 'ws');
    await client.waitFor(live, 30, 10_000);

    const holder = holdWriteLock(db, 4000);
    await holder.locked();
    await Bun.sleep(300);
    const duringLock = client.frames.filter(live).length;
    await Bun.sleep(3000);
    // Committed before any client sees it: nothing was published while the commit could not happen.
    expect(client.frames.filter(live).length).toBe(duringLock);
    expect(await holder.proc.exited).toBe(0);
    expect(holder.output()).toContain('released');

    // The held batch and the steps missed meanwhile follow, then the stream goes on.
    await client.waitFor(live, duringLock + 150, 15_000);
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.http}/health`)).status).toBe(200);
    expect(server.output()).toMatch(/is locked by another process; retrying the commit/);
    expect(server.output()).toMatch(/is writable again after \d+ ms/);
    const sequences = client.frames.filter(live).map((f) => f.sequence as number);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => (sequences[0] as number) + i));
    client.close();

    await server.stop('SIGTERM');
    server = null;
    const check = new Database(db, { readonly: true });
    const journal = (check.query('SELECT sequence FROM journal ORDER BY sequence').all() as { sequence: number }[]).map(
      (r) => r.sequence,
    );
    check.close();
    for (let i = 1; i < journal.length; i++) expect(journal[i]).toBe((journal[i - 1] as number) + 1);
    expect(journal.at(-1)).toBeGreaterThanOrEqual(sequences.at(-1) as number);
  }, 60_000);

  test('held while the server starts: it waits for the lock, then begins where the database left off', async () => {
    const db = join(dir, 'at-start.db');
    const args = [
      '--market-interval-ms',
      '50',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '100',
      '--arena-round-ms',
      '500',
      '--seed',
      '8',
      '--db',
      db,
    ];
    server = await startServer(args);
    await Bun.sleep(500);
    const head = ((await (await fetch(`${server.http}/health`)).json()) as { sequence: number }).sequence;
    await server.stop('SIGKILL');
    const holder = holdWriteLock(db, 3000);
    await holder.locked();
    const t0 = Date.now();
    server = await startServer(args);
    expect(Date.now() - t0).toBeGreaterThan(2000);
    expect(server.output()).toMatch(/is locked by another process; waiting to begin/);
    expect(server.output()).toMatch(/restored from \S+ at sequence/);
    expect(
      ((await (await fetch(`${server.http}/health`)).json()) as { sequence: number }).sequence,
    ).toBeGreaterThanOrEqual(head);
    expect(await holder.proc.exited).toBe(0);
  }, 60_000);

  test('held past the give-up time: the worker stops with one line naming the file and the last published sequence', async () => {
    const db = join(dir, 'given-up.db');
    const options = workerOptions({
      seed: 1,
      agentIntervalMs: 100,
      arenaRoundMs: 60_000,
      db,
      testing: { lockGiveUpMs: 1500 },
    });
    const host = new SimulationHost();
    let published = 0;
    let fatal: string | null = null;
    await host.start(options, {
      events: (batch) => (published = batch.at(-1)?.sequence ?? published),
      fatal: (m) => (fatal = m),
    });
    await waitUntil(() => published > 10, 5000, 'events');
    const holder = holdWriteLock(db, 4000);
    await holder.locked();
    await waitUntil(() => fatal !== null, 10_000, 'the worker to give up');
    expect(fatal as unknown as string).toMatch(
      new RegExp(
        `^${db.replaceAll('/', '\\/')} has been locked by another process for \\d+ s; stopping \\(sequence ${published} is the last committed and published\\)$`,
      ),
    );
    await host.stop();
    holder.proc.kill();
    await holder.proc.exited;
  }, 30_000);
});
