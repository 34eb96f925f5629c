// The simulation's persistence: the event journal, model checkpoints, arena rounds, births and deaths. Single writer.
import type { Database, Statement } from 'bun:sqlite';
import { type SummarizableRound, summarizeRound } from '../protocol/round-summary.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { freshEpoch, openDatabase } from './database.ts';
import type { FileLock } from './file-lock.ts';
import { StoreQueries } from './queries.ts';

export type { AgentRecord } from './queries.ts';

/** While running, SQLite waits this long for another process's lock before the commit is retried (with backoff). */
export const COMMIT_BUSY_TIMEOUT_MS = 100;

export interface RoundWrite {
  round: number;
  endedAt: number;
  winner: string;
  sequence: number;
  result: SummarizableRound;
  births: { agent_id: string; parent: string; generation: number; strategy: string }[];
  deaths: { agent_id: string; reason: string; capital: number }[];
}

export interface Batch {
  events: readonly PublishedEvent[];
  rounds?: readonly RoundWrite[];
  roster?: readonly { agent_id: string; strategy: string; generation: number; parent: string | null }[];
  /** The model as of the batch's last sequence. */
  checkpoint?: { sequence: number; state: unknown };
  /** Afterwards keep only the newest `trimTo` journal rows. */
  trimTo?: number;
}

export interface JournalRow {
  sequence: number;
  family: string;
  key: string | null;
  json: string;
}

export class Store {
  readonly created: boolean;
  private current: string;
  private readonly db: Database;
  private readonly lock: FileLock | null;
  private readonly insertEvent: Statement;
  private readonly saveCheckpoint: Statement;
  private readonly insertRound: Statement;
  private readonly insertAgent: Statement;
  private readonly markDead: Statement;
  private readonly trim: Statement;
  private reads: StoreQueries | null = null;

  constructor(readonly path: string) {
    const opened = openDatabase(path);
    this.db = opened.db;
    this.lock = opened.lock;
    this.current = opened.epoch;
    this.created = opened.created;
    this.db.exec(`PRAGMA busy_timeout = ${COMMIT_BUSY_TIMEOUT_MS}`);
    this.insertEvent = this.db.query(
      'INSERT INTO journal (sequence, family, key, json, created_at, retired) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.saveCheckpoint = this.db.query(
      'INSERT OR REPLACE INTO checkpoint (id, sequence, saved_at, state) VALUES (1, ?, ?, ?)',
    );
    this.insertRound = this.db.query(
      'INSERT INTO arena_rounds (round, ended_at, winner, sequence, result, summary) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertAgent = this.db.query(
      'INSERT OR IGNORE INTO agents (agent_id, strategy, generation, parent, born_round) VALUES (?, ?, ?, ?, ?)',
    );
    this.markDead = this.db.query(
      'UPDATE agents SET died_round = ?, death_reason = ?, final_capital = ? WHERE agent_id = ?',
    );
    this.trim = this.db.query('DELETE FROM journal WHERE sequence <= (SELECT MAX(sequence) FROM journal) - ?');
  }

  /** The id of this database's sequence space. */
  get epoch(): string {
    return this.current;
  }

  /** Begin a new sequence space: write a fresh epoch into `meta` and return it. */
  newEpoch(): string {
    const epoch = freshEpoch();
    this.db.query("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)").run(epoch);
    this.current = epoch;
    return epoch;
  }

  /**
   * The story in the journal cannot be continued: in one transaction, a new epoch, an empty journal (its events belong
   * to the old epoch) and `state` as the checkpoint at sequence 0. Rounds and agent records stay.
   */
  restartEpoch(state: unknown): string {
    const previous = this.current;
    try {
      return this.db.transaction(() => {
        const epoch = this.newEpoch();
        this.db.exec('DELETE FROM journal');
        this.saveCheckpoint.run(0, Date.now(), JSON.stringify(state));
        return epoch;
      })();
    } catch (error) {
      this.current = previous;
      throw error;
    }
  }

  /** The newest journaled sequence (0 for a new database). */
  head(): number {
    return (this.db.query('SELECT COALESCE(MAX(sequence), 0) AS s FROM journal').get() as { s: number }).s;
  }

