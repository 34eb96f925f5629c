// The Bun.serve edge on the main port: WebSocket upgrades (limits, auth, origin) and HTTP routes.
import type { Server } from 'bun';
import { httpError } from '../http/responses.ts';
import type { Router } from '../http/router.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { originAllowed, presentedToken, tokenMatches } from './auth.ts';
import type { ConnectionData } from './connection.ts';
import type { Hub } from './hub.ts';

export interface EdgeOptions {
  host: string;
  port: number;
  maxConnections: number;
  authToken?: string | undefined;
  origins?: readonly string[] | undefined;
  metrics: HubMetrics;
  /** False while the node has nothing to serve yet (a gateway before its first sync): upgrades get 503. */
  accepting?: () => boolean;
}

const UPGRADE_PATHS = new Set(['/', '/ws']);

/** Start the WebSocket + HTTP server. Throws (with the address) when the port cannot be bound. */
export function startEdge(hub: Hub, router: Router, options: EdgeOptions): Server<ConnectionData> {
  const server = Bun.serve<ConnectionData>({
    hostname: options.host,
    port: options.port,
    development: false,
    fetch(req, srv) {
      const url = new URL(req.url);
      if (UPGRADE_PATHS.has(url.pathname) && req.headers.get('upgrade')?.toLowerCase() === 'websocket') return upgrade(req, url, srv);
      // The REST API serves the same data as the stream, so it takes the same token; /health stays open for probes.
      if (options.authToken !== undefined && url.pathname.startsWith('/api/') && !tokenMatches(options.authToken, presentedToken(req, url))) {
        return httpError(401, 'unauthorized', 'a valid token is required (Authorization: Bearer <token> or ?token=)', { 'www-authenticate': 'Bearer' });
      }
      return router.handle(req, url);
    },
    error() {
      return httpError(500, 'internal_error', 'the request failed');
    },
    websocket: hub.websocketHandler(),
  });
  hub.attach(server);
  return server;

  function upgrade(req: Request, url: URL, srv: Server<ConnectionData>): Response | undefined {
    if (hub.closing) return reject('shutting_down', 503, 'shutting_down', 'the server is shutting down');
    if (options.accepting && !options.accepting()) return reject('not_ready', 503, 'not_ready', 'the node has not synced with its upstream yet; retry shortly', { 'retry-after': '1' });
    if (!originAllowed(options.origins, req.headers.get('origin'))) return reject('forbidden_origin', 403, 'forbidden_origin', 'the Origin is not allowed');
    if (options.authToken !== undefined && !tokenMatches(options.authToken, presentedToken(req, url))) {
      return reject('unauthorized', 401, 'unauthorized', 'a valid token is required (Authorization: Bearer <token> or ?token=)', { 'www-authenticate': 'Bearer' });
    }
    if (hub.connections + hub.pendingUpgrades >= options.maxConnections) {
      return reject('max_connections', 503, 'too_many_connections', `the server is at its limit of ${options.maxConnections} connections`, { 'retry-after': '5' });
    }
    const remote = srv.requestIP(req)?.address ?? 'unknown';
    // Counted before the call: Bun may run `open` inside `upgrade`, which uncounts it.
    hub.pendingUpgrades++;
    if (srv.upgrade(req, { data: hub.connectionData(remote, url.searchParams) })) return undefined;
    hub.pendingUpgrades--;
    return httpError(400, 'bad_request', 'invalid WebSocket upgrade request');
  }

  function reject(reason: Parameters<HubMetrics['upgradeRejected']>[0], status: number, code: Parameters<typeof httpError>[1], message: string, headers: Record<string, string> = {}): Response {
    options.metrics.upgradeRejected(reason);
    return httpError(status, code, message, headers);
  }
}
