// The Bun.serve edge on the main port: WebSocket upgrades (admitted by Admission, with their credential) into the hub's
// sessions, SSE, and the HTTP routes. It sits above both the hub and http and wires them together.
import type { Server } from 'bun';
import type { Config } from '../config.ts';
import { httpError } from '../http/responses.ts';
import type { Router } from '../http/router.ts';
import type { Hub } from '../hub/hub.ts';
import type { Session } from '../hub/session.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { Admission, type Refusal } from './admission.ts';
import { clientAddress } from './client-address.ts';
import { type AuthVerdict, type Credentials, tokenCredentials } from './credentials.ts';
import { sseResponse } from './sse-route.ts';

export type EdgeOptions = Pick<Config, 'host' | 'port' | 'maxConnections'> &
  Partial<
    Pick<Config, 'authToken' | 'origins' | 'reusePort' | 'maxConnectionsPerIp' | 'maxConnectsPerIpPerS' | 'trustProxy'>
  > & {
    metrics: HubMetrics;
    /** Who may connect (JWTs, the shared token, or anyone); built from `authToken` when absent. */
    credentials?: Credentials;
    /** False while the node has nothing to serve yet (a gateway before its first sync): upgrades get 503. */
    accepting?: () => boolean;
  };

const NO_PROXIES: ReadonlySet<string> = new Set();
const UPGRADE_PATHS = new Set(['/', '/ws']);

type Reply = Response | undefined | Promise<Response | undefined>;

/** Start the WebSocket + HTTP server. Throws (with the address) when the port cannot be bound. */
export function startEdge(hub: Hub, router: Router, options: EdgeOptions): Server<Session> {
  const credentials = options.credentials ?? tokenCredentials(options.authToken);
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
    fetch(req, srv): Reply {
      const url = new URL(req.url);
      const address = clientAddress(
        srv.requestIP(req)?.address,
        req.headers.get('x-forwarded-for'),
        options.trustProxy ?? NO_PROXIES,
      );
      if (UPGRADE_PATHS.has(url.pathname) && req.headers.get('upgrade')?.toLowerCase() === 'websocket')
        return admit(req, url, address, (verdict) => upgrade(req, url, srv, address, verdict));
      if (url.pathname === '/sse') {
        if (req.method !== 'GET') return httpError(405, 'method_not_allowed', 'GET /sse only', { allow: 'GET' });
        return admit(req, url, address, (verdict) => sse(req, url, srv, address, verdict));
      }
      // The REST API serves the same data as the stream, so it takes the same credential; /health stays open for probes.
      if (url.pathname.startsWith('/api/')) return api(req, url, address);
      return router.handle(req, url);
    },
    error() {
      return httpError(500, 'internal_error', 'the request failed');
    },
    websocket: {
      ...handler,
      open(ws) {
        admission.opened();
        handler.open?.(ws);
      },
      close(ws, code, reason) {
        admission.ended(ws.data.remote);
        handler.close?.(ws, code, reason);
      },
    },
  });
  hub.attach(server);
  return server;

  async function api(req: Request, url: URL, address: string): Promise<Response> {
    const limited = admission.rate(address);
    if (limited !== null) return refuse(limited, false);
    const verdict = await credentials.check(req, url);
    return verdict.ok ? router.handle(req, url) : refuse(verdict.refusal, false);
  }

  /** Screen, check the credential (awaiting a JWT's verification only), reserve, then go on. */
  function admit(
    req: Request,
    url: URL,
    address: string,
    go: (verdict: AuthVerdict & { ok: true }) => Response | undefined,
  ): Reply {
    const early = admission.screen(req, address);
    if (early !== null) return refuse(early, true);
    return settle(credentials.check(req, url), (verdict) => {
      if (!verdict.ok) return refuse(verdict.refusal, true);
      return go(verdict);
    });
  }

  function upgrade(
    req: Request,
    url: URL,
    srv: Server<Session>,
    address: string,
    v: { principal: Session['principal'] },
  ) {
    const refusal = admission.reserve(address, true);
    if (refusal !== null) return refuse(refusal, true);
    if (srv.upgrade(req, { data: hub.admit(address, url.searchParams, v.principal) })) return undefined;
    admission.failed(address);
    return httpError(400, 'bad_request', 'invalid WebSocket upgrade request');
  }

  function sse(req: Request, url: URL, srv: Server<Session>, address: string, v: { principal: Session['principal'] }) {
    const refusal = admission.reserve(address, false);
    if (refusal !== null) return refuse(refusal, true);
    return sseResponse(hub, req, url, srv as Server<unknown>, {
      principal: v.principal,
      ended: () => admission.ended(address),
    });
  }

  function refuse(r: Refusal, counted: boolean): Response {
    if (counted) options.metrics.upgradeRejected(r.reason);
    return httpError(r.status, r.code, r.message, r.headers ?? {});
  }
}

/** `then` for a value that is a Promise only when it must be (a shared token is checked synchronously). */
function settle<T, R>(value: T | Promise<T>, then: (v: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}
