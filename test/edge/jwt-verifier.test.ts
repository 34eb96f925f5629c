// JWT verification with real tokens minted by jose: every refusal (bad signature, unknown kid, wrong algorithm,
// alg none, expired, missing exp, malformed), the three key sources, and a JWKS file's rotation.
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { type Credentials, openCredentials } from '../../src/edge/credentials.ts';
import { JwksFile } from '../../src/edge/jwks-file.ts';
import { MAX_TOKEN_LENGTH, readPublicKey, verifyJwt } from '../../src/edge/jwt-verifier.ts';
import { waitUntil } from '../helpers/clients.ts';
import { hs256, inSeconds, keyPair, SECRET, unsigned, writeJwks } from '../helpers/jwt.ts';

const dir = mkdtempSync(join(tmpdir(), 'lineage-jwt-'));
const opened: Credentials[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.stop();
});
const open = async (o: Parameters<typeof openCredentials>[0]) => {
  const c = await openCredentials(o, () => {});
  opened.push(c);
  return c.verifyToken as NonNullable<Credentials['verifyToken']>;
};
const secretKey = new TextEncoder().encode(SECRET);

describe('HS256 (--jwt-secret)', () => {
  test('a valid token gives its sub, exp (ms) and topics', async () => {
    const exp = inSeconds(120);
    const v = await verifyJwt(await hs256({ sub: 'alice', exp, topics: ['market.*'] }), secretKey, ['HS256']);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.principal.sub).toBe('alice');
    expect(v.principal.expiresAt).toBe(exp * 1000);
    expect(v.principal.grants.coversName('market.BTC-USD')).toBe(true);
    expect(v.principal.grants.coversName('arena')).toBe(false);
  });

  test.each([
    ['bad signature', () => hs256({}, 'another-secret-of-at-least-32-characters'), 'unauthorized', /signature/],
    ['expired', () => hs256({ exp: inSeconds(-5) }), 'token_expired', /expired/],
    ['no exp', () => hs256({ exp: undefined }), 'unauthorized', /exp/],
    ['alg none', async () => unsigned(), 'unauthorized', /algorithm/],
    ['topics not an array', () => hs256({ topics: 'market' }), 'unauthorized', /topics/],
    ['a bad topic pattern', () => hs256({ topics: ['market.**'] }), 'unauthorized', /topics/],
    ['garbage', async () => 'not.a.jwt', 'unauthorized', /malformed/],
    ['empty', async () => '', 'unauthorized', /malformed/],
    ['too long', async () => 'a'.repeat(MAX_TOKEN_LENGTH + 1), 'unauthorized', /malformed/],
  ])('%s → %s', async (_name, make, code, message) => {
    const v = await verifyJwt(await make(), secretKey, ['HS256']);
    expect(v).toMatchObject({ ok: false, code });
    if (!v.ok) expect(v.message).toMatch(message);
  });

  test('an RS256 token is refused by an HS256 server (only the configured algorithm)', async () => {
    const rsa = await keyPair('RS256');
    const verify = await open({ jwtSecret: SECRET });
    expect(await verify(await rsa.token())).toMatchObject({ ok: false, code: 'unauthorized' });
  });
});

