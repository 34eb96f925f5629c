// The decisions behind retrying a commit that met another process's lock: which errors are lock contention, the
// backoff, and the give-up time.
import { Database } from 'bun:sqlite';
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLockContention, LOCK_GIVE_UP_MS, nextCommitRetry } from '../../src/engine/commit-retry.ts';

describe('commit retry policy', () => {
  test('the error SQLite gives a writer while another connection holds the lock is lock contention; others are not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lineage-busy-'));
    try {
      const a = new Database(join(dir, 'x.db'), { create: true });
      a.exec('PRAGMA journal_mode = WAL');
      a.exec('CREATE TABLE t (x)');
      const b = new Database(join(dir, 'x.db'));
      b.exec('PRAGMA busy_timeout = 10');
      a.exec('BEGIN IMMEDIATE');
      let busy: unknown = null;
      try {
        b.query('INSERT INTO t VALUES (1)').run();
      } catch (error) {
        busy = error;
      }
      a.exec('ROLLBACK');
      expect(isLockContention(busy)).toBe(true);
      let constraint: unknown = null;
      try {
        b.exec('CREATE TABLE t (x)');
      } catch (error) {
        constraint = error;
      }
      expect(isLockContention(constraint)).toBe(false);
      expect(isLockContention(new Error('database or disk is full'))).toBe(false);
      expect(isLockContention(null)).toBe(false);
      a.close();
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('backoff doubles from 25 ms to at most 1 s; past the give-up time the answer is to stop', () => {
    const waits = Array.from({ length: 8 }, (_, i) => nextCommitRetry(i, 0, 100));
    expect(waits.map((w) => (w.kind === 'retry' ? w.inMs : -1))).toEqual([25, 50, 100, 200, 400, 800, 1000, 1000]);
    expect(nextCommitRetry(40, 0, LOCK_GIVE_UP_MS - 300)).toEqual({ kind: 'retry', inMs: 300 });
    expect(nextCommitRetry(41, 0, LOCK_GIVE_UP_MS)).toEqual({ kind: 'give_up', lockedMs: LOCK_GIVE_UP_MS });
    expect(LOCK_GIVE_UP_MS).toBe(30_000);
  });
});
