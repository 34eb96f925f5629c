// Random and malformed tokens against a server that takes JWTs: every one is answered 401 with the JSON error shape
// (never a crash, a 5xx or a stack trace), on upgrades, SSE and /api, by header and by ?token=.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { hs256, inSeconds, SECRET, upgradeRequest } from '../helpers/jwt.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

const TOKENS = Number(process.env.LINEAGE_FUZZ_TOKENS ?? 300);
let server: ServerProcess;
beforeAll(async () => {
  server = await startServer(['--market-interval-ms', '50'], { LINEAGE_JWT_SECRET: SECRET });
});
afterAll(async () => {
  await server?.stop('SIGKILL');
});

const b64 = (v: unknown) =>
  Buffer.from(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined')).toString('base64url');
const json = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.anything({ maxDepth: 1 })),
);
const alg = fc.constantFrom('none', 'None', 'HS256', 'HS384', 'RS256', 'ES256', 'PS256', 'EdDSA', '', 42, null);
const header = fc.record(
  {
    alg,
    typ: fc.constantFrom('JWT', 'jwt', 'JOSE', 7),
    kid: fc.string({ maxLength: 10 }),
    crit: fc.array(fc.string()),
  },
  { requiredKeys: [] },
);
/** Claims no correctly signed token may carry and still be accepted. */
const badClaims = fc.oneof(
  fc.record({ exp: fc.integer({ min: 0, max: inSeconds(-1) }) }),
  fc.record({ exp: fc.oneof(fc.string(), fc.constant(null), fc.boolean(), fc.double({ noInteger: true, min: 2e9 })) }),
  fc.record({ exp: fc.constant(1e15) }),
  fc.record({
    sub: fc.string(),
    topics: fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { minLength: 1 })),
  }),
  fc.record({ exp: fc.constant(inSeconds(600)), sub: fc.oneof(fc.integer(), fc.array(fc.string())) }),
  fc.record({ exp: fc.constant(inSeconds(600)), topics: fc.constant(['market.**']) }),
);
const secret = new TextEncoder().encode(SECRET);

const token = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.array(fc.base64String({ maxLength: 60 }), { maxLength: 5 }).map((parts) => parts.join('.')),
  // Structured but unsigned or badly signed.
  fc
    .tuple(header, json, fc.oneof(fc.constant(''), fc.base64String({ maxLength: 80 })))
    .map(([h, p, sig]) => `${b64(h)}.${b64(p)}.${sig.replace(/=+$/, '')}`),
  // Signed with the right secret (as jose would), with claims the server must refuse.
  badClaims.map((claims) => ({ claims })),
  // Signed with the wrong secret, otherwise valid.
  fc.constant({ wrongSecret: true }),
);

type Made = string | { claims: Record<string, unknown> } | { wrongSecret: true };
async function realize(t: Made): Promise<string> {
  if (typeof t === 'string') return t;
  if ('wrongSecret' in t) return hs256({}, 'not-the-server-secret-but-32-chars-long');
  return new SignJWT(t.claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);
}

describe('JWT fuzzing', () => {
  test(`${TOKENS} random and malformed tokens: always 401 with a JSON error, the server never falls over`, async () => {
    const problems: string[] = [];
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom('upgrade', 'sse', 'api'), fc.boolean(), async (made, where, inHeader) => {
        const t = await realize(made as Made);
        const ascii = t.replace(/[^\x20-\x7e]/g, '');
        const query = inHeader ? '' : `?token=${encodeURIComponent(t)}`;
        const headers: Record<string, string> = inHeader ? { authorization: `Bearer ${ascii}` } : {};
        const r =
          where === 'upgrade'
            ? await upgradeRequest(server.http, `/${query}`, headers)
            : await fetch(`${server.http}${where === 'sse' ? '/sse' : '/api/snapshot'}${query}`, { headers });
        const body = await r.text();
        let code = '?';
        try {
          code = String((JSON.parse(body) as { error: { code: unknown } }).error.code);
        } catch {}
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (r.status !== 401 || (code !== 'unauthorized' && code !== 'token_expired'))
          problems.push(`${where} ${JSON.stringify(t).slice(0, 120)} → ${r.status} ${body.slice(0, 120)}`);
        if (/\bat \S+ \(|\/work\/|node_modules|\.ts:\d+/.test(body)) problems.push(`leak: ${body.slice(0, 200)}`);
      }),
      { numRuns: TOKENS, seed: 16 },
    );
    console.log(`[jwt fuzz] ${TOKENS} tokens, codes ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.http}/health`)).status).toBe(200);
    // Not vacuous: the same server does let a valid token in.
    expect((await fetch(`${server.http}/api/snapshot?token=${await hs256()}`)).status).toBe(200);
  }, 300_000);
});
