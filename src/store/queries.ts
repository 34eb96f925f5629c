// Read-only questions about the database (rounds pages, one round's record, agent records), each bounded by its page.
// Runs on the reader's read-only connection, or on the writer's for a :memory: database.
import type { Database, Statement } from 'bun:sqlite';
import type { DbQuery } from '../protocol/reader-messages.ts';
import { type SummarizableRound, summarizeRound } from '../protocol/round-summary.ts';

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

export interface RoundHead {
  round: number;
  ended_at: number;
  winner: string;
  sequence: number;
}

/** Newest first; `more` when older rounds exist beyond the page. */
export interface RoundsPage {
  rounds: (RoundHead & { result: unknown })[];
  more: boolean;
}

/** One round with its ranking paged; births and deaths whole (at most a fifth of the population each). */
export interface RoundRecordPage extends RoundHead {
  result: Record<string, unknown> & { ranking: unknown[]; ranking_size: number; births: unknown[]; deaths: unknown[] };
  page: { offset: number; limit: number; total: number };
}

export interface AgentRecordAnswer {
  record: AgentRecord | null;
  /** parent, grandparent, ... as far as the records know them. */
  ancestry: string[];
}

/** Ancestry walks stop here, whatever the records say. */
const MAX_ANCESTRY = 1000;

export class StoreQueries {
  private readonly page: Statement;
  private readonly head: Statement;
  private readonly ranking: Statement;
  private readonly agentById: Statement;

  constructor(db: Database) {
    // The summary when there is one; only a round from before summaries were stored needs its full result read.
    this.page = db.query(
      'SELECT round, ended_at, winner, sequence, summary, CASE WHEN summary IS NULL THEN result END AS result FROM arena_rounds WHERE round < ? ORDER BY round DESC LIMIT ?',
    );
    // SQLite's JSON functions cut the stored result so a page never builds the whole ranking in JavaScript.
    this.head = db.query(
      `SELECT round, ended_at, winner, sequence, json_array_length(result, '$.ranking') AS ranking_size,
              json_extract(result, '$.births') AS births, json_extract(result, '$.deaths') AS deaths,
              json_remove(result, '$.ranking', '$.births', '$.deaths') AS rest
       FROM arena_rounds WHERE round = ?`,
    );
    this.ranking = db.query(
      "SELECT j.value AS entry FROM arena_rounds r, json_each(r.result, '$.ranking') j WHERE r.round = ? ORDER BY j.key LIMIT ? OFFSET ?",
    );
    this.agentById = db.query(
      'SELECT agent_id, strategy, generation, parent, born_round, died_round, death_reason, final_capital FROM agents WHERE agent_id = ?',
    );
  }

  answer(query: DbQuery): RoundsPage | RoundRecordPage | AgentRecordAnswer | null {
    switch (query.kind) {
      case 'rounds':
        return this.rounds(query.limit, query.before);
      case 'round':
        return this.round(query.round, query.offset, query.limit);
      case 'agent_record':
        return this.agentRecord(query.id);
    }
  }

  rounds(limit: number, before?: number): RoundsPage {
    const rows = this.page.all(before ?? Number.MAX_SAFE_INTEGER, limit + 1) as (RoundHead & {
      summary: string | null;
      result: string | null;
    })[];
    return {
      more: rows.length > limit,
      rounds: rows.slice(0, limit).map((r) => ({
        round: r.round,
        ended_at: r.ended_at,
        winner: r.winner,
        sequence: r.sequence,
        result:
          r.summary !== null
            ? JSON.parse(r.summary)
            : summarizeRound(JSON.parse(r.result ?? '{}') as SummarizableRound),
      })),
    };
  }

  round(round: number, offset: number, limit: number): RoundRecordPage | null {
    const h = this.head.get(round) as
      | (RoundHead & { ranking_size: number | null; births: string | null; deaths: string | null; rest: string })
      | null;
    if (h === null) return null;
    const ranking = (this.ranking.all(round, limit, offset) as { entry: string }[]).map(
      (x) => JSON.parse(x.entry) as unknown,
    );
    const total = h.ranking_size ?? 0;
    return {
      round: h.round,
      ended_at: h.ended_at,
      winner: h.winner,
      sequence: h.sequence,
      result: {
        ...(JSON.parse(h.rest) as Record<string, unknown>),
        ranking,
        ranking_size: total,
        births: JSON.parse(h.births ?? '[]'),
        deaths: JSON.parse(h.deaths ?? '[]'),
      },
      page: { offset, limit, total },
    };
  }

  agent(id: string): AgentRecord | null {
    return this.agentById.get(id) as AgentRecord | null;
  }

  agentRecord(id: string): AgentRecordAnswer {
    const record = this.agent(id);
    const ancestry: string[] = [];
    for (
      let p = record?.parent ?? null;
      p !== null && ancestry.length < MAX_ANCESTRY;
      p = this.agent(p)?.parent ?? null
    )
      ancestry.push(p);
    return { record, ancestry };
  }
}
