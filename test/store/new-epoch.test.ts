// Store.newEpoch: a database declared a new sequence space keeps its sequences and its new epoch across a reopen.
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-epoch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Store.newEpoch', () => {
  test('writes a fresh epoch to meta, keeps the journal, survives a reopen', () => {
    const path = join(dir, 'a.db');
    const store = new Store(path);
    const first = store.epoch;
    store.commit({ events: [{ sequence: 1, family: 'market', key: 'K', json: '{"sequence":1}', created_at: 1 }] });
    const second = store.newEpoch();
    expect(second).toMatch(/^[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
    expect(store.epoch).toBe(second);
    store.close();
    const reopened = new Store(path);
    expect(reopened.epoch).toBe(second);
    expect(reopened.head()).toBe(1);
    reopened.close();
  });
});
