// How events are stored in Redis: stream entry id `<sequence>-1` (appends are idempotent and ordered), and every entry
// names the history it belongs to (epoch, writer, the writer's starting head) so a gateway can check each one. Pure.
import { frameSequence } from '../protocol/encode.ts';
import { parseTopic, TOPIC_FAMILIES, type TopicFamily } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';

const isFamily = (f: string | undefined): f is TopicFamily =>
  (TOPIC_FAMILIES as readonly (string | undefined)[]).includes(f);

export interface ClusterKeys {
  /** The event stream (capped at the history size). */
  events: string;
  /** Latest state per key (`market.<SYMBOL>`, `agent.<ID>`, a book's snapshot under `book.<SYMBOL>`, …), and the
   * latest round under `arena` (the snapshot). */
  latest: string;
  /** Hash: epoch, writer, head, seen, symbols (JSON), families (JSON), updated_at. */
  meta: string;
  /** The writer lease: the id of the one sim node allowed to append. */
  writer: string;
  /** Sorted set of recent arena rounds (summarised), scored by round number (for the gateways' REST API). */
  rounds: string;
}

export function clusterKeys(prefix: string): ClusterKeys {
  return {
    events: `${prefix}:events`,
    latest: `${prefix}:latest`,
    meta: `${prefix}:meta`,
    writer: `${prefix}:writer`,
    rounds: `${prefix}:rounds`,
  };
}

/**
 * Which history an entry belongs to. `epoch` is the sequence space (one database); `writer` the sim node process that
 * appended it; `head` that writer's journal head when it took the stream over. A writer continues a history only if
 * it started at or after what a reader delivered (events are journaled before they are published).
 */
export interface Origin {
  epoch: string;
  writer: string;
  head: number;
}

export interface StreamEntry extends Origin {
  event: PublishedEvent;
}

/** The stream id of a sequence: explicit ids make a re-append of the same event fail instead of duplicating it. */
export function streamId(sequence: number): string {
  return `${sequence}-1`;
}

/** The sequence of a stream id (`<sequence>-<n>`); NaN when it is not one. */
export function sequenceOf(id: string): number {
  const m = /^(\d{1,16})(?:-\d+)?$/.exec(id);
  return m ? Number(m[1]) : NaN;
}

/** The stream fields of an event appended by `origin`. */
export function encodeFields(e: PublishedEvent, origin: Origin): string[] {
  const fields = [
    'f',
    e.family,
    'j',
    e.json,
    'c',
    String(e.created_at),
    'e',
    origin.epoch,
    'w',
    origin.writer,
    'h',
    String(origin.head),
  ];
  if (e.key !== null) fields.push('k', e.key);
  if (e.retired && e.retired.length > 0) fields.push('r', JSON.stringify(e.retired));
  return fields;
}

/** Decode one stream entry; null for an entry that is not ours or is malformed (never throws). */
export function decodeEntry(id: unknown, fields: unknown): StreamEntry | null {
  if (typeof id !== 'string' || !Array.isArray(fields)) return null;
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const k = fields[i];
    const v = fields[i + 1];
    if (typeof k === 'string' && typeof v === 'string') map.set(k, v);
  }
  const family = map.get('f');
  const json = map.get('j');
  const epoch = map.get('e');
  const writer = map.get('w');
  const head = Number(map.get('h') ?? NaN);
  const createdAt = Number(map.get('c') ?? 0);
  const sequence = sequenceOf(id);
  if (!isFamily(family)) return null;
  if (json === undefined || !Number.isSafeInteger(sequence) || sequence <= 0) return null;
  if (!epoch || !writer || !Number.isSafeInteger(head) || head < 0) return null;
  const key = map.get('k') ?? null;
  if ((family === 'arena') !== (key === null)) return null;
  const event: PublishedEvent = { sequence, family, key, json, created_at: Number.isFinite(createdAt) ? createdAt : 0 };
  const retired = map.get('r');
  if (retired !== undefined) {
    try {
      const list = JSON.parse(retired) as unknown;
      if (Array.isArray(list)) event.retired = list.filter((x): x is string => typeof x === 'string');
    } catch {
      // A malformed retired list only costs a stale snapshot entry.
    }
  }
  return { event, epoch, writer, head };
}

export interface DecodedBatch {
  /** Entries in stream order; malformed ones are left out. */
  entries: StreamEntry[];
  /** The highest sequence among the reply's ids (0 when none), so a reader can step past malformed entries. */
  top: number;
  /** Entries that could not be decoded. */
  malformed: number;
}

/** Entries of an XREAD/XRANGE reply (`[[id, [field, value, ...]], ...]`); never throws. */
export function decodeEntries(reply: unknown): DecodedBatch {
  const out: DecodedBatch = { entries: [], top: 0, malformed: 0 };
  if (!Array.isArray(reply)) return out;
  for (const raw of reply) {
    const id = Array.isArray(raw) ? raw[0] : undefined;
    const seq = typeof id === 'string' ? sequenceOf(id) : NaN;
    if (Number.isSafeInteger(seq) && seq > out.top) out.top = seq;
    const e = Array.isArray(raw) ? decodeEntry(raw[0], raw[1]) : null;
    if (e === null) out.malformed++;
    else out.entries.push(e);
  }
  return out;
}

/** The field of the `latest` hash that holds an event's key: `market.<SYMBOL>`, `agent.<ID>`, `book.<SYMBOL>`, or `arena`. */
export function latestField(e: PublishedEvent): string {
  return e.family === 'arena' ? 'arena' : `${e.family}.${e.key}`;
}

/** A `latest` hash entry (`market.BTC-USD` / `agent.X` / `book.X` / `arena` → frame) as an event; null when malformed. */
export function decodeLatest(field: unknown, json: unknown): PublishedEvent | null {
  if (typeof field !== 'string' || typeof json !== 'string') return null;
  const sequence = frameSequence(json);
  if (!Number.isSafeInteger(sequence) || sequence < 0) return null;
  const topic = parseTopic(field);
  if (topic === null || (topic.key === null) !== (topic.family === 'arena')) return null;
  return { sequence, family: topic.family, key: topic.key, json, created_at: 0 };
}

/** Every entry of a `latest` hash reply that decodes. */
export function decodeLatestHash(reply: unknown): PublishedEvent[] {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return [];
  const out: PublishedEvent[] = [];
  for (const [field, json] of Object.entries(reply as Record<string, unknown>)) {
    const e = decodeLatest(field, json);
    if (e !== null) out.push(e);
  }
  return out;
}
