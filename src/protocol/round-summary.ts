// What a page of arena rounds shows of each round (GET /api/arena/rounds, on sim nodes and gateways alike): the top of
// the ranking and capped births/deaths, with the full counts, so a page is bounded in bytes whatever the population. Pure.

/** Ranking entries kept per round in a page. */
export const RANKING_SUMMARY = 10;
/** Births and deaths kept per round in a page. */
export const LIST_SUMMARY = 50;
/** The largest `limit` of a rounds page. */
export const MAX_ROUNDS_PAGE = 100;

/** What a round's result has to be summarised (the model's RoundResult, or one read back from JSON). */
export interface SummarizableRound {
  ranking: readonly unknown[];
  births: readonly unknown[];
  deaths: readonly unknown[];
}

/** A round's result with `ranking` capped to RANKING_SUMMARY and `births`/`deaths` to LIST_SUMMARY entries. */
export interface RoundSummary extends Record<string, unknown> {
  ranking: unknown[];
  ranking_size: number;
  ranking_truncated: boolean;
  births: unknown[];
  births_size: number;
  births_truncated: boolean;
  deaths: unknown[];
  deaths_size: number;
  deaths_truncated: boolean;
}

/**
 * Summarise a round result (`{round, winner, ranking, births, deaths, ...}`): other fields are kept as they are; a list
 * that is missing or not an array counts as empty. Never throws; a result that is not an object gives empty lists.
 * Already summarised input keeps its full counts (`*_size`), so summarising twice changes nothing.
 */
export function summarizeRound(result: unknown): RoundSummary {
  const source: Record<string, unknown> =
    typeof result === 'object' && result !== null && !Array.isArray(result) ? (result as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...source };
  cap(out, source, 'ranking', RANKING_SUMMARY);
  cap(out, source, 'births', LIST_SUMMARY);
  cap(out, source, 'deaths', LIST_SUMMARY);
  return out as RoundSummary;
}

function cap(
  out: Record<string, unknown>,
  source: Record<string, unknown>,
  field: 'ranking' | 'births' | 'deaths',
  max: number,
): void {
  const list = Array.isArray(source[field]) ? (source[field] as unknown[]) : [];
  const known = source[`${field}_size`];
  const size = typeof known === 'number' && Number.isSafeInteger(known) && known >= list.length ? known : list.length;
  out[field] = list.length > max ? list.slice(0, max) : list;
  out[`${field}_size`] = size;
  out[`${field}_truncated`] = size > max;
}
