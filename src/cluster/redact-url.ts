// A Redis URL as it may be printed: the user and password never appear, whatever characters they contain. Pure.

/** `redis://***@host:port/db` for a URL with credentials, the URL itself without; nothing of an unparseable one. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<redis URL not shown: it does not parse>';
  }
  const credentials = parsed.username !== '' || parsed.password !== '';
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.protocol}//${credentials ? '***@' : ''}${parsed.host}${path}`;
}
