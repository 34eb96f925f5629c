// The realistic load's clients: which topics each holds, grouped for the connect command, and split over load processes.
import { describe, expect, test } from 'bun:test';
import { splitGroups } from '../../bench/harness/load-fleet.ts';
import { bookHolder, realisticGroups, realisticTopics } from '../../bench/harness/realistic-topics.ts';
import { benchSymbols } from '../../bench/harness/targets.ts';

const symbols = benchSymbols(10);
const mix = { symbols, perClient: 10, bookSharePercent: 20 };

describe('realisticTopics', () => {
  test('book holders: exactly the share of any first n clients, spread evenly, numbered in order', () => {
    const holders = Array.from({ length: 20 }, (_, i) => bookHolder(i, 20));
    expect(holders).toEqual([null, null, null, null, 0, null, null, null, null, 1, ...holders.slice(10)]);
    expect(holders.slice(10).filter((h) => h !== null)).toEqual([2, 3]);
    for (const n of [1, 7, 20, 333, 1000])
      expect(Array.from({ length: n }, (_, i) => bookHolder(i, 20)).filter((h) => h !== null)).toHaveLength(
        Math.floor(n / 5),
      );
    expect(bookHolder(3, 0)).toBeNull();
    expect(bookHolder(3, 100)).toBe(3);
  });

  test("every client holds every workload symbol's ticker; a holder also its first symbol's book and trades", () => {
    expect(realisticTopics(0, mix)).toEqual(symbols.map((s) => `market.${s}`));
    expect(realisticTopics(3, mix)[0]).toBe('market.S03-USD');
    expect(realisticTopics(9, mix)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map((i) => `market.${symbols[i]}`),
      'book.S01-USD',
      'trades.S01-USD',
    ]);
    const narrow = { symbols, perClient: 3, bookSharePercent: 20 };
    expect(realisticTopics(8, narrow)).toEqual(['market.S08-USD', 'market.S09-USD', 'market.S00-USD']);
    expect(() => realisticTopics(0, { ...mix, symbols: [] })).toThrow();
  });

  test('grouped by topic set: the books held go round every symbol, the counts add up', () => {
    const groups = realisticGroups(1000, mix);
    expect(groups.reduce((a, g) => a + g.count, 0)).toBe(1000);
    // One group of ticker-only clients (the same set in any order), one per book.
    expect(groups).toHaveLength(11);
    expect(groups[0]).toEqual({ count: 800, topics: symbols.map((s) => `market.${s}`) });
    const books = groups.slice(1).map((g) => [g.count, g.topics.find((t) => t.startsWith('book.'))]);
    expect(books).toEqual(symbols.map((s) => [20, `book.${s}`]));
  });
});

describe('splitGroups', () => {
  test('every load process gets the same mix; remainders rotate instead of piling up on the first', () => {
    const groups = realisticGroups(20, { ...mix, symbols: benchSymbols(4), perClient: 4 });
    expect(groups.map((g) => g.count)).toEqual([16, 1, 1, 1, 1]);
    const parts = splitGroups(groups, 2);
    expect(parts.map((p) => p.reduce((a, g) => a + g.count, 0))).toEqual([10, 10]);
    expect(parts.map((p) => p.length)).toEqual([3, 3]);
    expect(parts.flat().filter((g) => g.topics.some((t) => t.startsWith('book.')))).toHaveLength(4);
    expect(splitGroups([{ count: 5, topics: ['market'] }], 1)).toEqual([[{ count: 5, topics: ['market'] }]]);
    expect(splitGroups([{ count: 1, topics: ['market'] }], 3)).toEqual([[{ count: 1, topics: ['market'] }], [], []]);
  });
});
