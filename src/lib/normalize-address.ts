// An IP address as compared and counted: trimmed, lower-case, and an IPv4-mapped IPv6 address as its IPv4 form
// (`::ffff:127.0.0.1` is `127.0.0.1`), so a proxy named either way matches the peer Bun reports.
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
