// Query parameters of paged REST answers, and the links to the next page and to a round's full record.
import { MAX_ROUNDS_PAGE } from '../protocol/round-summary.ts';

/** `?limit=` of /api/arena/rounds when none is given. */
export const DEFAULT_ROUNDS_PAGE = 20;

/** `?limit=` (1–MAX_ROUNDS_PAGE, default 20) and `?before=` of a rounds page; a string is the one-line error. */
export function roundsPage(url: URL): { limit: number; before: number | undefined } | string {
  const limit = intParam(url, 'limit', DEFAULT_ROUNDS_PAGE, 1, MAX_ROUNDS_PAGE);
  if (typeof limit === 'string') return limit;
  const before = intParam(url, 'before', undefined, 1, Number.MAX_SAFE_INTEGER);
  if (typeof before === 'string') return before;
  return { limit, before };
}

/** `?offset=` (default 0) and `?limit=` (1–max, default `fallback`); a string is the one-line error. */
export function offsetPage(url: URL, fallback: number, max: number): { offset: number; limit: number } | string {
  const offset = intParam(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (typeof offset === 'string') return offset;
  const limit = intParam(url, 'limit', fallback, 1, max);
  if (typeof limit === 'string') return limit;
  return { offset, limit };
}

export function intParam<D extends number | undefined>(
  url: URL,
  name: string,
  fallback: D,
  min: number,
  max: number,
): number | D | string {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,16}$/.test(raw)) return `${name} must be an integer between ${min} and ${max}`;
  const n = Number(raw);
  if (n < min || n > max) return `${name} must be an integer between ${min} and ${max}`;
  return n;
}

/** Where a round's full record (its whole ranking, paged) is. */
export const roundLink = (round: number) => `/api/arena/rounds/${round}`;

/** The next page of rounds after a page ending at `lastRound`. */
export const nextRoundsLink = (limit: number, lastRound: number) =>
  `/api/arena/rounds?limit=${limit}&before=${lastRound}`;

/** The next offset page of `path`, or none when `offset + limit` reaches `total`. */
export function nextOffsetLink(path: string, offset: number, limit: number, total: number): string | undefined {
  return offset + limit < total ? `${path}?offset=${offset + limit}&limit=${limit}` : undefined;
}

/** A page of the live population as the worker (or, on a gateway, the stream) gives it. */
export interface AgentsPage {
  agents: unknown[];
  total: number;
  /** The stream position the population is as of: every event up to it is in it, none after it. */
  sequence: number;
}

/** The `/api/agents` answer: the page, its bounds and position, and the link to the next page. */
export function agentsPage(p: AgentsPage, page: { offset: number; limit: number }) {
  const next = nextOffsetLink('/api/agents', page.offset, page.limit, p.total);
  return {
    agents: p.agents,
    total: p.total,
    offset: page.offset,
    limit: page.limit,
    sequence: p.sequence,
    ...(next ? { links: { next } } : {}),
  };
}
