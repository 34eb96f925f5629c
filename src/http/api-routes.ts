// REST routes on the main port: /health, /api/snapshot, and the gateway's /api/agents and /api/arena/rounds; a node with
// its own simulation adds the routes of sim-routes.ts.
import type { Ask, RoundsSource } from '../engine/upstream.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { MAX_AGENTS_PAGE } from '../protocol/worker-messages.ts';
import { addMarketRoutes, type MarketView } from './market-routes.ts';
import { agentsPage, offsetPage, roundsPage } from './paging.ts';
import { httpError, json } from './responses.ts';
import { Router } from './router.ts';
import { addSimRoutes, DEFAULT_AGENTS_PAGE } from './sim-routes.ts';

export interface HealthView {
  status: 'ok' | 'starting' | 'shutting_down' | 'degraded';
  /** Why the node is not `ok`. */
  reason?: string;
  role: string;
  version: string;
  epoch: string;
  uptime_s: number;
  connections: number;
  sequence: number;
  oldest_sequence: number;
}

/** What the REST routes read of the node's stream (the hub satisfies it). */
export interface StreamView extends MarketView {
  readonly epoch: string;
  readonly closing: boolean;
  readonly connections: number;
  readonly history: MarketView['history'] & {
    readonly sequence: number;
    readonly oldest: number;
    latestFor(family: 'market' | 'agent', key: string | null): readonly PublishedEvent[];
    latestArena(): PublishedEvent | undefined;
  };
}

export function healthOf(
  hub: StreamView,
  version: string,
  startedAt: number,
  role: string,
  upstream: () => { ok: boolean; reason?: string },
): HealthView {
  const up = upstream();
  const status = hub.closing ? 'shutting_down' : up.ok ? 'ok' : up.reason === 'starting' ? 'starting' : 'degraded';
  return {
    status,
    ...(status !== 'ok' && up.reason !== undefined ? { reason: up.reason } : {}),
    role,
    version,
    epoch: hub.epoch,
    uptime_s: Math.round((Date.now() - startedAt) / 100) / 10,
    connections: hub.connections,
    sequence: hub.history.sequence,
    oldest_sequence: hub.history.oldest,
  };
}

/** The payloads (`market`, `agent`, `arena`) of stored frames. */
function payloads(events: readonly { json: string }[], field: 'market' | 'agent' | 'arena'): unknown[] {
  return events.map((e) => (JSON.parse(e.json) as Record<string, unknown>)[field]);
}

/** The latest market and agent events as plain JSON (what a new dashboard needs first). */
export function snapshotOf(hub: StreamView): unknown {
  const arena = hub.history.latestArena();
  return {
    epoch: hub.epoch,
    sequence: hub.history.sequence,
    market: payloads(hub.history.latestFor('market', null), 'market'),
    agents: payloads(hub.history.latestFor('agent', null), 'agent'),
    arena: arena ? payloads([arena], 'arena')[0] : null,
  };
}

export function apiRoutes(hub: StreamView, health: () => HealthView, ask?: Ask, gatewayRounds?: RoundsSource): Router {
  const router = addMarketRoutes(new Router(), hub)
    .get('/health', () => {
      const h = health();
      return json(h, h.status === 'ok' ? 200 : 503);
    })
    .get('/api/snapshot', () => json(snapshotOf(hub)));
  if (ask === undefined) {
    // A gateway has no simulation of its own: the live population comes from the stream's snapshot.
    return router
      .get('/api/agents', (_req, _params, url) => {
        const page = offsetPage(url, DEFAULT_AGENTS_PAGE, MAX_AGENTS_PAGE);
        if (typeof page === 'string') return httpError(400, 'bad_request', page);
        const latest = hub.history.latestFor('agent', null);
        const agents = payloads(latest.slice(page.offset, page.offset + page.limit), 'agent');
        return json(agentsPage({ agents, total: latest.length, sequence: hub.history.sequence }, page));
      })
      .get('/api/agents/:id', () => httpError(503, 'not_on_gateway', 'agent records are served by the sim node'))
      .get('/api/arena/rounds', async (_req, _params, url) => {
        if (gatewayRounds === undefined)
          return httpError(503, 'not_on_gateway', 'arena records are served by the sim node');
        const page = roundsPage(url);
        if (typeof page === 'string') return httpError(400, 'bad_request', page);
        return json({ rounds: await gatewayRounds(page.limit, page.before) });
      })
      .get('/api/arena/rounds/:round', () =>
        httpError(503, 'not_on_gateway', "a round's full record is served by the sim node"),
      );
  }
  return addSimRoutes(router, ask);
}
