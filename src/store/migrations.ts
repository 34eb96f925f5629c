// Versioned schema migrations (PRAGMA user_version); a database from a newer schema is refused, never rewritten.

/** Migration i (1-based) brings the schema from version i-1 to i. Append only; never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    saved_at INTEGER NOT NULL,
    state TEXT NOT NULL
  ) STRICT;
  CREATE TABLE journal (
    sequence INTEGER PRIMARY KEY,
    family TEXT NOT NULL,
    key TEXT,
    json TEXT NOT NULL,
    created_at REAL NOT NULL,
    retired TEXT
  ) STRICT;
  CREATE TABLE arena_rounds (
    round INTEGER PRIMARY KEY,
    ended_at INTEGER NOT NULL,
    winner TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    result TEXT NOT NULL
  ) STRICT;
  CREATE TABLE agents (
    agent_id TEXT PRIMARY KEY,
    strategy TEXT NOT NULL,
    generation INTEGER NOT NULL,
    parent TEXT,
    born_round INTEGER NOT NULL,
    died_round INTEGER,
    death_reason TEXT,
    final_capital REAL
  ) STRICT;
  CREATE INDEX agents_parent ON agents(parent);
  `,
  // 2: each round's bounded summary (top of the ranking, first births and deaths), written with the round, so a page
  // of rounds never reads full rankings. Rounds from version 1 have none; readers summarise those on the fly.
  `
  ALTER TABLE arena_rounds ADD COLUMN summary TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
