// The address a request is counted under: the peer's, or, when the peer is one of the proxies named by --trust-proxy,
// the one X-Forwarded-For names. Each proxy appends the address it saw, so the header is read from the right: entries
// written by our own proxies are skipped, and the first one that is not a trusted proxy is the client. What a client
// writes into the header itself lies further left and is never reached; from a peer that is not a trusted proxy the
// header is ignored altogether. Pure.
import { normalizeAddress } from '../lib/normalize-address.ts';

const ADDRESS = /^[0-9a-f:.]{2,45}$/;

/** `peer` is `server.requestIP(req)?.address`; `proxies` the trusted proxy addresses (normalized; empty = off). */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null,
  proxies: ReadonlySet<string>,
): string {
  if (peer === null || peer === undefined) return 'unknown';
  const from = normalizeAddress(peer);
  if (proxies.size === 0 || forwardedFor === null || !proxies.has(from)) return from;
  const entries = forwardedFor.split(',');
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = normalizeAddress(entries[i] as string);
    if (!ADDRESS.test(entry)) return from;
    if (!proxies.has(entry)) return entry;
  }
  return from;
}
