// JWT verification with jose, never by hand: one key source (an HS256 secret, a PEM public key for RS256 or ES256, or
// a JWKS file chosen by `kid`), only that source's algorithms, `exp` required, then the claims Lineage reads.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CryptoKey, importSPKI, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Principal, TokenVerdict } from '../hub/principal.ts';
import { TokenClaims, TopicGrants } from '../protocol/credentials.ts';

/** Longer tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

/** How a token's key is found: one fixed key, or a resolver over a key set (by `kid`). */
export type VerificationKey = Uint8Array | CryptoKey | JWTVerifyGetKey;

/** The PEM public key of `--jwt-public-key`, with the one algorithm its type allows. Throws a one-line Error. */
export async function readPublicKey(path: string): Promise<{ key: CryptoKey; algorithm: 'RS256' | 'ES256' }> {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--jwt-public-key: cannot read ${path}: ${(error as Error).message}`);
  }
  let algorithm: 'RS256' | 'ES256';
  try {
    const info = createPublicKey(pem);
    if (info.asymmetricKeyType === 'rsa') algorithm = 'RS256';
    else if (info.asymmetricKeyType === 'ec' && info.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      algorithm = 'ES256';
    else throw new Error(`a ${info.asymmetricKeyType} key; expected RSA (RS256) or EC P-256 (ES256)`);
    return { key: await importSPKI(pem, algorithm), algorithm };
  } catch (error) {
    throw new Error(`--jwt-public-key: ${path} is not a usable public key: ${(error as Error).message}`);
  }
}

/** Why jose refused a token, as one line for the client (no key material, nothing from the token but its claims). */
function refusalOf(error: unknown, algorithms: readonly string[]): TokenVerdict {
  const code = (error as { code?: unknown }).code;
  const unauthorized = (message: string): TokenVerdict => ({ ok: false, code: 'unauthorized', message });
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return { ok: false, code: 'token_expired', message: 'the token has expired' };
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return unauthorized(`the token's algorithm is not accepted (accepted: ${algorithms.join(', ')})`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return unauthorized('the token signature does not verify');
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return unauthorized("no key of the key set matches the token's kid");
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return unauthorized('several keys match the token: it needs a kid');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return unauthorized(`the token's claims are invalid: ${(error as Error).message}`);
    default:
      return unauthorized('the token is malformed');
  }
}

/** Verify one token against `key`, accepting only `algorithms`. Never rejects. */
export async function verifyJwt(
  token: string,
  key: VerificationKey,
  algorithms: readonly string[],
): Promise<TokenVerdict> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
    return { ok: false, code: 'unauthorized', message: 'the token is malformed' };
  let payload: unknown;
  try {
    const options = { algorithms: [...algorithms], requiredClaims: ['exp'] };
    // jose's overloads differ by key kind only; each call is the same check.
    payload =
      typeof key === 'function'
        ? (await jwtVerify(token, key, options)).payload
        : (await jwtVerify(token, key, options)).payload;
  } catch (error) {
    return refusalOf(error, algorithms);
  }
  const claims = TokenClaims.safeParse(payload);
  if (!claims.success)
    return { ok: false, code: 'unauthorized', message: claims.error.issues[0]?.message ?? 'invalid claims' };
  const principal: Principal = {
    sub: claims.data.sub ?? null,
    expiresAt: claims.data.exp * 1000,
    grants: new TopicGrants(claims.data.topics ?? []),
  };
  return { ok: true, principal };
}
