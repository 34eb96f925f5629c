// The dashboard's REST reads (`/api/*` of the server that served the page): recent trades and candles of a symbol, and
// the population's skill. Every read resolves (null or empty on any failure): a panel simply stays as it is.
import { z } from 'zod';
import {
  type CandleData,
  CandleData as CandleSchema,
  type TradeData,
  TradeData as TradeSchema,
} from '../protocol/index.ts';

export type Fetcher = typeof fetch;

/** GET `path` as JSON; null on a network error, a non-2xx answer or a body that is not JSON. */
export async function getJson(path: string, token: string | null, fetcher: Fetcher = fetch): Promise<unknown> {
  try {
    // A server started with a token wants it on /api/* too (the page got it as `?token=`).
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetcher(path, { headers });
    if (!response.ok) return null;
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}

/** Items of a list answer that match `schema` (the others are skipped). */
function valid<T>(list: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(list)) return [];
  const out: T[] = [];
  for (const item of list) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

const TradesReply = z.object({ trades: z.array(z.unknown()) });
const CandlesReply = z.object({ candles: z.array(z.unknown()) });

/** The last `limit` trades of `symbol`, oldest first. */
export async function fetchTrades(
  symbol: string,
  limit: number,
  token: string | null,
  fetcher: Fetcher = fetch,
): Promise<TradeData[]> {
  const reply = TradesReply.safeParse(
    await getJson(`/api/trades/${encodeURIComponent(symbol)}?limit=${limit}`, token, fetcher),
  );
  return reply.success ? valid(reply.data.trades, TradeSchema) : [];
}

/** The last `limit` candles of `symbol`, oldest first, the forming one last. */
export async function fetchCandles(
  symbol: string,
  limit: number,
  token: string | null,
  fetcher: Fetcher = fetch,
): Promise<CandleData[]> {
  const reply = CandlesReply.safeParse(
    await getJson(`/api/candles/${encodeURIComponent(symbol)}?limit=${limit}`, token, fetcher),
  );
  return reply.success ? valid(reply.data.candles, CandleSchema) : [];
}

/** Pages read at most per refresh (1000 agents each). */
export const MAX_SKILL_PAGES = 5;
const AgentsPage = z.object({
  agents: z.array(z.object({ agent_id: z.string(), skill: z.number().optional() })),
  total: z.number().int().nonnegative(),
});

/**
 * Every live agent's skill from `/api/agents`, a page of 1000 at a time (so one request for most populations, never
 * one per agent). Agents without a skill (a gateway's answer carries none) are left out.
 */
export async function fetchSkills(token: string | null, fetcher: Fetcher = fetch): Promise<Map<string, number>> {
  const skills = new Map<string, number>();
  for (let page = 0; page < MAX_SKILL_PAGES; page++) {
    const reply = AgentsPage.safeParse(await getJson(`/api/agents?offset=${page * 1000}&limit=1000`, token, fetcher));
    if (!reply.success) break;
    for (const a of reply.data.agents) if (a.skill !== undefined) skills.set(a.agent_id, a.skill);
    if ((page + 1) * 1000 >= reply.data.total || reply.data.agents.length === 0) break;
  }
  return skills;
}
