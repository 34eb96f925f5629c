// The one summariser of arena rounds for REST answers.
import { describe, expect, test } from 'bun:test';
import { LIST_SUMMARY, MAX_ROUNDS_PAGE, RANKING_SUMMARY, summarizeRound } from '../../src/protocol/round-summary.ts';

const round = (agents: number, dead: number) => ({
  round: 7,
  ended_at: 1234,
  winner: 'A-1',
  ranking: Array.from({ length: agents }, (_, i) => ({ rank: i + 1, agent_id: `A-${i + 1}`, capital: 1e5 - i, strategy: 'Momentum', generation: 1 })),
  births: Array.from({ length: dead }, (_, i) => ({ agent_id: `B-${i}`, parent: 'A-1', generation: 2, strategy: 'Momentum' })),
  deaths: Array.from({ length: dead }, (_, i) => ({ agent_id: `A-${agents - i}`, reason: 'culled', capital: 1 })),
});

describe('summarizeRound', () => {
  test('5,000 agents: the top 10 of the ranking and the first 50 births and deaths, with their sizes', () => {
    const full = round(5000, 1000);
    const s = summarizeRound(full);
    expect(s.ranking).toEqual(full.ranking.slice(0, RANKING_SUMMARY));
    expect(s).toMatchObject({ round: 7, ended_at: 1234, winner: 'A-1', ranking_size: 5000, ranking_truncated: true, births_size: 1000, deaths_size: 1000 });
    expect(s.births).toEqual(full.births.slice(0, LIST_SUMMARY));
    expect(s.deaths).toEqual(full.deaths.slice(0, LIST_SUMMARY));
    expect(JSON.stringify(s).length).toBeLessThan(12_000);
    expect(JSON.stringify(full).length).toBeGreaterThan(400_000);
  });

  test('a small round is unchanged but for the sizes', () => {
    const full = round(5, 1);
    expect(summarizeRound(full)).toEqual({ ...full, ranking_size: 5, ranking_truncated: false, births_size: 1, deaths_size: 1 });
  });

  test('the agreed limits', () => {
    expect([RANKING_SUMMARY, LIST_SUMMARY, MAX_ROUNDS_PAGE]).toEqual([10, 50, 100]);
  });
});
