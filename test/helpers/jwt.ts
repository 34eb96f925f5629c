// Real JWTs for tests, minted with jose: HS256 secrets, RS256/ES256 key pairs, JWKS files; and a hub harness that
// takes them (credentials from the same openCredentials the server uses).
import { writeFileSync } from 'node:fs';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { type CredentialOptions, openCredentials } from '../../src/edge/credentials.ts';
import type { EdgeOptions } from '../../src/edge/edge.ts';
import type { HubOptions } from '../../src/hub/hub.ts';
import { type Harness, startHarness } from './hub-harness.ts';

export const SECRET = 'a-test-secret-of-at-least-32-characters!';

/** Seconds since the epoch, `s` from now. */
export const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

export interface Claims extends JWTPayload {
  topics?: unknown;
}

/** An HS256 token (with `exp` one minute ahead unless the claims say otherwise; `exp: undefined` leaves it out). */
export function hs256(claims: Claims = {}, secret = SECRET): Promise<string> {
  return sign(claims, new TextEncoder().encode(secret), { alg: 'HS256' });
}

export async function sign(
  claims: Claims,
  key: Parameters<SignJWT['sign']>[0],
  header: { alg: string; kid?: string },
): Promise<string> {
  const body: Claims = { sub: 'tester', topics: ['*'], exp: inSeconds(60), ...claims };
  if ('exp' in claims && claims.exp === undefined) delete body.exp;
  return new SignJWT(body).setProtectedHeader(header).sign(key);
}

/** `alg: none`: the header and payload, and an empty signature. */
export function unsigned(claims: Claims = {}): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', topics: ['*'], exp: inSeconds(60), ...claims })}.`;
}

export type Alg = 'RS256' | 'ES256';

/** A key pair: its PEM public key and JWK (with `kid`), and a signer of tokens with it. */
export async function keyPair(alg: Alg, kid = `${alg}-${crypto.randomUUID().slice(0, 8)}`) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const pem = await exportSPKI(publicKey);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, pem, jwk, token: (claims: Claims = {}) => sign(claims, privateKey, { alg, kid }) };
}

export function writeJwks(path: string, keys: readonly object[]): void {
  writeFileSync(path, JSON.stringify({ keys }));
}

/** A harness whose edge takes JWTs from `source`; `refreshWindowS` as `--token-refresh-window-s`. */
export async function startJwtHarness(
  source: CredentialOptions,
  hub: Partial<HubOptions> = {},
  edge: Partial<EdgeOptions> = {},
): Promise<Harness & { logs: string[] }> {
  const logs: string[] = [];
  const credentials = await openCredentials(source, (l) => logs.push(l));
  const h = startHarness(
    { verifyToken: credentials.verifyToken, log: (l) => logs.push(l), ...hub },
    { credentials, ...edge },
  );
  const stop = h.stop;
  return Object.assign(h, {
    logs,
    stop() {
      credentials.stop();
      stop();
    },
  });
}

/** A WebSocket upgrade as a plain fetch, so a refusal's status, headers and JSON body can be read. */
export function upgradeRequest(http: string, path = '/', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${http}${path}`, {
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      ...headers,
    },
  });
}
