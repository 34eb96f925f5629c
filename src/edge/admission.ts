// Whether an upgrade may become a connection: shutdown, readiness, Origin, token and the connection bound, in that
// order. It owns the count of upgrades accepted whose `open` has not run yet, so the bound is exact.

import type { RejectedUpgradeReason } from '../metrics/hub-metrics.ts';
import type { HttpErrorCode } from '../protocol/codes.ts';
import { originAllowed, presentedToken, tokenMatches } from './auth.ts';

export interface AdmissionOptions {
  maxConnections: number;
  authToken?: string | undefined;
  origins?: readonly string[] | undefined;
}

export interface Refusal {
  reason: RejectedUpgradeReason;
  status: number;
  code: HttpErrorCode;
  message: string;
  headers?: Record<string, string>;
}

export const UNAUTHORIZED: Omit<Refusal, 'reason'> = {
  status: 401,
  code: 'unauthorized',
  message: 'a valid token is required (Authorization: Bearer <token> or ?token=)',
  headers: { 'www-authenticate': 'Bearer' },
};

export class Admission {
  /** Upgrades accepted whose `open` has not run yet. */
  private pending = 0;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly state: { closing(): boolean; ready(): boolean; connections(): number },
  ) {}

  /** Null when the upgrade may go ahead (and is then counted as pending), else why not. */
  check(req: Request, url: URL): Refusal | null {
    const o = this.options;
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
    if (!originAllowed(o.origins, req.headers.get('origin')))
      return {
        reason: 'forbidden_origin',
        status: 403,
        code: 'forbidden_origin',
        message: 'the Origin is not allowed',
      };
    if (!this.tokenOk(req, url)) return { reason: 'unauthorized', ...UNAUTHORIZED };
    if (this.state.connections() + this.pending >= o.maxConnections) {
      return {
        reason: 'max_connections',
        status: 503,
        code: 'too_many_connections',
        message: `the server is at its limit of ${o.maxConnections} connections`,
        headers: { 'retry-after': '5' },
      };
    }
    return null;
  }

  /** Does the request carry the shared token (or is none configured)? Also guards `/api/*`. */
  tokenOk(req: Request, url: URL): boolean {
    return this.options.authToken === undefined || tokenMatches(this.options.authToken, presentedToken(req, url));
  }

  /** Counted before `server.upgrade()`: Bun may run `open` inside it. */
  upgrading(): void {
    this.pending++;
  }

  /** The upgrade failed, or its `open` ran. */
  settled(): void {
    if (this.pending > 0) this.pending--;
  }
}
