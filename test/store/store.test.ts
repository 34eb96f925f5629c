// The SQLite store on real files: migrations, journal, checkpoints, rounds, and databases that must be refused untouched.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../../src/store/database.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';

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
  const ranking = Array.from({ length: agents }, (_, i) => ({ rank: i + 1, agent_id: `Agent-${i + 1}`, capital: 200_000 - i, strategy: 'Momentum', generation: 1 }));
  const deaths = ranking.slice(-Math.floor(agents / 5)).map((r) => ({ agent_id: r.agent_id, reason: 'culled', capital: r.capital }));
  const births = deaths.map((d, i) => ({ agent_id: `Momentum-g2-${round}-${i}`, parent: 'Agent-1', generation: 2, strategy: 'Momentum' }));
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
      rounds: [{ round: 1, endedAt: 10, winner: 'B', sequence: 3, result: roundResult(1, 3), births: [{ agent_id: 'A-g1-1', parent: 'A', generation: 1, strategy: 'Momentum' }], deaths: [{ agent_id: 'A', reason: 'eliminated', capital: 40000 }] }],
      checkpoint: { sequence: 3, state: { hello: 'world' } },
    });
    expect(s.head()).toBe(3);
    expect(s.tail(2).map((e) => e.sequence)).toEqual([2, 3]);
    expect(s.tail(1)[0]?.retired).toEqual(['A']);
    expect(s.checkpoint()).toMatchObject({ sequence: 3, state: { hello: 'world' } });
    expect(s.queries().rounds(10).rounds).toMatchObject([{ round: 1, winner: 'B', sequence: 3 }]);
    expect(s.queries().agent('A')).toMatchObject({ died_round: 1, death_reason: 'eliminated', final_capital: 40000 });
    expect(s.queries().agentRecord('A-g1-1')).toMatchObject({ record: { parent: 'A', generation: 1, born_round: 1 }, ancestry: ['A'] });
    for (let i = 4; i <= 50; i++) s.commit({ events: [ev(i)] });
    s.trimJournal(10);
    expect(s.tail(100).map((e) => e.sequence)).toEqual(Array.from({ length: 10 }, (_, i) => 41 + i));
    expect(s.head()).toBe(50);
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
