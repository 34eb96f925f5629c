// Upgrade admission: bearer token (constant-time) and Origin allow-list.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares in constant time (hashing first makes lengths equal). */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/** The token from `Authorization: Bearer <token>` or `?token=`. */
export function presentedToken(req: Request, url: URL): string | null {
  const header = req.headers.get('authorization');
  if (header !== null) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m ? (m[1] as string) : null;
  }
  return url.searchParams.get('token');
}

/** Browsers send Origin; non-browser clients usually do not, and are not restricted by it. */
export function originAllowed(allowed: readonly string[] | undefined, origin: string | null): boolean {
  if (allowed === undefined || allowed.length === 0 || origin === null) return true;
  return allowed.includes(origin) || allowed.includes('*');
}
