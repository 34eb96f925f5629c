// Turns a failed first connection into the one line the terminal client prints before exiting 1.

const HTTP_HINTS: Record<number, string> = {
  401: 'a token is required: pass --token or set LINEAGE_AUTH_TOKEN',
  429: 'too many connections or requests from this address; try again after a while',
  403: 'this Origin is not allowed by the server (--origins)',
  404: 'no WebSocket endpoint at this path (use / or /ws)',
  503: 'the server is at its connection limit or shutting down; try again shortly',
};

/** `error` is what the runtime reported (Bun includes the HTTP status of a refused upgrade; browsers say nothing). */
export function describeConnectFailure(url: string, code: number, reason: string, error: string | null): string {
  const status = error === null ? null : /\b(?:status(?: code)?:?)\s*(\d{3})\b/i.exec(error);
  if (status) {
    const n = Number(status[1]);
    const hint = HTTP_HINTS[n];
    return `cannot connect to ${url}: the server refused the upgrade (HTTP ${n})${hint ? `: ${hint}` : ''}`;
  }
  if (code !== 1006 && code !== 0) {
    return `cannot connect to ${url}: the server closed the connection (${code}${reason ? ` ${reason}` : ''})`;
  }
  return `cannot connect to ${url}: connection refused or unreachable (is \`bun run server\` running?)`;
}
