// Builds the WebSocket URL of a (re)connection: chosen topics, and `since`/`epoch` when resuming.

export interface StreamUrlOptions {
  /** Topics to hold; `null` keeps the server's default (`market` and `agent`). */
  topics?: readonly string[] | null;
  /** Resume after this sequence. */
  since?: number | null;
  /** The epoch `since` belongs to, so the server can refuse a resume into another sequence space. */
  epoch?: string | null;
  token?: string | null;
}

/** Accepts `ws://`, `wss://`, `http://`, `https://` and bare `host:port`; throws a one-line `Error` otherwise. */
export function normalizeServerUrl(input: string): string {
  const text = input.trim();
  if (text.length === 0) throw new Error('the server URL is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ws://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${input}" is not a valid URL (expected e.g. ws://127.0.0.1:9001)`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new Error(`"${input}" is not a WebSocket URL (expected ws:// or wss://)`);
  if (url.hostname.length === 0) throw new Error(`"${input}" has no host`);
  url.hash = '';
  return url.toString();
}

/** The URL for one connection attempt; parameters already on `base` are kept unless overridden. */
export function streamUrl(base: string, options: StreamUrlOptions = {}): string {
  const url = new URL(base);
  if (options.topics !== undefined && options.topics !== null) url.searchParams.set('topics', options.topics.join(','));
  if (options.since !== undefined && options.since !== null) {
    url.searchParams.set('since', String(options.since));
    if (options.epoch) url.searchParams.set('epoch', options.epoch);
    else url.searchParams.delete('epoch');
  } else {
    url.searchParams.delete('since');
    url.searchParams.delete('epoch');
  }
  if (options.token) url.searchParams.set('token', options.token);
  // Keep commas readable (`topics=market,arena`); the server splits on them either way.
  return url.toString().replace(/%2C/gi, ',');
}
