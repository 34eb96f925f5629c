// The simulation's persistence: the event journal, model checkpoints, arena rounds, births and deaths. Single writer.
import type { Database, Statement } from 'bun:sqlite';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { freshEpoch, openDatabase } from './database.ts';

export interface RoundRecord {
  round: number;
  ended_at: number;
  winner: string;
  sequence: number;
  result: unknown;
}

export interface AgentRecord {
  agent_id: string;
  strategy: string;
  generation: number;
  parent: string | null;
  born_round: number;
  died_round: number | null;
  death_reason: string | null;
  final_capital: number | null;
}

export interface RoundWrite {
  round: number;
  endedAt: number;
  winner: string;
  sequence: number;
  result: unknown;
  births: { agent_id: string; parent: string; generation: number; strategy: string }[];
  deaths: { agent_id: string; reason: string; capital: number }[];
}

export class Store {
  /** The id of this database's sequence space (changes only with `newEpoch`). */
  epoch: string;
  readonly created: boolean;
  private readonly db: Database;
  private readonly insertEvent: Statement;
  private readonly saveCheckpoint: Statement;
  private readonly insertRound: Statement;
  private readonly insertAgent: Statement;
  private readonly markDead: Statement;

  constructor(readonly path: string) {
    const opened = openDatabase(path);
    this.db = opened.db;
    this.epoch = opened.epoch;
    this.created = opened.created;
    this.insertEvent = this.db.query('INSERT INTO journal (sequence, family, key, json, created_at, retired) VALUES (?, ?, ?, ?, ?, ?)');
    this.saveCheckpoint = this.db.query('INSERT OR REPLACE INTO checkpoint (id, sequence, saved_at, state) VALUES (1, ?, ?, ?)');
    this.insertRound = this.db.query('INSERT INTO arena_rounds (round, ended_at, winner, sequence, result) VALUES (?, ?, ?, ?, ?)');
    this.insertAgent = this.db.query('INSERT OR IGNORE INTO agents (agent_id, strategy, generation, parent, born_round) VALUES (?, ?, ?, ?, ?)');
    this.markDead = this.db.query('UPDATE agents SET died_round = ?, death_reason = ?, final_capital = ? WHERE agent_id = ?');
  }

  /** The newest journaled sequence (0 for a new database). */
  head(): number {
    return (this.db.query('SELECT COALESCE(MAX(sequence), 0) AS s FROM journal').get() as { s: number }).s;
  }

  /** The last checkpoint, if any. */
  checkpoint(): { sequence: number; savedAt: number; state: unknown } | null {
    const row = this.db.query('SELECT sequence, saved_at, state FROM checkpoint WHERE id = 1').get() as { sequence: number; saved_at: number; state: string } | null;
    return row === null ? null : { sequence: row.sequence, savedAt: row.saved_at, state: JSON.parse(row.state) };
  }

  /**
   * Commit one batch atomically: its events, the round it ended (with births and deaths), and optionally a checkpoint of
   * the model as of the batch's last sequence, so a restart never re-runs a committed round.
   */
  commit(batch: { events: readonly PublishedEvent[]; rounds?: readonly RoundWrite[]; roster?: readonly { agent_id: string; strategy: string; generation: number; parent: string | null }[]; checkpoint?: { sequence: number; state: unknown } }): void {
    this.db.transaction(() => {
      for (const e of batch.events) this.insertEvent.run(e.sequence, e.family, e.key, e.json, e.created_at, e.retired && e.retired.length > 0 ? JSON.stringify(e.retired) : null);
      for (const a of batch.roster ?? []) this.insertAgent.run(a.agent_id, a.strategy, a.generation, a.parent, 0);
      for (const r of batch.rounds ?? []) {
        this.insertRound.run(r.round, r.endedAt, r.winner, r.sequence, JSON.stringify(r.result));
        for (const d of r.deaths) this.markDead.run(r.round, d.reason, d.capital, d.agent_id);
        for (const b of r.births) this.insertAgent.run(b.agent_id, b.strategy, b.generation, b.parent, r.round);
      }
      if (batch.checkpoint) this.saveCheckpoint.run(batch.checkpoint.sequence, Date.now(), JSON.stringify(batch.checkpoint.state));
    })();
  }

  /** The newest `limit` journaled events, oldest first (to refill the resume history after a restart). */
  tail(limit: number): PublishedEvent[] {
    const rows = this.db
      .query('SELECT sequence, family, key, json, created_at, retired FROM journal ORDER BY sequence DESC LIMIT ?')
      .all(limit) as { sequence: number; family: 'market' | 'agent' | 'arena'; key: string | null; json: string; created_at: number; retired: string | null }[];
    return rows.reverse().map((r) => ({
      sequence: r.sequence,
      family: r.family,
      key: r.key,
      json: r.json,
      created_at: r.created_at,
      ...(r.retired ? { retired: JSON.parse(r.retired) as string[] } : {}),
    }));
  }

  /** Keep only the newest `keep` journal rows. */
  trimJournal(keep: number): void {
    this.db.query('DELETE FROM journal WHERE sequence <= (SELECT MAX(sequence) FROM journal) - ?').run(keep);
  }

  rounds(limit: number, before?: number): RoundRecord[] {
    const rows = (
      before === undefined
        ? this.db.query('SELECT round, ended_at, winner, sequence, result FROM arena_rounds ORDER BY round DESC LIMIT ?').all(limit)
        : this.db.query('SELECT round, ended_at, winner, sequence, result FROM arena_rounds WHERE round < ? ORDER BY round DESC LIMIT ?').all(before, limit)
    ) as (Omit<RoundRecord, 'result'> & { result: string })[];
    return rows.map((r) => ({ ...r, result: JSON.parse(r.result) }));
  }

  roundCount(): number {
    return (this.db.query('SELECT COUNT(*) AS n FROM arena_rounds').get() as { n: number }).n;
  }

  agent(id: string): AgentRecord | null {
    return this.db.query('SELECT * FROM agents WHERE agent_id = ?').get(id) as AgentRecord | null;
  }

  /**
   * Give this database a fresh epoch and return it: its sequences stay, but they are declared a new sequence space
   * (the history published from it turned out to be ahead of it, so it is an older copy of a database).
   */
  newEpoch(): string {
    const epoch = freshEpoch();
    this.db.query("UPDATE meta SET value = ? WHERE key = 'epoch'").run(epoch);
    this.epoch = epoch;
    return epoch;
  }

  /** `PRAGMA integrity_check` result ("ok" when healthy). */
  integrity(): string {
    return (this.db.query('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
  }

  close(): void {
    this.db.close();
  }
}
