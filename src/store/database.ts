// Opens the SQLite database: takes the one-writer lock, checks it is ours and not newer, applies migrations, makes
// commits durable, refuses to run without persistence. Also opens the read-only connection of the reader.
import { Database } from 'bun:sqlite';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeError } from '../lib/describe-error.ts';
import { type FileLock, tryLock } from './file-lock.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

/** How long SQLite itself waits for another process's lock while opening (migrations). */
const OPEN_BUSY_TIMEOUT_MS = 5000;

/** A database the server must not use; the message is one line for the operator. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: 'not_lineage' | 'newer_schema' | 'unwritable' | 'corrupt' | 'in_use',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OpenedDatabase {
  db: Database;
  /** The id of this database's sequence space. */
  epoch: string;
  created: boolean;
  /** The one-writer lock on `<path>.lock` (null for :memory:); released by closing. */
  lock: FileLock | null;
}

const APP = 'lineage';

/** A new id for a sequence space. */
export function freshEpoch(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 12);
}

export function openDatabase(path: string): OpenedDatabase {
  const memory = path === ':memory:';
  if (!memory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (cause) {
      throw new StoreError('unwritable', `cannot create the directory of ${path}: ${message(cause)}`, { cause });
    }
  }
  if (!memory) assertWritable(path);
  // The lock comes first: a second Lineage process must not even read the schema of a database that is being written.
  const lock = memory ? null : lockFor(path);
  let db: Database;
  try {
    db = new Database(path, { create: true, strict: true });
  } catch (cause) {
    lock?.release();
    throw new StoreError('unwritable', `cannot open ${path}: ${message(cause)}`, { cause });
  }
  try {
    return { ...prepare(db, path), lock };
  } catch (error) {
    db.close();
    lock?.release();
    throw error;
  }
}

/** One writer per database, enforced by the OS: an flock on `<path>.lock`, released when the process dies. */
function lockFor(path: string): FileLock {
  let attempt: ReturnType<typeof tryLock>;
  try {
    attempt = tryLock(`${path}.lock`);
  } catch (cause) {
    throw new StoreError('unwritable', `cannot write ${path}.lock: ${message(cause)}`, { cause });
  }
  if (!attempt.ok)
    throw new StoreError(
      'in_use',
      `${path} is in use by another Lineage process (pid ${attempt.holderPid ?? 'unknown'})`,
    );
  return attempt.lock;
}

/**
 * A read-only connection to a database a writer (this process's sim worker) has opened: WAL lets it read the last
 * commit while the writer goes on, so queries never wait for the simulation nor make it wait.
 */
export function openReadOnly(path: string): Database {
  const db = new Database(path, { readonly: true, strict: true });
  db.exec('PRAGMA busy_timeout = 1000');
  db.exec('PRAGMA query_only = ON');
  return db;
}

function prepare(db: Database, path: string): Omit<OpenedDatabase, 'lock'> {
  let version: number;
  let tables: string[];
  try {
    version = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
    tables = (db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
  } catch (cause) {
    if (/not a database|malformed|encrypted/i.test(message(cause))) {
      throw new StoreError(
        'not_lineage',
        `${path} is not a Lineage database (not readable as SQLite: ${message(cause)}); refusing to touch it`,
        { cause },
      );
    }
    throw new StoreError('unwritable', `cannot open ${path}: ${message(cause)}`, { cause });
  }
  if (tables.length > 0) {
    const app = tables.includes('meta')
      ? (db.query("SELECT value FROM meta WHERE key = 'app'").get() as { value: string } | null)?.value
      : undefined;
    if (app !== APP)
      throw new StoreError(
        'not_lineage',
        `${path} is a SQLite database of something else (no Lineage metadata); refusing to touch it`,
      );
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'newer_schema',
      `${path} has schema version ${version}, newer than this build knows (${SCHEMA_VERSION}); upgrade Lineage or use another --db`,
    );
  }
  try {
    db.exec('PRAGMA journal_mode = WAL');
    // FULL: every commit syncs the WAL before it returns, so "committed before any client sees it" survives a power
    // loss (NORMAL only syncs at WAL checkpoints).
    db.exec('PRAGMA synchronous = FULL');
    db.exec(`PRAGMA busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    const created = tables.length === 0;
    // Nothing to write for a current database: opening it must not wait for another process's write lock.
    if (created || version < SCHEMA_VERSION)
      db.transaction(() => {
        for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
        if (created) {
          const insert = db.query('INSERT INTO meta (key, value) VALUES (?, ?)');
          insert.run('app', APP);
          insert.run('epoch', freshEpoch());
          insert.run('created_at', new Date().toISOString());
        }
      })();
    const epoch = (db.query("SELECT value FROM meta WHERE key = 'epoch'").get() as { value: string }).value;
    return { db, epoch, created };
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    const text = message(cause);
    const code = /readonly|read-only|disk|full|permission|access/i.test(text) ? 'unwritable' : 'corrupt';
    throw new StoreError(code, `cannot write ${path}: ${text}`, { cause });
  }
}

/** A read-only file system or a file we may not write is named as such, before SQLite says "unable to open". */
function assertWritable(path: string): void {
  const target = existsSync(path) ? path : dirname(path);
  try {
    accessSync(target, constants.W_OK | constants.R_OK);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const why =
      code === 'EROFS'
        ? 'read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : message(cause);
    throw new StoreError(
      'unwritable',
      `cannot write ${path}: ${why}; refusing to run without persistence (use --db :memory: for a throwaway run)`,
      { cause },
    );
  }
}

function message(error: unknown): string {
  return describeError(error);
}