describe('a PEM public key (--jwt-public-key)', () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    test(`${alg}: valid, bad signature, HS256 signed with the public key itself, alg none`, async () => {
      const pair = await keyPair(alg);
      const other = await keyPair(alg);
      const path = join(dir, `${alg}.pem`);
      writeFileSync(path, pair.pem);
      expect((await readPublicKey(path)).algorithm).toBe(alg);
      const verify = await open({ jwtPublicKey: path });
      expect((await verify(await pair.token({ sub: 'bob' }))).ok).toBe(true);
      expect(await verify(await other.token())).toMatchObject({ ok: false, code: 'unauthorized' });
      // The classic confusion: an HMAC keyed with the (public) PEM text must not pass as the public key's signature.
      const confused = await hs256({}, pair.pem);
      const v = await verify(confused);
      expect(v).toMatchObject({ ok: false, code: 'unauthorized' });
      if (!v.ok) expect(v.message).toContain(`accepted: ${alg}`);
      expect(await verify(unsigned())).toMatchObject({ ok: false, code: 'unauthorized' });
      expect(await verify(await pair.token({ exp: inSeconds(-1) }))).toMatchObject({
        ok: false,
        code: 'token_expired',
      });
    });
  }

  test('a key of another kind, or no key, stops the start with one line', async () => {
    const { publicKey } = await generateKeyPair('ES384', { extractable: true });
    const p384 = join(dir, 'p384.pem');
    writeFileSync(p384, await exportSPKI(publicKey));
    await expect(readPublicKey(p384)).rejects.toThrow(/--jwt-public-key: .* expected RSA \(RS256\) or EC P-256/);
    writeFileSync(join(dir, 'junk.pem'), 'hello');
    await expect(readPublicKey(join(dir, 'junk.pem'))).rejects.toThrow('--jwt-public-key');
    await expect(readPublicKey(join(dir, 'missing.pem'))).rejects.toThrow('cannot read');
  });
});

describe('a JWKS file (--jwks)', () => {
  test('the key is chosen by kid; an unknown kid, an HS256 token and alg none are refused', async () => {
    const rsa = await keyPair('RS256', 'rsa-1');
    const ec = await keyPair('ES256', 'ec-1');
    const path = join(dir, 'keys.json');
    writeJwks(path, [rsa.jwk, ec.jwk]);
    const verify = await open({ jwks: path });
    expect((await verify(await rsa.token())).ok).toBe(true);
    expect((await verify(await ec.token())).ok).toBe(true);
    const stranger = await keyPair('RS256', 'rsa-unknown');
    const v = await verify(await stranger.token());
    expect(v).toMatchObject({ ok: false, code: 'unauthorized' });
    if (!v.ok) expect(v.message).toContain('kid');
    const hmac = await new SignJWT({ exp: inSeconds(60) })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .sign(secretKey);
    expect(await verify(hmac)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(await verify(unsigned())).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  test('reload swaps the keys; a broken file keeps the old ones; a rename is seen by the watcher', async () => {
    const first = await keyPair('ES256', 'k1');
    const second = await keyPair('ES256', 'k2');
    const path = join(dir, 'rotate.json');
    writeJwks(path, [first.jwk]);
    const logs: string[] = [];
    const file = await JwksFile.open(path, (l) => logs.push(l));
    const verify = (t: string) => verifyJwt(t, file.key, ['ES256']);
    expect((await verify(await first.token())).ok).toBe(true);
    expect((await verify(await second.token())).ok).toBe(false);

    writeJwks(path, [second.jwk]);
    expect(await file.reload('test')).toBe(true);
    expect((await verify(await second.token())).ok).toBe(true);
    expect((await verify(await first.token())).ok).toBe(false);

    writeFileSync(path, '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}');
    expect(await file.reload('test')).toBe(false);
    expect(logs.at(-1)).toContain('keeping the previous keys');
    expect((await verify(await second.token())).ok).toBe(true);

    file.watch(50);
    try {
      writeJwks(`${path}.new`, [first.jwk, second.jwk]);
      renameSync(`${path}.new`, path);
      await waitUntil(() => logs.some((l) => l.includes('file changed') && l.includes('k1, k2')), 5000, 'the re-read');
      expect((await verify(await first.token())).ok).toBe(true);
    } finally {
      file.stop();
    }
  });

  test('a file that is not a usable key set stops the start', async () => {
    const path = join(dir, 'bad.json');
    for (const text of [
      'nope',
      '{"keys":[]}',
      '{"keys":[{"kty":"oct","k":"eA"}]}',
      '{"keys":[{"kty":"RSA","n":"x"}]}',
    ]) {
      writeFileSync(path, text);
      await expect(JwksFile.open(path, () => {})).rejects.toThrow(/^--jwks: cannot use/);
    }
    await expect(JwksFile.open(join(dir, 'absent.json'), () => {})).rejects.toThrow('--jwks');
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
