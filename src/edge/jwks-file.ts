// The key set of `--jwks`: read at start (a bad file stops the start), then re-read on SIGHUP (main.ts) and when the
// file changes, so keys rotate without a restart. A bad new file keeps the keys in force and says why, once.
import { readFileSync, type Stats, unwatchFile, watchFile } from 'node:fs';
import { createLocalJWKSet, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { describeError } from '../lib/describe-error.ts';

/** The algorithms a JWKS file's keys may sign with: asymmetric only, so a public key set never accepts an HMAC. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

const KeySet = z.object({
  keys: z
    .array(
      z.looseObject({
        kty: z.enum(['RSA', 'EC'], { error: 'each key is RSA or EC' }),
        kid: z.string().optional(),
        alg: z.enum(JWKS_ALGORITHMS, { error: 'alg, when set, is RS256 or ES256' }).optional(),
      }),
    )
    .min(1, 'the key set has no keys'),
});

/** Read and check every key (so a broken key is found now, not at the first token it should verify). */
async function readKeySet(path: string): Promise<{ resolver: JWTVerifyGetKey; kids: string[] }> {
  const parsed = KeySet.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'not a JWKS');
  for (const jwk of parsed.data.keys) await importJWK(jwk as JWK, jwk.alg ?? (jwk.kty === 'RSA' ? 'RS256' : 'ES256'));
  return {
    resolver: createLocalJWKSet(parsed.data as { keys: JWK[] }),
    kids: parsed.data.keys.map((k) => k.kid ?? '?'),
  };
}

export class JwksFile {
  private resolver: JWTVerifyGetKey;
  private listener: ((now: Stats, before: Stats) => void) | null = null;

  private constructor(
    readonly path: string,
    first: JWTVerifyGetKey,
    private readonly log: (line: string) => void,
  ) {
    this.resolver = first;
  }

  /** Throws a one-line Error when the file cannot be read or holds no usable key. */
  static async open(path: string, log: (line: string) => void): Promise<JwksFile> {
    try {
      const { resolver, kids } = await readKeySet(path);
      log(`🔑 JWTs checked against ${path} (kids: ${kids.join(', ')})`);
      return new JwksFile(path, resolver, log);
    } catch (error) {
      throw new Error(`--jwks: cannot use ${path}: ${describeError(error)}`);
    }
  }

  /** The key in force: jose picks it by `kid` (and algorithm) from the set last read. */
  readonly key: JWTVerifyGetKey = (header, token) => this.resolver(header, token);

  /** Re-read the file; on failure the previous keys stay. Never rejects. */
  async reload(why: string): Promise<boolean> {
    try {
      const { resolver, kids } = await readKeySet(this.path);
      this.resolver = resolver;
      this.log(`lineage: --jwks re-read (${why}): kids ${kids.join(', ')}`);
      return true;
    } catch (error) {
      this.log(`lineage: --jwks re-read (${why}) failed, keeping the previous keys: ${describeError(error)}`);
      return false;
    }
  }

  /** Re-read when the file changes (polled: an editor's or a deploy's rename is seen too). */
  watch(intervalMs = 500): void {
    if (this.listener !== null) return;
    this.listener = (now, before) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino)
        void this.reload('file changed');
    };
    watchFile(this.path, { interval: intervalMs, persistent: false }, this.listener);
  }

  stop(): void {
    if (this.listener !== null) unwatchFile(this.path, this.listener);
    this.listener = null;
  }
}
