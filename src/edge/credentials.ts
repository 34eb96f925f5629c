// Who may connect: anyone (nothing configured), the holders of the shared `--auth-token`, or the bearers of a JWT
// from one key source. One answer per request: its principal (null without JWTs), or the 401 to send.
import type { Config } from '../config.ts';
import type { Principal, TokenVerdict, VerifyToken } from '../hub/principal.ts';
import type { Refusal } from './admission.ts';
import { presentedToken, tokenMatches } from './auth.ts';
import { JWKS_ALGORITHMS, JwksFile } from './jwks-file.ts';
import { readPublicKey, type VerificationKey, verifyJwt } from './jwt-verifier.ts';

export type AuthVerdict = { ok: true; principal: Principal | null } | { ok: false; refusal: Refusal };

export interface Credentials {
  /** `none`, `token` (shared) or the JWT algorithms accepted, for the startup line. */
  readonly describe: string;
  /** A request's credential: synchronous unless a JWT must be verified. */
  check(req: Request, url: URL): AuthVerdict | Promise<AuthVerdict>;
  /** For the hub's `refresh` op; absent without JWTs. */
  readonly verifyToken: VerifyToken | undefined;
  /** SIGHUP: re-read what can be re-read (a JWKS file). */
  reload(): Promise<void>;
  stop(): void;
}

export type CredentialOptions = Partial<Pick<Config, 'authToken' | 'jwtSecret' | 'jwtPublicKey' | 'jwks'>>;

const MISSING = 'a valid token is required (Authorization: Bearer <token> or ?token=)';

export function unauthorized(code: 'unauthorized' | 'token_expired' = 'unauthorized', message = MISSING): Refusal {
  // RFC 6750: a presented token that was refused is an invalid_token.
  const challenge = message === MISSING ? 'Bearer' : 'Bearer error="invalid_token"';
  return { reason: code, status: 401, code, message, headers: { 'www-authenticate': challenge } };
}

const open: AuthVerdict = { ok: true, principal: null };
const OPEN: Credentials = {
  describe: 'none',
  check: () => open,
  verifyToken: undefined,
  reload: async () => {},
  stop: () => {},
};

function shared(token: string): Credentials {
  return {
    ...OPEN,
    describe: 'a shared token',
    check: (req, url) =>
      tokenMatches(token, presentedToken(req, url)) ? open : { ok: false, refusal: unauthorized() },
  };
}

function jwt(key: VerificationKey, algorithms: readonly string[], jwks: JwksFile | null): Credentials {
  const verifyToken: VerifyToken = (token) => verifyJwt(token, key, algorithms);
  const verdictOf = (v: TokenVerdict): AuthVerdict =>
    v.ok ? { ok: true, principal: v.principal } : { ok: false, refusal: unauthorized(v.code, v.message) };
  return {
    describe: `JWTs (${algorithms.join(', ')})`,
    check(req, url) {
      const token = presentedToken(req, url);
      if (token === null) return { ok: false, refusal: unauthorized() };
      return verifyToken(token).then(verdictOf);
    },
    verifyToken,
    reload: async () => void (await jwks?.reload('SIGHUP')),
    stop: () => jwks?.stop(),
  };
}

/** No JWTs: the shared token when one is set, else open. */
export function tokenCredentials(authToken: string | undefined): Credentials {
  return authToken !== undefined ? shared(authToken) : OPEN;
}

/** The credentials of a config (the config schema already refused more than one source). Throws a one-line Error. */
export async function openCredentials(o: CredentialOptions, log: (line: string) => void): Promise<Credentials> {
  if (o.jwtSecret !== undefined) return jwt(new TextEncoder().encode(o.jwtSecret), ['HS256'], null);
  if (o.jwtPublicKey !== undefined) {
    const { key, algorithm } = await readPublicKey(o.jwtPublicKey);
    return jwt(key, [algorithm], null);
  }
  if (o.jwks !== undefined) {
    const file = await JwksFile.open(o.jwks, log);
    file.watch();
    return jwt(file.key, JWKS_ALGORITHMS, file);
  }
  return tokenCredentials(o.authToken);
}
