// kill -9 at random moments during arena rounds, restarting from the same database each time.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ARGS = [
  '--market-interval-ms',
  '20',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '40',
  '--arena-round-ms',
  '250',
  '--checkpoint-ms',
  '500',
  '--seed',
  '21',
  '--agents',
  '6',
];
export const KILLS = Number(process.env.LINEAGE_KILLS ?? 5);

describe('kill -9 during arena rounds', () => {
  test(`${KILLS} SIGKILLs at random moments: no committed round lost, sequence continues, database intact`, async () => {
    const db = join(dir, 'lineage.db');
    let committed: any[] = [];
    let sequence = 0;
    let random = 12345;
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < KILLS; k++) {
      const server = await startServer([...ARGS, '--db', db]);
      try {
        const health = (await (await fetch(`${server.http}/health`)).json()) as any;
        expect(health.sequence).toBeGreaterThanOrEqual(sequence);
        const rounds = ((await (await fetch(`${server.http}/api/arena/rounds?limit=100`)).json()) as any)
          .rounds as any[];
        // Every round committed before the previous kill is still there, unchanged.
        for (const r of committed) expect(rounds.find((x) => x.round === r.round)).toEqual(r);
        await Bun.sleep(300 + Math.floor(next() * 900));
        committed = ((await (await fetch(`${server.http}/api/arena/rounds?limit=100`)).json()) as any).rounds;
        sequence = ((await (await fetch(`${server.http}/health`)).json()) as any).sequence;
      } finally {
        await server.stop('SIGKILL');
      }
    }
    expect(committed.length).toBeGreaterThan(KILLS);
    const check = new Database(db, { readonly: true });
    expect((check.query('PRAGMA integrity_check').get() as any).integrity_check).toBe('ok');
    const rounds = (check.query('SELECT round FROM arena_rounds ORDER BY round').all() as { round: number }[]).map(
      (r) => r.round,
    );
    expect(rounds).toEqual(Array.from({ length: rounds.length }, (_, i) => i + 1));
    const seqs = (check.query('SELECT sequence FROM journal ORDER BY sequence').all() as { sequence: number }[]).map(
      (r) => r.sequence,
    );
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] as number) + 1);
    expect(seqs.at(-1)).toBeGreaterThanOrEqual(sequence);
    check.close();
  }, 120_000);
});
