// Gap and repeat detection: per-client trackers checked against the reference index of published sequences.
import { describe, expect, test } from 'bun:test';
import { assess } from '../../bench/stats/loss.ts';
import { coveringTopics, SequenceIndex } from '../../bench/stats/sequence-index.ts';
import { type ClientRecord, SequenceTracker } from '../../bench/stats/sequence-tracker.ts';

/** market A, market B, agent X, market A, arena, market B, … from sequence start+1. */
function published(start: number, events: Array<[string, string | null]>): SequenceIndex {
  const index = new SequenceIndex();
  index.begin(start);
  for (const [i, [family, key]] of events.entries()) index.add(start + 1 + i, family, key);
  return index;
}

function record(topics: string[], start: number, seqs: number[], live = true, checked = true): ClientRecord {
  const t = new SequenceTracker();
  t.begin(start);
  for (const s of seqs) t.event(s);
  return t.record(topics, live, checked);
}

const STREAM: Array<[string, string | null]> = [
  ['market', 'A'], // 11
  ['market', 'B'], // 12
  ['agent', 'X'], // 13
  ['market', 'A'], // 14
  ['arena', null], // 15
  ['market', 'B'], // 16
];

describe('SequenceTracker', () => {
  test('counts increasing arrivals, flags repeats and reordering, keeps the first welcome', () => {
    const t = new SequenceTracker();
    t.begin(10);
    t.begin(99); // a later welcome (resume) does not move the window
    expect([t.event(11), t.event(12), t.event(12), t.event(11), t.event(14)]).toEqual([true, true, false, false, true]);
    expect(t.start).toBe(10);
    expect(t.last).toBe(14);
    expect(t.received).toBe(3);
    expect(t.duplicates).toBe(2);
    expect(t.sum).toBe(11 + 12 + 14);
  });
});

describe('SequenceIndex', () => {
  test('counts events per topic in (from, to], narrow topics covered by their family once', () => {
    const index = published(10, STREAM);
    expect(index.expected(['market'], 10, 16)).toEqual({ count: 4, sum: 11 + 12 + 14 + 16 });
    expect(index.expected(['market.A'], 10, 16)).toEqual({ count: 2, sum: 25 });
    expect(index.expected(['market', 'market.A'], 10, 16).count).toBe(4);
    expect(index.expected(['market.A', 'market.B'], 11, 15).count).toBe(2);
    expect(index.expected(['agent', 'arena'], 10, 16).count).toBe(2);
    expect(index.expected(['market'], 16, 10).count).toBe(0);
    expect(coveringTopics(['market.A', 'market', 'agent.X'])).toEqual(['market', 'agent.X']);
  });

  test('lastOn: the newest owed sequence at or before a point', () => {
    const index = published(10, STREAM);
    expect(index.lastOn(['market.A'], 16, 10)).toBe(14);
    expect(index.lastOn(['market'], 15, 10)).toBe(14);
    expect(index.lastOn(['agent'], 12, 10)).toBe(10);
  });

  test('the reference counts its own holes as gaps and ignores repeats', () => {
    const index = new SequenceIndex();
    index.begin(0);
    index.add(1, 'market', 'A');
    index.add(1, 'market', 'A');
    index.add(4, 'market', 'A');
    expect(index.gaps).toBe(2);
    expect(index.last).toBe(4);
  });
});

describe('assess', () => {
  const index = published(10, STREAM);

  test('a complete market client: nothing lost', () => {
    const t = assess([record(['market'], 10, [11, 12, 14, 16])], index, 16);
    expect(t).toMatchObject({ windows: 1, checked: 1, lost: 0, duplicated: 0, unexpected: 0 });
  });

  test('a hole in the middle is a loss, even though the global sequence has legitimate gaps', () => {
    expect(assess([record(['market'], 10, [11, 14, 16])], index, 16).lost).toBe(1);
    // Sequences 13 and 15 (agent, arena) are not owed to a market-only client.
    expect(assess([record(['market'], 10, [11, 12, 14, 16])], index, 16).lost).toBe(0);
  });

  test('a live client that stopped early lost the tail; a closed one is owed only up to its last event', () => {
    expect(assess([record(['market'], 10, [11, 12])], index, 16).lost).toBe(2);
    expect(assess([record(['market'], 10, [11, 12], false)], index, 16).lost).toBe(0);
  });

  test('repeats are counted, and a swapped event (same count, other set) is caught', () => {
    expect(assess([record(['market'], 10, [11, 12, 12, 14, 16])], index, 16).duplicated).toBe(1);
    const swapped = assess([record(['market'], 10, [11, 13, 14, 16])], index, 16);
    expect(swapped.lost).toBe(1);
    expect(swapped.unexpected).toBe(1);
  });

  test('extra events, unchecked and unassessable windows', () => {
    expect(assess([record(['market.A'], 10, [11, 12, 14])], index, 16).unexpected).toBe(1);
    expect(assess([record(['market'], 10, [11], true, false)], index, 16)).toMatchObject({ checked: 0, lost: 0 });
    const never = new SequenceTracker().record(['market'], true, true);
    expect(assess([never], index, 16).unassessable).toBe(1);
    expect(assess([record(['market'], 5, [11, 12, 14, 16])], index, 16).unassessable).toBe(1);
  });

  test("the reference's own gaps are reported as lost", () => {
    const holey = new SequenceIndex();
    holey.begin(0);
    holey.add(1, 'market', 'A');
    holey.add(3, 'market', 'A');
    expect(assess([], holey, 3).lost).toBe(1);
  });
});

describe("assess, clients of the realistic load (each its own narrow topics, the books' streams on)", () => {
  // Tickers of A and B, A's book and trades, B's book, candles, an agent, a filler symbol's book and trades.
  const market: Array<[string, string | null]> = [
    ['market', 'A'], // 11
    ['market', 'B'], // 12
    ['book', 'A'], // 13
    ['trades', 'A'], // 14
    ['book', 'B'], // 15
    ['candles', 'A'], // 16
    ['agent', 'X'], // 17
    ['book', 'XF'], // 18
    ['trades', 'XF'], // 19
    ['trades', 'A'], // 20
    ['market', 'A'], // 21
  ];
  const index = published(10, market);
  const tickers = ['market.A', 'market.B'];
  const withBook = [...tickers, 'book.A', 'trades.A'];

  test('a client with book and trades is owed exactly those, and one without only its tickers', () => {
    expect(index.expected(withBook, 10, 21)).toEqual({ count: 6, sum: 11 + 12 + 13 + 14 + 20 + 21 });
    const t = assess([record(withBook, 10, [11, 12, 13, 14, 20, 21]), record(tickers, 10, [11, 12, 21])], index, 21);
    expect(t).toMatchObject({ windows: 2, checked: 2, lost: 0, duplicated: 0, unexpected: 0 });
  });

  test("a missing trade is a loss; another book's delta is unexpected", () => {
    expect(assess([record(withBook, 10, [11, 12, 13, 21])], index, 21).lost).toBe(2);
    expect(assess([record(tickers, 10, [11, 12, 15, 21])], index, 21).unexpected).toBe(1);
  });
});
