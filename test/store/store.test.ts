// The SQLite store on real files: migrations, journal, checkpoints, rounds (summaries, pages), epochs, the one-writer
// lock, contention from another process, and databases that must be refused untouched.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadOnly, StoreError } from '../../src/store/database.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';
import { ROOT } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ev = (sequence: number, family: 'market' | 'agent' | 'arena' = 'market') => ({
  sequence,
  family,
  key: family === 'arena' ? null : 'K',
  json: `{"event_type":"${family}","sequence":${sequence}}`,
  created_at: 1,
});

/** A round's result as the model reports it, with `agents` ranked and a birth and death per five agents. */
function roundResult(round: number, agents: number) {
  const ranking = Array.from({ length: agents }, (_, i) => ({
    rank: i + 1,
    agent_id: `Agent-${i + 1}`,
    capital: 200_000 - i,
    strategy: 'Momentum',
    generation: 1,
  }));
  const deaths = ranking
    .slice(-Math.floor(agents / 5))
    .map((r) => ({ agent_id: r.agent_id, reason: 'culled', capital: r.capital }));
  const births = deaths.map((_d, i) => ({
    agent_id: `Momentum-g2-${round}-${i}`,
    parent: 'Agent-1',
    generation: 2,
    strategy: 'Momentum',
  }));
  return { round, ended_at: 1000 * round, winner: 'Agent-1', ranking, births, deaths };
}

