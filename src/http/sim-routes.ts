// REST routes a node with its own simulation serves: the live population (paged), agent records, arena rounds
// (summaries, paged) and one round's full record (its ranking paged). Every answer is bounded in bytes; heavy
// questions are bounded in number (503 `busy` with Retry-After when too many run at once).
import { BusyError } from '../engine/query-gate.ts';
import type { Ask } from '../engine/upstream.ts';
import { MAX_RANKING_PAGE } from '../protocol/reader-messages.ts';
import { KEY_PATTERN } from '../protocol/topics.ts';
import { MAX_AGENTS_PAGE } from '../protocol/worker-messages.ts';
import type { AgentRecordAnswer, RoundRecordPage, RoundsPage } from '../store/queries.ts';
import {
  type AgentsPage,
  agentsPage,
  nextOffsetLink,
  nextRoundsLink,
  offsetPage,
  roundLink,
  roundsPage,
} from './paging.ts';
import { httpError, json } from './responses.ts';
import type { Handler, Router } from './router.ts';

/** `/api/agents` without `?limit=`. */
export const DEFAULT_AGENTS_PAGE = 100;
/** `/api/arena/rounds/:round` without `?limit=`. */
export const DEFAULT_RANKING_PAGE = 100;

/** Too many heavy questions at once: refuse, with when to come back, rather than queue. */
function guarded(handler: Handler): Handler {
  return async (req, params, url) => {
    try {
      return await handler(req, params, url);
    } catch (error) {
      if (error instanceof BusyError)
        return httpError(503, 'busy', error.message, { 'retry-after': String(error.retryAfterS) });
      throw error;
    }
  };
}

export function addSimRoutes(router: Router, ask: Ask): Router {
  return router
    .get(
      '/api/agents',
      guarded(async (_req, _params, url) => {
        const page = offsetPage(url, DEFAULT_AGENTS_PAGE, MAX_AGENTS_PAGE);
        if (typeof page === 'string') return httpError(400, 'bad_request', page);
        return json(agentsPage((await ask({ kind: 'agents', ...page })) as AgentsPage, page));
      }),
    )
    .get(
      '/api/agents/:id',
      guarded(async (_req, params) => {
        const id = params.id ?? '';
        if (!KEY_PATTERN.test(id))
          return httpError(400, 'bad_request', 'agent id may only contain letters, digits, "-" and "_" (1-64)');
        const [live, stored] = (await Promise.all([ask({ kind: 'agent', id }), ask({ kind: 'agent_record', id })])) as [
          { report: unknown; scars: unknown[]; params: unknown; ancestry: string[] } | null,
          AgentRecordAnswer,
        ];
        if (live === null && stored.record === null) return httpError(404, 'not_found', `no agent "${id}"`);
        return json({
          agent_id: id,
          alive: live !== null,
          agent: live?.report ?? null,
          scars: live?.scars ?? null,
          params: live?.params ?? null,
          record: stored.record,
          ancestry: live?.ancestry ?? stored.ancestry,
        });
      }),
    )
    .get(
      '/api/arena/rounds',
      guarded(async (_req, _params, url) => {
        const page = roundsPage(url);
        if (typeof page === 'string') return httpError(400, 'bad_request', page);
        const answer = (await ask({
          kind: 'rounds',
          limit: page.limit,
          ...(page.before !== undefined ? { before: page.before } : {}),
        })) as RoundsPage;
        const rounds = answer.rounds.map((r) => ({ ...r, links: { full: roundLink(r.round) } }));
        const last = rounds.at(-1);
        return json({
          rounds,
          ...(answer.more && last ? { links: { next: nextRoundsLink(page.limit, last.round) } } : {}),
        });
      }),
    )
    .get(
      '/api/arena/rounds/:round',
      guarded(async (_req, params, url) => {
        const raw = params.round ?? '';
        const round = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(round >= 1 && round <= Number.MAX_SAFE_INTEGER))
          return httpError(400, 'bad_request', 'round must be a positive integer');
        const page = offsetPage(url, DEFAULT_RANKING_PAGE, MAX_RANKING_PAGE);
        if (typeof page === 'string') return httpError(400, 'bad_request', page);
        const found = (await ask({ kind: 'round', round, ...page })) as RoundRecordPage | null;
        if (found === null) return httpError(404, 'not_found', `no arena round ${round}`);
        const next = nextOffsetLink(roundLink(round), page.offset, page.limit, found.page.total);
        return json({ ...found, ...(next ? { links: { next } } : {}) });
      }),
    );
}
