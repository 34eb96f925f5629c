// The key set of `--jwks`: read at start (a bad file stops the start), then re-read on SIGHUP (main.ts) and when the
// file changes, so keys rotate without a restart. A bad new file keeps the keys in force and says why, once.
import { readFileSync, statSync } from 'node:fs';
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

/** What identifies one version of the file: a rename (a new inode), a write (mtime, size). */
function versionOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return 'absent';
  }
}

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
  private timer: ReturnType<typeof setInterval> | null = null;

  private constructor(
    readonly path: string,
    first: JWTVerifyGetKey,
    /** The version of the file last read (taken before reading, so a change during the read is seen next time). */
    private version: string,
    private readonly log: (line: string) => void,
  ) {
    this.resolver = first;
  }

  /** Throws a one-line Error when the file cannot be read or holds no usable key. */
  static async open(path: string, log: (line: string) => void): Promise<JwksFile> {
    try {
      const version = versionOf(path);
      const { resolver, kids } = await readKeySet(path);
      log(`🔑 JWTs checked against ${path} (kids: ${kids.join(', ')})`);
      return new JwksFile(path, resolver, version, log);
    } catch (error) {
      throw new Error(`--jwks: cannot use ${path}: ${describeError(error)}`);
    }
  }

  /** The key in force: jose picks it by `kid` (and algorithm) from the set last read. */
  readonly key: JWTVerifyGetKey = (header, token) => this.resolver(header, token);

  /** Re-read the file; on failure the previous keys stay. Never rejects. */
  async reload(why: string): Promise<boolean> {
    this.version = versionOf(this.path);
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

  /**
   * Re-read when the file is not the version last read: polled, and compared with what was read rather than with the
   * previous poll, so an editor's or a deploy's rename is seen, even one made before the first poll.
   */
  watch(intervalMs = 500): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (versionOf(this.path) !== this.version) void this.reload('file changed');
    }, intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
