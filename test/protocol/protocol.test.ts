// The wire protocol module: client frame parsing, topics, and the encoders' output against the schemas.
import { describe, expect, test } from 'bun:test';
import {
  AgentEvent,
  encodeAgentEvent,
  encodeMarketEvent,
  isoTimestamp,
  MarketEvent,
  markSnapshot,
  parseClientFrame,
  parseTopic,
  splitTopicList,
} from '../../src/protocol/index.ts';

describe('parseClientFrame', () => {
  test('accepts every op', () => {
    expect(parseClientFrame('{"op":"subscribe","topics":["market"]}')).toEqual({
      ok: true,
      message: { op: 'subscribe', topics: ['market'] },
    });
    expect(parseClientFrame('{"op":"unsubscribe","topics":["agent.Balanced"]}').ok).toBe(true);
    expect(parseClientFrame('{"op":"resume","since":12,"epoch":"ab12"}')).toEqual({
      ok: true,
      message: { op: 'resume', since: 12, epoch: 'ab12' },
    });
    expect(parseClientFrame('{"op":"ping","id":7}').ok).toBe(true);
  });

  test.each([
    ['{', 'invalid_json'],
    ['[]', 'invalid_message'],
    ['"hi"', 'invalid_message'],
    ['null', 'invalid_message'],
    ['{"topics":[]}', 'unknown_op'],
    ['{"op":"explode"}', 'unknown_op'],
    ['{"op":"subscribe"}', 'invalid_message'],
    ['{"op":"subscribe","topics":[]}', 'invalid_message'],
    ['{"op":"subscribe","topics":[1]}', 'invalid_message'],
    ['{"op":"subscribe","topics":["a"],"extra":1}', 'invalid_message'],
    ['{"op":"resume","since":"5"}', 'invalid_since'],
    ['{"op":"resume","since":1.5}', 'invalid_since'],
    ['{"op":"resume"}', 'invalid_since'],
  ])('%s → %s', (text, code) => {
    const r = parseClientFrame(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code as never);
      expect(r.message.length).toBeGreaterThan(5);
    }
  });
});

describe('topics', () => {
  test('parse families and narrow topics', () => {
    expect(parseTopic('market')).toEqual({ family: 'market', key: null });
    expect(parseTopic('market.BTC-USD')).toEqual({ family: 'market', key: 'BTC-USD' });
    expect(parseTopic('agent.Momentum-g2-17')).toEqual({ family: 'agent', key: 'Momentum-g2-17' });
    expect(parseTopic('arena')).toEqual({ family: 'arena', key: null });
    for (const bad of ['', 'arena.x', 'markets', 'market.', 'market.a.b', 'agent.has space', null, 5, 'x'.repeat(100)])
      expect(parseTopic(bad)).toBeNull();
  });
  test('split topic lists', () => {
    expect(splitTopicList(' market.BTC-USD, ,arena ')).toEqual(['market.BTC-USD', 'arena']);
  });
});

describe('encoders', () => {
  test("market and agent frames keep the seed's shape and field order", () => {
    const ts = isoTimestamp(Date.UTC(2026, 1, 3, 14, 30, 45, 123));
    expect(ts).toBe('2026-02-03T14:30:45.123Z');
    const m = encodeMarketEvent({ symbol: 'BTC-USD', price: 45150.32, timestamp: ts, change_percent: 0.45 }, 1);
    expect(m).toBe(
      '{"event_type":"market","market":{"symbol":"BTC-USD","price":45150.32,"timestamp":"2026-02-03T14:30:45.123Z","change_percent":0.45},"sequence":1}',
    );
    expect(MarketEvent.safeParse(JSON.parse(m)).success).toBe(true);
    const a = encodeAgentEvent(
      { agent_id: 'Balanced', capital: 115000.5, trades_executed: 28, win_rate: 0.62, status: 'active', timestamp: ts },
      2,
    );
    expect(Object.keys(JSON.parse(a).agent)).toEqual([
      'agent_id',
      'capital',
      'trades_executed',
      'win_rate',
      'status',
      'timestamp',
    ]);
    expect(AgentEvent.safeParse(JSON.parse(a)).success).toBe(true);
    expect(JSON.parse(markSnapshot(a))).toMatchObject({ snapshot: true, sequence: 2 });
  });
});
