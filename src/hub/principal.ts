// Who a connection's token says its bearer is, and the verifier the hub is handed for `refresh` (the edge owns the keys).
import type { TopicGrants } from '../protocol/credentials.ts';

/** A verified JWT, as the hub uses it. */
export interface Principal {
  /** The token's `sub`, for logs (never a metric label); null when it has none. */
  sub: string | null;
  /** The token's `exp`, in ms since the epoch. */
  expiresAt: number;
  /** Its `topics` claim. */
  grants: TopicGrants;
}

export type TokenRefusal = { ok: false; code: 'unauthorized' | 'token_expired'; message: string };
export type TokenVerdict = { ok: true; principal: Principal } | TokenRefusal;

/** Checks a token (signature, algorithm, key, claims); never rejects. */
export type VerifyToken = (token: string) => Promise<TokenVerdict>;

/** `sub=<sub>` for a log line, quoted so a hostile sub cannot forge log lines. */
export function subLabel(principal: Principal | null): string {
  return principal === null ? '' : ` sub=${JSON.stringify(principal.sub ?? '')}`;
}
