// A rounds page is bounded whatever the population: rankings capped to the top 10, births and deaths to 50, with counts.
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { LIST_SUMMARY, MAX_ROUNDS_PAGE, RANKING_SUMMARY, summarizeRound } from '../../src/protocol/round-summary.ts';

const list = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ agent_id: `${tag}${i}` }));

describe('summarizeRound', () => {
  test('the agreed caps', () => {
    expect([RANKING_SUMMARY, LIST_SUMMARY, MAX_ROUNDS_PAGE]).toEqual([10, 50, 100]);
  });

  test('caps the lists, keeps the full counts and the other fields', () => {
    const s = summarizeRound({
      round: 7,
      winner: 'r0',
      ended_at: 5,
      ranking: list(5000, 'r'),
      births: list(60, 'b'),
      deaths: list(3, 'd'),
    });
    expect(s).toMatchObject({
      round: 7,
      winner: 'r0',
      ended_at: 5,
      ranking_size: 5000,
      ranking_truncated: true,
      births_size: 60,
      births_truncated: true,
      deaths_size: 3,
      deaths_truncated: false,
    });
    expect(s.ranking).toEqual(list(10, 'r'));
    expect(s.births).toHaveLength(50);
    expect(s.deaths).toHaveLength(3);
    expect(summarizeRound(s)).toEqual(s);
  });

  test('bad input gives empty lists, never a throw', () => {
    expect(summarizeRound(null)).toMatchObject({ ranking: [], ranking_size: 0, ranking_truncated: false });
    expect(summarizeRound({ ranking: 'x', births_size: -1 })).toMatchObject({ ranking: [], births_size: 0 });
    fc.assert(fc.property(fc.anything(), (x) => void summarizeRound(x)));
  });

  test('property: bounded in size', () => {
    fc.assert(
      fc.property(fc.nat(400), fc.nat(400), (r, b) => {
        const s = summarizeRound({ ranking: list(r, 'r'), births: list(b, 'b'), deaths: [] });
        expect(s.ranking.length).toBe(Math.min(r, 10));
        expect(s.births.length).toBe(Math.min(b, 50));
        expect(s.ranking_size).toBe(r);
      }),
    );
  });
});
