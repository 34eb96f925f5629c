// REST routes on the main port: /health, /api/snapshot, /api/agents, /api/agents/:id, /api/arena/rounds.
import type { Hub } from '../hub/hub.ts';
import { KEY_PATTERN } from '../protocol/topics.ts';
import type { WorkerQuery } from '../protocol/worker-messages.ts';
import { httpError, json } from './responses.ts';
import { Router } from './router.ts';

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

export function healthOf(hub: Hub, version: string, startedAt: number, role: string, upstream: () => { ok: boolean; reason?: string }): HealthView {
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
export function snapshotOf(hub: Hub): unknown {
  const arena = hub.history.latestArena();
  return {
    epoch: hub.epoch,
    sequence: hub.history.sequence,
    market: payloads(hub.history.latestFor('market', null), 'market'),
    agents: payloads(hub.history.latestFor('agent', null), 'agent'),
    arena: arena ? payloads([arena], 'arena')[0] : null,
  };
}

/** Asks the simulation (absent in tests that run the hub alone). */
export type Ask = (query: WorkerQuery) => Promise<unknown>;

/** A gateway's arena rounds (from Redis), newest first. */
export type RoundsSource = (limit: number, before: number | undefined) => Promise<unknown[]>;

const MAX_ROUNDS = 500;

export function apiRoutes(hub: Hub, health: () => HealthView, ask?: Ask, gatewayRounds?: RoundsSource): Router {
  const router = new Router()
    .get('/health', () => {
      const h = health();
      return json(h, h.status === 'ok' ? 200 : 503);
    })
    .get('/api/snapshot', () => json(snapshotOf(hub)));
  if (ask === undefined) {
    // A gateway has no simulation of its own: the live population comes from the stream's snapshot.
    return router
      .get('/api/agents', () => json({ agents: payloads(hub.history.latestFor('agent', null), 'agent') }))
      .get('/api/agents/:id', () => httpError(503, 'not_on_gateway', 'agent records are served by the sim node'))
      .get('/api/arena/rounds', async (_req, _params, url) => {
        if (gatewayRounds === undefined) return httpError(503, 'not_on_gateway', 'arena records are served by the sim node');
        const page = roundsPage(url);
        if (typeof page === 'string') return httpError(400, 'bad_request', page);
        return json({ rounds: await gatewayRounds(page.limit, page.before) });
      });
  }
  return router
    .get('/api/agents', async () => json({ agents: await ask({ kind: 'agents' }) }))
    .get('/api/agents/:id', async (_req, params) => {
      const id = params.id ?? '';
      if (!KEY_PATTERN.test(id)) return httpError(400, 'bad_request', 'agent id may only contain letters, digits, "-" and "_" (1-64)');
      const found = (await ask({ kind: 'agent', id })) as { live: Record<string, unknown> | null; record: Record<string, unknown> | null; ancestry: string[] } | null;
      if (found === null) return httpError(404, 'not_found', `no agent "${id}"`);
      const live = found.live as { report: unknown; scars: unknown[]; params: unknown } | null;
      return json({
        agent_id: id,
        alive: live !== null,
        agent: live?.report ?? null,
        scars: live?.scars ?? null,
        params: live?.params ?? null,
        record: found.record,
        ancestry: found.ancestry,
      });
    })
    .get('/api/arena/rounds', async (_req, _params, url) => {
      const page = roundsPage(url);
      if (typeof page === 'string') return httpError(400, 'bad_request', page);
      const rounds = await ask({ kind: 'rounds', limit: page.limit, ...(page.before !== undefined ? { before: page.before } : {}) });
      return json({ rounds });
    });
}

/** `?limit=` (1–500, default 20) and `?before=` of a rounds page; a string is the one-line error. */
function roundsPage(url: URL): { limit: number; before: number | undefined } | string {
  const limit = intParam(url, 'limit', 20, 1, MAX_ROUNDS);
  if (typeof limit === 'string') return limit;
  const before = intParam(url, 'before', undefined, 1, Number.MAX_SAFE_INTEGER);
  if (typeof before === 'string') return before;
  return { limit, before };
}

function intParam<D extends number | undefined>(url: URL, name: string, fallback: D, min: number, max: number): number | D | string {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,16}$/.test(raw)) return `${name} must be an integer between ${min} and ${max}`;
  const n = Number(raw);
  if (n < min || n > max) return `${name} must be an integer between ${min} and ${max}`;
  return n;
}
