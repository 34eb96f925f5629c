// How events are stored in the Redis stream: roundtrip with the origin (epoch, writer, head); malformed input → null.
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import {
  decodeEntries,
  decodeEntry,
  decodeLatest,
  decodeLatestHash,
  encodeFields,
  latestField,
  sequenceOf,
  streamId,
} from '../../src/cluster/stream-codec.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';

const origin = { epoch: 'e1a2b3c4d5e6', writer: 'w00112233445', head: 41 };
const market: PublishedEvent = {
  sequence: 42,
  family: 'market',
  key: 'BTC-USD',
  json: '{"event_type":"market","sequence":42}',
  created_at: 1700000000123.25,
};
const arena: PublishedEvent = {
  sequence: 43,
  family: 'arena',
  key: null,
  json: '{"event_type":"arena","arena":{"round":1},"sequence":43}',
  created_at: 5,
  retired: ['A', 'B'],
};

describe('stream codec', () => {
  test('roundtrip: event, epoch, writer and head', () => {
    for (const e of [market, arena]) {
      expect(decodeEntry(streamId(e.sequence), encodeFields(e, origin))).toEqual({ event: e, ...origin });
    }
    expect(encodeFields(market, origin)).toContain('e');
    expect(sequenceOf(streamId(77))).toBe(77);
  });

  test('property: any event roundtrips', () => {
    const event = fc.record({
      sequence: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      family: fc.constantFrom<'market' | 'agent'>('market', 'agent'),
      key: fc.string({ minLength: 1, maxLength: 20 }),
      json: fc.string(),
      created_at: fc.double({ noNaN: true, noDefaultInfinity: true }),
    });
    const o = fc.record({ epoch: fc.string({ minLength: 1 }), writer: fc.string({ minLength: 1 }), head: fc.nat() });
    fc.assert(
      fc.property(event, o, (e, og) =>
        expect(decodeEntry(streamId(e.sequence), encodeFields(e, og))).toEqual({
          event: { ...e, created_at: Object.is(e.created_at, -0) ? 0 : e.created_at },
          ...og,
        }),
      ),
    );
  });

  test('malformed entries are null, never a throw', () => {
    const good = encodeFields(market, origin);
    const without = (field: string) => {
      const out: string[] = [];
      for (let i = 0; i < good.length; i += 2)
        if (good[i] !== field) out.push(good[i] as string, good[i + 1] as string);
      return out;
    };
    expect(decodeEntry('42-1', without('e'))).toBeNull();
    expect(decodeEntry('42-1', without('w'))).toBeNull();
    expect(decodeEntry('42-1', without('h'))).toBeNull();
    expect(decodeEntry('42-1', without('j'))).toBeNull();
    expect(decodeEntry('42-1', without('k'))).toBeNull();
    expect(decodeEntry('42-1', [...without('f'), 'f', 'weather'])).toBeNull();
    expect(decodeEntry('42-1', [...without('h'), 'h', '-3'])).toBeNull();
    expect(decodeEntry('0-1', good)).toBeNull();
    expect(decodeEntry('abc', good)).toBeNull();
    expect(decodeEntry(42, good)).toBeNull();
    expect(decodeEntry('42-1', 'nope')).toBeNull();
    expect(decodeEntry('42-1', [1, 2, null, {}])).toBeNull();
    expect(decodeEntry('42-1', [...good, 'r', '{not json'])?.event.retired).toBeUndefined();
    fc.assert(fc.property(fc.anything(), fc.anything(), (id, fields) => void decodeEntry(id, fields)));
  });

  test('a batch skips what does not decode and reports the top id', () => {
    const reply = [['41-1', ['x', 'y']], 'junk', ['42-1', encodeFields(market, origin)], ['45-1', ['f']], [7]];
    const batch = decodeEntries(reply);
    expect(batch.entries.map((e) => e.event.sequence)).toEqual([42]);
    expect(batch.top).toBe(45);
    expect(batch.malformed).toBe(4);
    expect(decodeEntries(null)).toEqual({ entries: [], top: 0, malformed: 0 });
    fc.assert(fc.property(fc.anything(), (x) => void decodeEntries(x)));
  });

  test('the latest hash: market/agent per key, the round under arena', () => {
    expect(latestField(market)).toBe('market.BTC-USD');
    expect(latestField(arena)).toBe('arena');
    expect(decodeLatest('market.BTC-USD', market.json)).toEqual({ ...market, created_at: 0 });
    expect(decodeLatest('arena', arena.json)).toEqual({
      sequence: 43,
      family: 'arena',
      key: null,
      json: arena.json,
      created_at: 0,
    });
    expect(decodeLatest('weather.X', market.json)).toBeNull();
    expect(decodeLatest('market.', market.json)).toBeNull();
    expect(decodeLatest('market.X', '{"sequence":"7"}')).toBeNull();
    expect(decodeLatest(3, market.json)).toBeNull();
    expect(decodeLatestHash({ 'market.BTC-USD': market.json, bad: 'x' }).map((e) => e.sequence)).toEqual([42]);
    expect(decodeLatestHash(['market.BTC-USD', market.json])).toEqual([]);
  });
});
