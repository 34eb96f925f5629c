// The address a request is counted under: the peer's, or with `--trust-proxy N` the one X-Forwarded-For names N
// proxies back. Each proxy appends the address it saw, so the last N entries are the ones our own proxies wrote; any
// entry before them is whatever the client claimed, and is never used.

const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/** Pure: `peer` is `server.requestIP(req)?.address`; `hops` is 0 (off) to 10. */
export function clientAddress(peer: string | null | undefined, forwardedFor: string | null, hops: number): string {
  if (hops > 0 && forwardedFor !== null) {
    const entries = forwardedFor.split(',').map((e) => e.trim());
    const entry = entries[entries.length - hops];
    if (entry !== undefined && ADDRESS.test(entry)) return entry.toLowerCase();
  }
  return peer ?? 'unknown';
}
