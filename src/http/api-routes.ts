// REST routes on the main port: /health, /api/snapshot (read-only views of the hub).
import type { Hub } from '../hub/hub.ts';
import { json } from './responses.ts';
import { Router } from './router.ts';

export interface HealthView {
  status: 'ok' | 'starting' | 'shutting_down' | 'degraded';
  version: string;
  epoch: string;
  uptime_s: number;
  connections: number;
  sequence: number;
  oldest_sequence: number;
}

export function healthOf(hub: Hub, version: string, startedAt: number, ready: () => boolean): HealthView {
  return {
    status: hub.closing ? 'shutting_down' : ready() ? 'ok' : 'starting',
    version,
    epoch: hub.epoch,
    uptime_s: Math.round((Date.now() - startedAt) / 100) / 10,
    connections: hub.connections,
    sequence: hub.history.sequence,
    oldest_sequence: hub.history.oldest,
  };
}

/** The latest market and agent events as plain JSON (what a new dashboard needs first). */
export function snapshotOf(hub: Hub): unknown {
  const parse = (s: string) => JSON.parse(s) as Record<string, unknown>;
  const arena = hub.history.latestArena();
  return {
    epoch: hub.epoch,
    sequence: hub.history.sequence,
    market: hub.history.latestFor('market', null).map((e) => parse(e.json).market),
    agents: hub.history.latestFor('agent', null).map((e) => parse(e.json).agent),
    arena: arena ? parse(arena.json).arena : null,
  };
}

export function apiRoutes(hub: Hub, health: () => HealthView): Router {
  return new Router()
    .get('/health', () => {
      const h = health();
      return json(h, h.status === 'ok' ? 200 : 503);
    })
    .get('/api/snapshot', () => json(snapshotOf(hub)));
}