function refused(path: string): StoreError {
  try {
    new Store(path).close();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('opened');
}

describe('Store', () => {
  test('a new file gets the schema and an epoch that survives reopening', () => {
    const path = join(dir, 'sub', 'new.db');
    const a = new Store(path);
    expect(a.created).toBe(true);
    expect(a.head()).toBe(0);
    const epoch = a.epoch;
    a.close();
    const b = new Store(path);
    expect(b.created).toBe(false);
    expect(b.epoch).toBe(epoch);
    expect(b.integrity()).toBe('ok');
    b.close();
  });

  test('journal, checkpoint, rounds and agent records commit together and read back', () => {
    const s = new Store(join(dir, 'rw.db'));
    s.commit({ events: [], roster: [{ agent_id: 'A', strategy: 'Momentum', generation: 0, parent: null }] });
    s.commit({
      events: [ev(1), ev(2, 'agent'), { ...ev(3, 'arena'), retired: ['A'] }],
      rounds: [
        {
          round: 1,
          endedAt: 10,
          winner: 'B',
          sequence: 3,
          result: roundResult(1, 3),
          births: [{ agent_id: 'A-g1-1', parent: 'A', generation: 1, strategy: 'Momentum' }],
          deaths: [{ agent_id: 'A', reason: 'eliminated', capital: 40000 }],
        },
      ],
      checkpoint: { sequence: 3, state: { hello: 'world' } },
    });
    expect(s.head()).toBe(3);
    expect(s.tail(2).map((e) => e.sequence)).toEqual([2, 3]);
    expect(s.tail(1)[0]?.retired).toEqual(['A']);
    expect(s.checkpoint()).toMatchObject({ sequence: 3, state: { hello: 'world' } });
    expect(s.queries().rounds(10).rounds).toMatchObject([{ round: 1, winner: 'B', sequence: 3 }]);
    expect(s.queries().agent('A')).toMatchObject({ died_round: 1, death_reason: 'eliminated', final_capital: 40000 });
    expect(s.queries().agentRecord('A-g1-1')).toMatchObject({
      record: { parent: 'A', generation: 1, born_round: 1 },
      ancestry: ['A'],
    });
    for (let i = 4; i <= 50; i++) s.commit({ events: [ev(i)] });
    s.trimJournal(10);
    expect(s.tail(100).map((e) => e.sequence)).toEqual(Array.from({ length: 10 }, (_, i) => 41 + i));
    expect(s.head()).toBe(50);
    s.close();
  });

  test('regression: a round ending at a fractional model time (micro-steps, a moved schedule) commits, to the millisecond', () => {
    const s = new Store(join(dir, 'fractional.db'));
    s.commit({
      events: [ev(1, 'arena')],
      rounds: [
        {
          round: 1,
          endedAt: 1_764_000_000_123.75,
          winner: 'B',
          sequence: 1,
          result: roundResult(1, 3),
          births: [],
          deaths: [],
        },
      ],
    });
    const row = s.queries().rounds(1, undefined).rounds[0] as { ended_at: number } | undefined;
    expect(row?.ended_at).toBe(1_764_000_000_123);
    s.close();
  });

  test('a failed batch commits nothing', () => {
    const s = new Store(join(dir, 'atomic.db'));
    s.commit({ events: [ev(1)] });
    expect(() => s.commit({ events: [ev(2), ev(1)] })).toThrow();
    expect(s.head()).toBe(1);
    s.close();
  });

  test('a file that is not SQLite is refused and left byte for byte', () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(100));
    const before = readFileSync(path);
    const e = refused(path);
    expect(e.code).toBe('not_lineage');
    expect(e.message).toContain('is not a Lineage database');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("another application's SQLite database is refused untouched", () => {
    const path = join(dir, 'other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    db.close();
    const before = readFileSync(path);
    expect(refused(path).code).toBe('not_lineage');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test('a database from a newer schema is refused untouched', () => {
    const path = join(dir, 'newer.db');
    new Store(path).close();
    const db = new Database(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.exec('PRAGMA journal_mode = DELETE');
    db.close();
    const before = readFileSync(path);
    const e = refused(path);
    expect(e.code).toBe('newer_schema');
    expect(e.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test('an unwritable path is a clear error', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const e = refused(join(file, 'lineage.db'));
    expect(e.code).toBe('unwritable');
    expect(e.message).toContain('plain-file');
  });
});

describe('one writer per database', () => {
  test("a second writer on the same file is refused with the holder's pid, in this process or another; closing releases it", async () => {
    const path = join(dir, 'locked.db');
    const first = new Store(path);
    const e = refused(path);
    expect(e.code).toBe('in_use');
    expect(e.message).toBe(`${path} is in use by another Lineage process (pid ${process.pid})`);
    const script = `import { Store } from ${JSON.stringify(`${ROOT}src/store/store.ts`)}; try { new Store(${JSON.stringify(path)}).close(); console.log('opened'); } catch (e) { console.log(e.message); }`;
    const other = Bun.spawnSync(['bun', '-e', script], { stdout: 'pipe', stderr: 'pipe' });
    expect(other.stdout.toString().trim()).toBe(`${path} is in use by another Lineage process (pid ${process.pid})`);
    first.close();
    const again = Bun.spawnSync(['bun', '-e', script], { stdout: 'pipe', stderr: 'pipe' });
    expect(again.stdout.toString().trim()).toBe('opened');
    new Store(path).close();
  });

  test(':memory: needs no lock', () => {
    const a = new Store(':memory:');
    const b = new Store(':memory:');
    a.close();
    b.close();
  });
});

describe('rounds: summaries stored with each round, pages bounded', () => {
  test('5,000-agent rounds: a page of 100 summaries stays small; the full record pages the ranking; births and deaths whole', () => {
    const s = new Store(join(dir, 'big-rounds.db'));
    for (let r = 1; r <= 30; r++) {
      const result = roundResult(r, 5000);
      s.commit({
        events: [{ ...ev(r, 'arena') }],
        rounds: [
          {
            round: r,
            endedAt: r * 1000,
            winner: 'Agent-1',
            sequence: r,
            result,
            births: result.births,
            deaths: result.deaths,
          },
        ],
      });
    }
    const page = s.queries().rounds(100);
    expect(page.rounds.map((r) => r.round)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(page.more).toBe(false);
    expect(JSON.stringify(page).length).toBeLessThan(30 * 12_000);
    expect(page.rounds[0]?.result).toMatchObject({
      round: 30,
      ranking_size: 5000,
      ranking_truncated: true,
      births_size: 1000,
      deaths_size: 1000,
    });
    expect((page.rounds[0]?.result as { ranking: unknown[] } | undefined)?.ranking).toHaveLength(10);
    const older = s.queries().rounds(5, 11);
    expect(older.rounds.map((r) => r.round)).toEqual([10, 9, 8, 7, 6]);
    expect(older.more).toBe(true);

    const full = s.queries().round(12, 4990, 1000);
    expect(full).not.toBeNull();
    expect(full?.page).toEqual({ offset: 4990, limit: 1000, total: 5000 });
    expect(full?.result.ranking).toEqual(roundResult(12, 5000).ranking.slice(4990));
    expect(full?.result).toMatchObject({ round: 12, ended_at: 12_000, winner: 'Agent-1', ranking_size: 5000 });
    expect(full?.result.births).toHaveLength(1000);
    expect(full?.result.deaths).toEqual(roundResult(12, 5000).deaths);
    expect(
      s
        .queries()
        .round(12, 0, 3)
        ?.result.ranking.map((x) => (x as { rank: number }).rank),
    ).toEqual([1, 2, 3]);
    expect(s.queries().round(99, 0, 10)).toBeNull();
    s.close();
  });

  test('a version-1 database is migrated; its rounds (without stored summaries) are summarised when read', () => {
    const path = join(dir, 'v1.db');
    const db = new Database(path);
    db.exec(MIGRATIONS[0] as string);
    db.exec('PRAGMA user_version = 1');
    db.exec("INSERT INTO meta (key, value) VALUES ('app', 'lineage'), ('epoch', 'oldepoch0001')");
    const result = roundResult(1, 200);
    db.query('INSERT INTO arena_rounds (round, ended_at, winner, sequence, result) VALUES (1, 1000, ?, 1, ?)').run(
      'Agent-1',
      JSON.stringify(result),
    );
    db.close();
    const s = new Store(path);
    expect(s.epoch).toBe('oldepoch0001');
    expect(s.queries().rounds(10).rounds[0]?.result).toMatchObject({
      ranking_size: 200,
      ranking_truncated: true,
      births_size: 40,
    });
    expect(s.queries().round(1, 0, 1000)?.result.ranking).toHaveLength(200);
    s.close();
  });
});

describe('epochs and locks from outside', () => {
  test('newEpoch writes a fresh epoch; restartEpoch also empties the journal and checkpoints at 0, keeping rounds and records', () => {
    const path = join(dir, 'epochs.db');
    const s = new Store(path);
    const first = s.epoch;
    const result = roundResult(1, 5);
    s.commit({
      events: [ev(1), ev(2, 'arena')],
      roster: [{ agent_id: 'Agent-5', strategy: 'Momentum', generation: 1, parent: null }],
      rounds: [
        { round: 1, endedAt: 1, winner: 'Agent-1', sequence: 2, result, births: result.births, deaths: result.deaths },
      ],
      checkpoint: { sequence: 2, state: { at: 2 } },
    });
    const second = s.newEpoch();
    expect(second).not.toBe(first);
    expect(s.epoch).toBe(second);
    const third = s.restartEpoch({ at: 'fresh' });
    expect(third).not.toBe(second);
    expect(s.head()).toBe(0);
    expect(s.checkpoint()).toMatchObject({ sequence: 0, state: { at: 'fresh' } });
    expect(s.queries().rounds(10).rounds).toHaveLength(1);
    expect(s.queries().agent('Agent-5')).toMatchObject({ died_round: 1 });
    s.close();
    const reopened = new Store(path);
    expect(reopened.epoch).toBe(third);
    reopened.close();
  });

  test("a commit refused by another process's write lock leaves nothing; the same batch commits once the lock is gone", () => {
    const path = join(dir, 'contended.db');
    const s = new Store(path);
    s.commit({ events: [ev(1)] });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const batch = { events: [ev(2), ev(3)], checkpoint: { sequence: 3, state: { n: 3 } } };
    expect(() => s.commit(batch)).toThrow(/locked/);
    other.exec('ROLLBACK');
    other.close();
    expect(s.head()).toBe(1);
    s.commit(batch);
    expect(s.head()).toBe(3);
    expect(s.checkpoint()?.sequence).toBe(3);
    s.close();
  });

  test('the read-only connection sees each commit and cannot write', () => {
    const path = join(dir, 'reader.db');
    const s = new Store(path);
    const r = openReadOnly(path);
    s.commit({ events: [ev(1)] });
    expect((r.query('SELECT MAX(sequence) AS s FROM journal').get() as { s: number }).s).toBe(1);
    expect(() => r.exec('DELETE FROM journal')).toThrow();
    r.close();
    s.close();
  });
});
