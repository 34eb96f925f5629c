// Run settings from the environment (`k6 run -e NAME=value`): server URL, VUs, durations, topics, threshold limits.

export function env(name: string, fallback: string): string {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

export function envInt(name: string, fallback: number): number {
  const n = Number(env(name, String(fallback)));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: must be a non-negative number`);
  return Math.floor(n);
}

/** k6-style durations (`90s`, `2m`, `1m30s`, `500ms`, or a bare number of seconds) in ms. */
export function durationMs(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let total = 0;
  let rest = text;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  for (let i = 0; i < 8 && rest.length > 0; i++) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (m === null) throw new Error(`not a duration: "${text}"`);
    total += Number(m[1]) * (unit[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  if (rest.length > 0) throw new Error(`not a duration: "${text}"`);
  return total;
}

export const WS_URL = env('WS_URL', 'ws://127.0.0.1:9001');

/** Topics every measuring connection holds (default: every family, so Lineage's global sequence is contiguous). */
export const TOPICS = env('TOPICS', 'market,agent,arena')
  .split(',')
  .map((t) => t.trim())
  .filter((t) => t.length > 0);

/**
 * Whether a connection must see sequences 1, 2, 3, … with no holes. Lineage's `sequence` is global across families, so
 * that only holds when the topics cover every family that publishes (with the books' streams on, that includes
 * `trades`, `candles` and every `book.<SYMBOL>`), or when the server publishes nothing else (the bench's reference
 * servers): then set CONTIGUOUS=true. Gaps are always checked per key by `key_seq` (`key_seq_gaps`), whatever the topics.
 */
export const CONTIGUOUS = env('CONTIGUOUS', 'false') === 'true';

/** Narrow topics to toggle when the welcome frame does not list any (e.g. against the reference servers). */
export const SYMBOLS = env('SYMBOLS', 'BTC-USD,ETH-USD,SOL-USD,XRP-USD')
  .split(',')
  .filter((s) => s.length > 0);

/** The stream URL for `topics`, optionally resuming after `since`. */
export function streamUrl(topics: readonly string[], since?: number): string {
  const sep = WS_URL.includes('?') ? '&' : '?';
  return `${WS_URL}${sep}topics=${encodeURIComponent(topics.join(','))}${since === undefined ? '' : `&since=${since}`}`;
}

/** Thresholds every script shares: connect time, errors, repeats, holes (limits overridable from the environment). */
export function commonThresholds(): Record<string, string[]> {
  return {
    ws_connecting: [`p(95)<${envInt('CONNECT_P95_MS', 1000)}`],
    ws_errors: ['count==0'],
    sequence_gaps: ['count==0'],
    key_seq_gaps: ['count==0'],
    sequence_duplicates: ['count==0'],
    checks: ['rate==1'],
  };
}
