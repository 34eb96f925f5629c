// A separate process (plain bun:sqlite, not Lineage) holding a database's write lock: what another writer sees.
import { waitUntil } from './clients.ts';

/** A separate process (plain bun:sqlite, not Lineage) that holds BEGIN IMMEDIATE on `db` for `ms`. */
export function holdWriteLock(db: string, ms: number) {
  const script = `const { Database } = require('bun:sqlite'); const db = new Database(${JSON.stringify(db)}); db.exec('PRAGMA busy_timeout = 5000'); db.exec('BEGIN IMMEDIATE'); console.log('locked'); await Bun.sleep(${ms}); db.exec('ROLLBACK'); console.log('released');`;
  const proc = Bun.spawn(['bun', '-e', script], { stdout: 'pipe', stderr: 'inherit' });
  let out = '';
  void (async () => {
    for await (const chunk of proc.stdout) out += new TextDecoder().decode(chunk);
  })();
  return { proc, locked: () => waitUntil(() => out.includes('locked'), 10_000, 'the lock'), output: () => out };
}
