// The gateway's decisions: deliver, skip, gap, a new epoch, a writer that continues the history or went backwards.
import { describe, expect, test } from 'bun:test';
import { judgeEntry, judgeMeta, newestRunOf, parseMeta } from '../../src/cluster/feed-rules.ts';
import type { StreamEntry } from '../../src/cluster/stream-codec.ts';

const at = { epoch: 'E1', writer: 'w1', lastSeq: 842 };
const entry = (sequence: number, epoch = 'E1', writer = 'w1', head = 0): StreamEntry => ({
  event: { sequence, family: 'market', key: 'X', json: '{}', created_at: 0 },
  epoch,
  writer,
  head,
});

describe('feed rules', () => {
  test('entries of the history we follow', () => {
    expect(judgeEntry(at, entry(843))).toEqual({ kind: 'deliver', gap: false });
    expect(judgeEntry(at, entry(850))).toEqual({ kind: 'deliver', gap: true });
    expect(judgeEntry(at, entry(842))).toEqual({ kind: 'skip' });
    expect(judgeEntry({ ...at, lastSeq: 0 }, entry(500))).toEqual({ kind: 'deliver', gap: false });
  });

  test('another epoch, even with higher sequences, is never a continuation', () => {
    expect(judgeEntry(at, entry(843, 'E2'))).toEqual({ kind: 'epoch_changed' });
    expect(judgeEntry(at, entry(5000, 'E2', 'w1', 9999))).toEqual({ kind: 'epoch_changed' });
  });

  test('a new writer continues the history only if it started at or after what was delivered', () => {
    expect(judgeEntry(at, entry(843, 'E1', 'w2', 842))).toEqual({ kind: 'new_writer' });
    expect(judgeEntry(at, entry(843, 'E1', 'w2', 900))).toEqual({ kind: 'new_writer' });
    expect(judgeEntry(at, entry(843, 'E1', 'w2', 417))).toEqual({ kind: 'backwards' });
  });

  test('the meta hash', () => {
    const meta = (m: Record<string, string>) => parseMeta(m);
    expect(parseMeta({ epoch: 'E1', writer: 'w1', head: '12', symbols: '["A"]' })).toEqual({
      epoch: 'E1',
      writer: 'w1',
      head: 12,
      symbols: ['A'],
    });
    expect(parseMeta({ symbols: '["A"]', families: '["market","arena","nope",3]' })).toMatchObject({
      symbols: ['A'],
      families: ['market', 'arena'],
    });
    expect(parseMeta({ symbols: '{bad', families: '{bad' })).toEqual({
      epoch: null,
      writer: null,
      head: null,
      symbols: [],
    });
    expect(parseMeta(null)).toEqual({ epoch: null, writer: null, head: null, symbols: [] });
    expect(judgeMeta(at, meta({}))).toBe('absent');
    expect(judgeMeta(at, meta({ epoch: 'E2' }))).toBe('epoch_changed');
    expect(judgeMeta(at, meta({ epoch: 'E1', writer: 'w1', head: '1' }))).toBe('same');
    expect(judgeMeta(at, meta({ epoch: 'E1', writer: 'w2', head: '900' }))).toBe('new_writer');
    expect(judgeMeta(at, meta({ epoch: 'E1', writer: 'w2', head: '417' }))).toBe('backwards');
  });

  test('preload takes the newest run of one epoch', () => {
    const e = (epoch: string) => ({ epoch });
    expect(newestRunOf([e('A'), e('B'), e('B')], 'B')).toHaveLength(2);
    expect(newestRunOf([e('B'), e('A')], 'B')).toHaveLength(0);
    expect(newestRunOf([], 'B')).toHaveLength(0);
  });
});
