// Recent arena rounds from `GET /api/arena/rounds`, so the list is not empty until the next round ends.
import { z } from 'zod';
import { ArenaData } from '../protocol/index.ts';
import { type Fetcher, getJson } from './api.ts';

/** Full counts of a summarised round (the answer lists only the top of the ranking and the first births and deaths). */
const Sizes = {
  ranking_size: z.number().int().optional(),
  births_size: z.number().int().optional(),
  deaths_size: z.number().int().optional(),
};
const StoredRound = z.object({
  round: z.number().int().positive(),
  result: ArenaData.omit({ timestamp: true }).extend({ ended_at: z.number(), ...Sizes }),
});
const RoundsReply = z.object({ rounds: z.array(z.unknown()) });

export type HistoricRound = ArenaData & { ranking_size?: number; births_size?: number; deaths_size?: number };

/** Newest first; rounds that do not parse are skipped, and any failure yields an empty list. */
export async function fetchRecentRounds(
  limit: number,
  fetcher: Fetcher = fetch,
  token: string | null = null,
): Promise<HistoricRound[]> {
  const reply = RoundsReply.safeParse(await getJson(`/api/arena/rounds?limit=${limit}`, token, fetcher));
  if (!reply.success) return [];
  const out: HistoricRound[] = [];
  for (const item of reply.data.rounds) {
    const parsed = StoredRound.safeParse(item);
    if (!parsed.success) continue;
    const { ended_at, ...rest } = parsed.data.result;
    out.push({ ...rest, timestamp: new Date(ended_at).toISOString() });
  }
  return out;
}
