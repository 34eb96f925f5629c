// The hub's decisions as plain functions: the resume verdict, topic admission, snapshot choice. No sockets.
import { describe, expect, test } from 'bun:test';
import { EventHistory } from '../../src/hub/history.ts';
import { parseSince, resumeVerdict } from '../../src/hub/resume-verdict.ts';
import { snapshotEvents, uncoveredTopics } from '../../src/hub/snapshot.ts';
import { admitTopics, collapseTopicErrors, MAX_TOPICS_NAMED, releaseTopics } from '../../src/hub/topic-admission.ts';
import { TopicGrants } from '../../src/protocol/credentials.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';

const position = { epoch: 'e1', head: 100, oldest: 51 };

describe('resumeVerdict', () => {
  test('every event after since is replayable: null', () => {
    expect(resumeVerdict(position, 50, 'e1')).toBeNull();
    expect(resumeVerdict(position, 100, null)).toBeNull();
    expect(resumeVerdict(position, 75, null)).toBeNull();
  });

  test('another epoch, a since past the head, one older than the history', () => {
    expect(resumeVerdict(position, 60, 'e0')).toBe('epoch_mismatch');
    expect(resumeVerdict(position, 101, 'e1')).toBe('ahead');
    expect(resumeVerdict(position, 49, 'e1')).toBe('too_old');
  });

  test('the epoch is checked first: a wrong epoch wins over a since that would also fail', () => {
    expect(resumeVerdict(position, 1_000, 'e0')).toBe('epoch_mismatch');
    expect(resumeVerdict(position, 1, 'e0')).toBe('epoch_mismatch');
  });

  test('an empty history (oldest = head + 1) can resume only from the head', () => {
    const empty = { epoch: 'e1', head: 7, oldest: 8 };
    expect(resumeVerdict(empty, 7, null)).toBeNull();
    expect(resumeVerdict(empty, 6, null)).toBe('too_old');
  });

  test('parseSince takes non-negative integers only', () => {
    expect(parseSince('0')).toBe(0);
    expect(parseSince('123')).toBe(123);
    for (const bad of ['', '-1', '1.5', '1e3', 'abc', '9'.repeat(16)]) expect(parseSince(bad)).toBeNull();
  });
});

const known = {
  symbol: (k: string) => ['BTC-USD', 'ETH-USD'].includes(k),
  agent: (k: string) => k === 'Balanced',
  family: (f: string) => f !== 'candles',
};

