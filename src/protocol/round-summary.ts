// The bounded form of an arena round for REST answers: the top of the ranking and the first births and deaths, with
// their full sizes. Pure; the sim node (stored at write time) and the gateways (from Redis) summarise the same way.

/** Ranking entries kept in a round summary (the full ranking is paged at /api/arena/rounds/:round). */
export const RANKING_SUMMARY = 10;
/** Births and deaths kept (each) in a round summary. */
export const LIST_SUMMARY = 50;
/** Largest `limit` of one page of rounds. */
export const MAX_ROUNDS_PAGE = 100;

/** What a round's result must have to be summarised (the model's RoundResult, or one read back from JSON). */
export interface SummarizableRound {
  ranking: readonly unknown[];
  births: readonly unknown[];
  deaths: readonly unknown[];
}

export type RoundSummary<R extends SummarizableRound> = Omit<R, 'ranking' | 'births' | 'deaths'> & {
  ranking: R['ranking'][number][];
  ranking_size: number;
  ranking_truncated: boolean;
  births: R['births'][number][];
  births_size: number;
  deaths: R['deaths'][number][];
  deaths_size: number;
};

/** The round with its ranking cut to the top RANKING_SUMMARY and births/deaths to the first LIST_SUMMARY each. */
export function summarizeRound<R extends SummarizableRound>(result: R): RoundSummary<R> {
  const { ranking, births, deaths, ...rest } = result;
  return {
    ...rest,
    ranking: ranking.slice(0, RANKING_SUMMARY),
    ranking_size: ranking.length,
    ranking_truncated: ranking.length > RANKING_SUMMARY,
    births: births.slice(0, LIST_SUMMARY),
    births_size: births.length,
    deaths: deaths.slice(0, LIST_SUMMARY),
    deaths_size: deaths.length,
  };
}