  /** The oldest journaled sequence (0 when the journal is empty). */
  oldest(): number {
    return (this.db.query('SELECT COALESCE(MIN(sequence), 0) AS s FROM journal').get() as { s: number }).s;
  }

  /** The last checkpoint, if any. */
  checkpoint(): { sequence: number; savedAt: number; state: unknown } | null {
    const row = this.db.query('SELECT sequence, saved_at, state FROM checkpoint WHERE id = 1').get() as {
      sequence: number;
      saved_at: number;
      state: string;
    } | null;
    return row === null ? null : { sequence: row.sequence, savedAt: row.saved_at, state: JSON.parse(row.state) };
  }

  /**
   * Commit one batch atomically: its events, the round it ended (with births and deaths), and optionally a checkpoint of
   * the model as of the batch's last sequence, so a restart never re-runs a committed round. Throws (having committed
   * nothing) when it cannot; the same batch may be committed again later.
   */
  commit(batch: Batch): void {
    try {
      this.db.transaction(() => {
        for (const e of batch.events)
          this.insertEvent.run(
            e.sequence,
            e.family,
            e.key,
            e.json,
            e.created_at,
            e.retired && e.retired.length > 0 ? JSON.stringify(e.retired) : null,
          );
        for (const a of batch.roster ?? []) this.insertAgent.run(a.agent_id, a.strategy, a.generation, a.parent, 0);
        for (const r of batch.rounds ?? []) {
          // Model times may be fractional (micro-steps, a schedule moved by the monotonic clock); like the wire's
          // timestamp, the record keeps the millisecond.
          this.insertRound.run(
            r.round,
            Math.floor(r.endedAt),
            r.winner,
            r.sequence,
            JSON.stringify(r.result),
            JSON.stringify(summarizeRound(r.result)),
          );
          for (const d of r.deaths) this.markDead.run(r.round, d.reason, d.capital, d.agent_id);
          for (const b of r.births) this.insertAgent.run(b.agent_id, b.strategy, b.generation, b.parent, r.round);
        }
        if (batch.checkpoint)
          this.saveCheckpoint.run(batch.checkpoint.sequence, Date.now(), JSON.stringify(batch.checkpoint.state));
        if (batch.trimTo !== undefined) this.trim.run(batch.trimTo);
      })();
    } finally {
      // A failed COMMIT (e.g. SQLITE_BUSY) can leave the transaction open; the batch must be all or nothing.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
  }

  /** The newest `limit` journaled events, oldest first (to refill the resume history after a restart). */
  tail(limit: number): PublishedEvent[] {
    const rows = this.db
      .query('SELECT sequence, family, key, json, created_at, retired FROM journal ORDER BY sequence DESC LIMIT ?')
      .all(limit) as {
      sequence: number;
      family: 'market' | 'agent' | 'arena';
      key: string | null;
      json: string;
      created_at: number;
      retired: string | null;
    }[];
    return rows.reverse().map((r) => ({
      sequence: r.sequence,
      family: r.family,
      key: r.key,
      json: r.json,
      created_at: r.created_at,
      ...(r.retired ? { retired: JSON.parse(r.retired) as string[] } : {}),
    }));
  }

  /** Up to `limit` journaled events after `sequence`, oldest first. */
  journalAfter(sequence: number, limit: number): JournalRow[] {
    return this.db
      .query('SELECT sequence, family, key, json FROM journal WHERE sequence > ? ORDER BY sequence LIMIT ?')
      .all(sequence, limit) as JournalRow[];
  }

  /** Keep only the newest `keep` journal rows. */
  trimJournal(keep: number): void {
    this.trim.run(keep);
  }

  /** Read-only questions on this connection (a :memory: database has no other). */
  queries(): StoreQueries {
    this.reads ??= new StoreQueries(this.db);
    return this.reads;
  }

  /** `PRAGMA integrity_check` result ("ok" when healthy). */
  integrity(): string {
    return (this.db.query('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
  }

  /** Close the database, then release the one-writer lock. */
  close(): void {
    try {
      this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
