// Whether an upgrade or SSE request may become a connection, in this order: shutdown, readiness, Origin, the client
// address's request rate, its credential (edge/credentials.ts), then the global and per-address connection bounds.
// It owns the count of upgrades accepted whose `open` has not run yet, so the bounds are exact.

import type { RejectedUpgradeReason } from '../metrics/hub-metrics.ts';
import type { HttpErrorCode } from '../protocol/codes.ts';
import { originAllowed } from './auth.ts';
import { IpLimits } from './ip-limits.ts';

export interface AdmissionOptions {
  maxConnections: number;
  origins?: readonly string[] | undefined;
  maxConnectionsPerIp?: number;
  maxConnectsPerIpPerS?: number;
}

export interface Refusal {
  reason: RejectedUpgradeReason;
  status: number;
  code: HttpErrorCode;
  message: string;
  headers?: Record<string, string>;
}

/** 429 for one address over its request rate: retry after `seconds`. */
export function rateLimited(seconds: number): Refusal {
  return {
    reason: 'ip_rate_limited',
    status: 429,
    code: 'ip_rate_limited',
    message: 'too many upgrades or requests from this address',
    headers: { 'retry-after': String(seconds) },
  };
}

export class Admission {
  /** Upgrades accepted whose `open` has not run yet. */
  private pending = 0;
  private readonly ip: IpLimits;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly state: { closing(): boolean; ready(): boolean; connections(): number },
  ) {
    this.ip = new IpLimits({
      maxConnectionsPerIp: options.maxConnectionsPerIp ?? 0,
      maxConnectsPerIpPerS: options.maxConnectsPerIpPerS ?? 0,
    });
  }

  /** Before the credential: null when the request may go on to it, else why not. Spends one of the address's rate. */
  screen(req: Request, address: string): Refusal | null {
    if (this.state.closing())
      return { reason: 'shutting_down', status: 503, code: 'shutting_down', message: 'the server is shutting down' };
    if (!this.state.ready()) {
      return {
        reason: 'not_ready',
        status: 503,
        code: 'not_ready',
        message: 'the node has not synced with its upstream yet; retry shortly',
        headers: { 'retry-after': '1' },
      };
    }
    if (!originAllowed(this.options.origins, req.headers.get('origin')))
      return {
        reason: 'forbidden_origin',
        status: 403,
        code: 'forbidden_origin',
        message: 'the Origin is not allowed',
      };
    return this.rate(address);
  }

  /** A plain request's share of the address's rate (`/api/*`): null, or the 429. */
  rate(address: string): Refusal | null {
    const wait = this.ip.take(address);
    return wait === null ? null : rateLimited(wait);
  }

  /**
   * After the credential: null when the connection fits both bounds (it is then counted against its address, and,
   * for an upgrade, as pending until `open` runs), else why not.
   */
  reserve(address: string, upgrade: boolean): Refusal | null {
    // A JWT check may have taken a moment: the server may have begun to stop meanwhile.
    if (this.state.closing())
      return { reason: 'shutting_down', status: 503, code: 'shutting_down', message: 'the server is shutting down' };
    const o = this.options;
    if (this.state.connections() + this.pending >= o.maxConnections) {
      return {
        reason: 'max_connections',
        status: 503,
        code: 'too_many_connections',
        message: `the server is at its limit of ${o.maxConnections} connections`,
        headers: { 'retry-after': '5' },
      };
    }
    if (this.ip.full(address)) {
      return {
        reason: 'ip_connection_limit',
        status: 429,
        code: 'ip_connection_limit',
        message: `this address holds ${o.maxConnectionsPerIp} connections, the most one address may`,
        headers: { 'retry-after': '5' },
      };
    }
    this.ip.opened(address);
    if (upgrade) this.pending++;
    return null;
  }

  /** The upgrade's `open` ran (it is now counted by the hub). */
  opened(): void {
    if (this.pending > 0) this.pending--;
  }

  /** The upgrade failed before `open`: release both reservations. */
  failed(address: string): void {
    this.opened();
    this.ip.closed(address);
  }

  /** A connection of `address` ended (WebSocket closed, SSE stream over). */
  ended(address: string): void {
    this.ip.closed(address);
  }
}
