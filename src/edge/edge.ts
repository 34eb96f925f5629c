// The Bun.serve edge on the main port: WebSocket upgrades (admitted by Admission) into the hub's sessions, and the
// HTTP routes. It sits above both the hub and http and wires them together.
import type { Server } from 'bun';
import type { Config } from '../config.ts';
import { httpError } from '../http/responses.ts';
import type { Router } from '../http/router.ts';
import type { Hub } from '../hub/hub.ts';
import type { Session } from '../hub/session.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { Admission, type Refusal, UNAUTHORIZED } from './admission.ts';
import { sseResponse } from './sse-route.ts';

export type EdgeOptions = Pick<Config, 'host' | 'port' | 'maxConnections'> &
  Partial<Pick<Config, 'authToken' | 'origins' | 'reusePort'>> & {
    metrics: HubMetrics;
    /** False while the node has nothing to serve yet (a gateway before its first sync): upgrades get 503. */
    accepting?: () => boolean;
  };

const UPGRADE_PATHS = new Set(['/', '/ws']);

/** Start the WebSocket + HTTP server. Throws (with the address) when the port cannot be bound. */
export function startEdge(hub: Hub, router: Router, options: EdgeOptions): Server<Session> {
  const admission = new Admission(options, {
    closing: () => hub.closing,
    ready: () => options.accepting?.() ?? true,
    connections: () => hub.connections + hub.sseStreams,
  });
  const handler = hub.websocketHandler();
  const server = Bun.serve<Session>({
    hostname: options.host,
    port: options.port,
    // Several processes on one port (gateways on one box): the kernel spreads new connections across them.
    reusePort: options.reusePort ?? false,
    development: false,
    fetch(req, srv) {
      const url = new URL(req.url);
      if (UPGRADE_PATHS.has(url.pathname) && req.headers.get('upgrade')?.toLowerCase() === 'websocket')
        return upgrade(req, url, srv);
      if (url.pathname === '/sse') return sse(req, url, srv);
      // The REST API serves the same data as the stream, so it takes the same token; /health stays open for probes.
      if (url.pathname.startsWith('/api/') && !admission.tokenOk(req, url))
        return refuse({ reason: 'unauthorized', ...UNAUTHORIZED }, false);
      return router.handle(req, url);
    },
    error() {
      return httpError(500, 'internal_error', 'the request failed');
    },
    websocket: {
      ...handler,
      open(ws) {
        admission.settled();
        handler.open?.(ws);
      },
    },
  });
  hub.attach(server);
  return server;

  function upgrade(req: Request, url: URL, srv: Server<Session>): Response | undefined {
    const refusal = admission.check(req, url);
    if (refusal !== null) return refuse(refusal, true);
    admission.upgrading();
    if (srv.upgrade(req, { data: hub.admit(srv.requestIP(req)?.address ?? 'unknown', url.searchParams) }))
      return undefined;
    admission.settled();
    return httpError(400, 'bad_request', 'invalid WebSocket upgrade request');
  }

  function sse(req: Request, url: URL, srv: Server<Session>): Response {
    if (req.method !== 'GET') return httpError(405, 'method_not_allowed', 'GET /sse only', { allow: 'GET' });
    const refusal = admission.check(req, url);
    if (refusal !== null) return refuse(refusal, true);
    return sseResponse(hub, req, url, srv as Server<unknown>);
  }

  function refuse(r: Refusal, counted: boolean): Response {
    if (counted) options.metrics.upgradeRejected(r.reason);
    return httpError(r.status, r.code, r.message, r.headers ?? {});
  }
}