describe('admitTopics', () => {
  test('known topics are accepted once, already-held ones are skipped', () => {
    const r = admitTopics(
      new Set(['arena']),
      ['market.BTC-USD', 'arena', 'market.BTC-USD', 'agent.Balanced'],
      known,
      10,
    );
    expect(r).toEqual({ accepted: ['market.BTC-USD', 'agent.Balanced'], errors: [] });
  });

  test('bad topics collapse into one error naming them; good ones still go through', () => {
    const r = admitTopics(new Set(), ['nope', 'market.DOGE-USD', 'agent', 'agent.Ghost'], known, 10);
    expect(r.accepted).toEqual(['agent']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      code: 'unknown_topic',
      topic: 'nope',
      topics: ['nope', 'market.DOGE-USD', 'agent.Ghost'],
    });
    expect(r.errors[0]?.message).toBe(
      '3 unknown topics: unknown topic "nope" (topics: market, market.<SYMBOL>, agent, agent.<AGENT_ID>, arena, trades, trades.<SYMBOL>, book.<SYMBOL>, candles, candles.<SYMBOL>); unknown topic "market.DOGE-USD": no symbol "DOGE-USD"; unknown topic "agent.Ghost": no agent "Ghost"',
    );
  });

  test('a family the node does not publish is unknown, keyed or not, and says why', () => {
    const r = admitTopics(new Set(), ['candles', 'candles.BTC-USD', 'market.BTC-USD'], known, 10);
    expect(r.accepted).toEqual(['market.BTC-USD']);
    expect(r.errors).toEqual([
      {
        code: 'unknown_topic',
        message:
          '2 unknown topics: unknown topic "candles": this server does not publish candles (its --market-data leaves it off); unknown topic "candles.BTC-USD": this server does not publish candles (its --market-data leaves it off)',
        topic: 'candles',
        topics: ['candles', 'candles.BTC-USD'],
      },
    ]);
  });

  test('over the limit nothing is added and too_many_topics says how many', () => {
    const r = admitTopics(new Set(['arena', 'agent']), ['market', 'market.BTC-USD'], known, 3);
    expect(r.accepted).toEqual([]);
    expect(r.errors).toEqual([
      {
        code: 'too_many_topics',
        message: 'subscribing to 2 more topic(s) would exceed the limit of 3 per connection',
        topic: 'market,market.BTC-USD',
      },
    ]);
  });

  test('exactly at the limit is allowed; one more is not', () => {
    expect(admitTopics(new Set(['arena']), ['market', 'agent'], known, 3).accepted).toEqual(['market', 'agent']);
    expect(admitTopics(new Set(['arena']), ['market', 'agent', 'market.BTC-USD'], known, 3).errors[0]?.code).toBe(
      'too_many_topics',
    );
  });

  test('a single bad topic keeps its own message and names no list', () => {
    expect(collapseTopicErrors([{ topic: 'x', message: 'm' }])).toEqual({
      code: 'unknown_topic',
      message: 'm',
      topic: 'x',
    });
    expect(collapseTopicErrors([])).toBeNull();
  });

  test('the collapsed error is bounded: 16 names of at most 80 characters, 3 messages quoted', () => {
    const bad = Array.from({ length: 500 }, (_, i) => ({ topic: `t${i}${'x'.repeat(200)}`, message: `bad ${i}` }));
    const e = collapseTopicErrors(bad);
    expect(e?.topics).toHaveLength(MAX_TOPICS_NAMED);
    for (const t of e?.topics ?? []) expect(t.length).toBe(80);
    expect(e?.message).toBe('500 unknown topics: bad 0; bad 1; bad 2; and 497 more');
  });

  test('topics outside the token collapse into one forbidden_topic, checked before existence', () => {
    const grants = new TopicGrants(['market.BTC-USD', 'agent.*']);
    const r = admitTopics(
      new Set(),
      ['market.BTC-USD', 'market.ETH-USD', 'arena', 'agent.Ghost', 'agent', '??'],
      known,
      10,
      grants,
    );
    expect(r.accepted).toEqual(['market.BTC-USD', 'agent']);
    expect(r.errors.map((e) => e.code)).toEqual(['unknown_topic', 'forbidden_topic']);
    expect(r.errors[0]?.topics).toEqual(['agent.Ghost', '??']);
    expect(r.errors[1]).toMatchObject({ topic: 'market.ETH-USD', topics: ['market.ETH-USD', 'arena'] });
    expect(r.errors[1]?.message).toStartWith('2 forbidden topics: topic "market.ETH-USD" is not covered');
    // A forbidden agent is forbidden whether or not it exists: a token cannot probe outside its claims.
    const narrow = new TopicGrants(['market.*']);
    expect(admitTopics(new Set(), ['agent.Ghost'], known, 10, narrow).errors[0]?.code).toBe('forbidden_topic');
    expect(admitTopics(new Set(), ['agent.Balanced'], known, 10, narrow).errors[0]?.code).toBe('forbidden_topic');
  });

  test('releaseTopics keeps the well-formed topics and collapses the rest', () => {
    const r = releaseTopics(['market', '??', 'agent.Gone', '!!']);
    expect(r.valid).toEqual(['market', 'agent.Gone']);
    expect(r.error).toMatchObject({ code: 'unknown_topic', topics: ['??', '!!'] });
  });
});

function ev(sequence: number, family: PublishedEvent['family'], key: string | null): PublishedEvent {
  return { sequence, family, key, json: `{"sequence":${sequence}}`, created_at: 0 };
}

describe('snapshotEvents', () => {
  const h = new EventHistory(100);
  for (const e of [
    ev(1, 'market', 'BTC-USD'),
    ev(2, 'agent', 'Balanced'),
    ev(3, 'market', 'ETH-USD'),
    ev(4, 'arena', null),
    ev(5, 'market', 'BTC-USD'),
  ])
    h.append(e);

  test('the latest per key under each topic, each event once, oldest first', () => {
    expect(snapshotEvents(h, ['market', 'market.BTC-USD']).map((e) => e.sequence)).toEqual([3, 5]);
    expect(snapshotEvents(h, ['arena', 'agent']).map((e) => e.sequence)).toEqual([2, 4]);
    expect(snapshotEvents(h, ['market.ETH-USD', 'nope']).map((e) => e.sequence)).toEqual([3]);
  });

  test('uncoveredTopics: a topic whose family is already held needs no snapshot', () => {
    expect(uncoveredTopics(new Set(['market']), ['market.BTC-USD', 'agent.Balanced', 'arena'])).toEqual([
      'agent.Balanced',
      'arena',
    ]);
    expect(uncoveredTopics(new Set(), ['market', 'market.BTC-USD'])).toEqual(['market', 'market.BTC-USD']);
  });
});
