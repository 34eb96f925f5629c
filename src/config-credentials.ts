// The options of who may connect: a shared token or JWTs (one of three key sources), and the per-address limits.
import { z } from 'zod';
import { normalizeAddress } from './lib/normalize-address.ts';

const count = (max: number) =>
  z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(0, 'must be ≥ 0')
    .max(max, `must be ≤ ${max}`);
const file = z.string().min(1, 'must name a file');

export const CREDENTIAL_OPTIONS = {
  authToken: {
    flag: 'auth-token',
    env: 'LINEAGE_AUTH_TOKEN',
    schema: z.string().min(8, 'must be at least 8 characters').optional(),
    help: 'require this bearer token (prefer the env var)',
  },
  jwtSecret: {
    flag: 'jwt-secret',
    env: 'LINEAGE_JWT_SECRET',
    // HS256 with a key shorter than its 256-bit output is brute-forceable offline from one token.
    schema: z.string().min(32, 'must be at least 32 characters (256 bits) for HS256').optional(),
    help: 'require an HS256 JWT signed with this secret (prefer the env var)',
  },
  jwtPublicKey: {
    flag: 'jwt-public-key',
    env: 'LINEAGE_JWT_PUBLIC_KEY',
    schema: file.optional(),
    help: 'require a JWT signed by this PEM public key file (RSA: RS256, EC P-256: ES256)',
  },
  jwks: {
    flag: 'jwks',
    env: 'LINEAGE_JWKS',
    schema: file.optional(),
    help: 'require a JWT signed by a key of this JWKS file, chosen by kid; re-read on SIGHUP or change',
  },
  tokenRefreshWindowS: {
    flag: 'token-refresh-window-s',
    env: 'LINEAGE_TOKEN_REFRESH_WINDOW_S',
    schema: count(86_400).default(30),
    help: 'send token_expiring this many seconds before a JWT expires',
  },
  maxConnectionsPerIp: {
    flag: 'max-connections-per-ip',
    env: 'LINEAGE_MAX_CONNECTIONS_PER_IP',
    schema: count(1_000_000).default(0),
    help: 'WebSocket + SSE connections one client address may hold (more → 429); 0 = no limit',
  },
  maxConnectsPerIpPerS: {
    flag: 'max-connects-per-ip-per-s',
    env: 'LINEAGE_MAX_CONNECTS_PER_IP_PER_S',
    schema: count(100_000).default(0),
    help: 'upgrades, SSE and /api requests per second per client address (burst 2×; more → 429); 0 = no limit',
  },
  trustProxy: {
    flag: 'trust-proxy',
    env: 'LINEAGE_TRUST_PROXY',
    schema: z
      .string()
      .transform((v) => (v.trim() === 'off' ? [] : v.split(',').map((x) => normalizeAddress(x))))
      .pipe(
        z
          .array(z.string().regex(/^[0-9a-f:.]{2,45}$/, 'must be off or a comma-separated list of proxy IP addresses'))
          .max(64, 'at most 64 proxy addresses'),
      )
      .transform((list): ReadonlySet<string> => new Set(list))
      .default(new Set<string>()),
    help: 'proxies whose X-Forwarded-For names the client (comma-separated IP addresses); off = always the peer',
  },
} satisfies Record<string, { flag: string; env: string; schema: z.ZodType; help: string }>;

/** The JWT key sources; at most one may be set, and not with `authToken`. */
export const JWT_SOURCES = ['jwtSecret', 'jwtPublicKey', 'jwks'] as const;
