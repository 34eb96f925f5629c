// Reads what the load clients need from a stream frame (family, sequence, timestamp, snapshot, conflation) from its bytes.

/** Topic families of the stream (a trade's `event_type` is `trade`, its family `trades`; a candle's, `candles`). */
export type StreamFamily = 'market' | 'agent' | 'arena' | 'trades' | 'book' | 'candles';

/** Where the scanner writes; reused for every frame so the hot path allocates nothing. */
export interface ScannedEvent {
  family: StreamFamily;
  sequence: number;
  /** Epoch ms of the frame's first `timestamp` (NaN when it has none). */
  timestamp: number;
  snapshot: boolean;
  /** A conflated delivery's `"conflated": k` (the events of its key it replaced); -1 when it is not conflated. */
  conflated: number;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const PREFIX = bytes('{"event_type":"');
const MARKET = bytes('market"');
const AGENT = bytes('agent"');
const ARENA = bytes('arena"');
const TRADE = bytes('trade"');
const BOOK = bytes('book"');
const CANDLE = bytes('candle"');
const CONFLATED_KEY = bytes('"conflated":');
const SEQUENCE_KEY = bytes('"sequence":');
const KEY_SEQ_KEY = bytes('"key_seq":');
const TIMESTAMP_KEY = bytes('"timestamp":"');
const SNAPSHOT_KEY = bytes(',"snapshot":true');
/** `2026-02-03T14:30:45.123Z` */
export const ISO_LENGTH = 24;

export function newScannedEvent(): ScannedEvent {
  return { family: 'market', sequence: 0, timestamp: Number.NaN, snapshot: false, conflated: -1 };
}

function matchAt(d: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at < 0 || at + word.length > d.length) return false;
  for (let i = 0; i < word.length; i++) if (d[at + i] !== word[i]) return false;
  return true;
}

/** First index of `word` in d[from, to), or -1. */
function indexOf(d: Uint8Array, word: Uint8Array, from: number, to: number): number {
  const first = word[0];
  for (let i = from, last = to - word.length; i <= last; i++) if (d[i] === first && matchAt(d, i, word)) return i;
  return -1;
}

/** The non-negative integer whose last digit is at `last` (not reaching back to `floor`), with where it starts. */
function numberEndingAt(d: Uint8Array, last: number, floor: number): { value: number; start: number } | null {
  let value = 0;
  let scale = 1;
  let i = last;
  for (; i > floor && scale <= 1e15; i--) {
    const c = (d[i] as number) - 48;
    if (c < 0 || c > 9) break;
    value += c * scale;
    scale *= 10;
  }
  return scale === 1 ? null : { value, start: i + 1 };
}

function digits(d: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const c = (d[at + i] as number) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Epoch ms of `YYYY-MM-DDTHH:MM:SS.mmmZ` at `at` (NaN when it is not one). */
export function parseIsoAt(d: Uint8Array, at: number): number {
  if (at + ISO_LENGTH > d.length || d[at + 10] !== 84 /* T */ || d[at + 23] !== 90 /* Z */) return Number.NaN;
  return Date.UTC(
    digits(d, at, 4),
    digits(d, at + 5, 2) - 1,
    digits(d, at + 8, 2),
    digits(d, at + 11, 2),
    digits(d, at + 14, 2),
    digits(d, at + 17, 2),
    digits(d, at + 20, 3),
  );
}

/**
 * True (and `out` filled) when `d[start, end)` is a stream event ending in an integer `sequence` (optionally followed
 * by `"key_seq"`, `"snapshot":true` and a conflated delivery's `"conflated"`); false for control frames, which the
 * caller parses as JSON. Lineage writes `sequence` after the payload, and so do the reference servers.
 */
export function scanStreamFrame(d: Uint8Array, start: number, end: number, out: ScannedEvent): boolean {
  if (!matchAt(d, start, PREFIX)) return false;
  const at = start + PREFIX.length;
  if (matchAt(d, at, MARKET)) out.family = 'market';
  else if (matchAt(d, at, TRADE)) out.family = 'trades';
  else if (matchAt(d, at, BOOK)) out.family = 'book';
  else if (matchAt(d, at, CANDLE)) out.family = 'candles';
  else if (matchAt(d, at, AGENT)) out.family = 'agent';
  else if (matchAt(d, at, ARENA)) out.family = 'arena';
  else return false;
  if (d[end - 1] !== 125) return false;
  // `stop` is the byte right after the frame's own fields: its closing '}', or the ',' before `"conflated"`.
  let stop = end - 1;
  out.conflated = -1;
  const c = numberEndingAt(d, stop - 1, at);
  if (c !== null && matchAt(d, c.start - CONFLATED_KEY.length, CONFLATED_KEY)) {
    const comma = c.start - CONFLATED_KEY.length - 1;
    if (d[comma] !== 44) return false;
    out.conflated = c.value;
    stop = comma;
  }
  out.snapshot = stop - SNAPSHOT_KEY.length > at && matchAt(d, stop - SNAPSHOT_KEY.length, SNAPSHOT_KEY);
  const after = out.snapshot ? stop - SNAPSHOT_KEY.length : stop;
  let n = numberEndingAt(d, after - 1, at);
  // `"key_seq":N` may follow the sequence (Lineage's per-key sequence); the sequence is the number before it.
  if (n !== null && matchAt(d, n.start - KEY_SEQ_KEY.length, KEY_SEQ_KEY)) {
    const comma = n.start - KEY_SEQ_KEY.length - 1;
    n = d[comma] === 44 ? numberEndingAt(d, comma - 1, at) : null;
  }
  if (n === null || !matchAt(d, n.start - SEQUENCE_KEY.length, SEQUENCE_KEY)) return false;
  out.sequence = n.value;
  const t = indexOf(d, TIMESTAMP_KEY, at, end);
  out.timestamp = t === -1 ? Number.NaN : parseIsoAt(d, t + TIMESTAMP_KEY.length);
  return true;
}
