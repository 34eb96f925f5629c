// A connection's JWT over its life: `token_expiring` a window before `exp`, close 4001 at `exp`, and the `refresh` op,
// which swaps the token and at once drops (with `unsubscribed`, reason `forbidden_topic`) what the new one does not cover.
import type { ClosedBy } from '../metrics/hub-metrics.ts';
import type { RequestId } from '../protocol/client-messages.ts';
import { CloseCode, CloseReason } from '../protocol/codes.ts';
import { ALL_PUBLIC, type TopicGrants } from '../protocol/credentials.ts';
import { runAt } from './expiry-timer.ts';
import { subLabel, type TokenVerdict } from './principal.ts';
import type { SessionOutput } from './session-output.ts';
import type { Session, SessionContext, Socket } from './session-state.ts';

/** What a session may subscribe to: its token's claims, or every public topic without one. */
export function grantsOf(s: Session): TopicGrants {
  return s.principal?.grants ?? ALL_PUBLIC;
}

/** A token's `exp` as the wire shows it (seconds since the epoch). */
const expSeconds = (expiresAt: number) => Math.floor(expiresAt / 1000);

export class SessionCredentials {
  constructor(
    private readonly ctx: SessionContext,
    private readonly out: SessionOutput,
    private readonly close: (ws: Socket, code: number, reason: string, by: ClosedBy) => void,
  ) {}

  /** Set the timers of the connection's token (at open, and after each refresh). */
  arm(ws: Socket): void {
    const s = ws.data;
    this.disarm(s);
    const p = s.principal;
    if (p === null) return;
    const warn = runAt(p.expiresAt - this.ctx.refreshWindowMs, () =>
      this.ctx.guard(ws, () => this.out.send(ws, { event_type: 'token_expiring', exp: expSeconds(p.expiresAt) })),
    );
    const end = runAt(p.expiresAt, () => this.ctx.guard(ws, () => this.expired(ws)));
    s.expiry = () => {
      warn();
      end();
    };
  }

  disarm(s: Session): void {
    s.expiry?.();
    s.expiry = null;
  }

  /** `{"op":"refresh","token":…}`: verified off the socket callback; the answer is applied if the socket is still open. */
  refresh(ws: Socket, token: string, id: RequestId | undefined): void {
    const verify = this.ctx.verifyToken;
    if (verify === undefined)
      return this.out.reject(ws, 'invalid_message', 'refresh: this server takes no JWTs (see --jwt-secret)', id);
    verify(token).then(
      (verdict) => this.ctx.guard(ws, () => this.refreshed(ws, verdict, id)),
      (error: unknown) => this.ctx.log(`lineage: connection ${ws.data.id}: refresh failed: ${String(error)}`),
    );
  }

  private refreshed(ws: Socket, verdict: TokenVerdict, id: RequestId | undefined): void {
    const s = ws.data;
    if (s.state === 'closing') return;
    // A refused token leaves the old one in force, until its own exp.
    if (!verdict.ok) return this.out.reject(ws, verdict.code, `refresh: ${verdict.message}`, id);
    const p = verdict.principal;
    s.principal = p;
    const dropped = [...s.held].filter((t) => !p.grants.coversName(t));
    if (dropped.length > 0) {
      for (const t of dropped) {
        s.held.delete(t);
        s.conflate.delete(t);
      }
      if (s.state === 'live') this.out.deliver(ws);
      this.out.send(ws, {
        event_type: 'unsubscribed',
        id,
        topics: dropped,
        subscriptions: [...s.held],
        reason: 'forbidden_topic',
      });
    }
    this.arm(ws);
    this.out.send(ws, {
      event_type: 'refreshed',
      id,
      exp: expSeconds(p.expiresAt),
      subscriptions: [...s.held],
    });
  }

  private expired(ws: Socket): void {
    const s = ws.data;
    if (s.state === 'closing') return;
    this.ctx.log(`lineage: connection ${s.id}${subLabel(s.principal)}: token expired, closing with 4001`);
    this.close(ws, CloseCode.TokenExpired, CloseReason.tokenExpired, 'token_expired');
  }
}
