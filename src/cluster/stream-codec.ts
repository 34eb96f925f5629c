// How events are stored in the Redis stream: entry id `<sequence>-1`, so appends are idempotent and ordered. Pure.
import type { PublishedEvent } from '../protocol/worker-messages.ts';

export interface ClusterKeys {
  /** The event stream (capped at the history size). */
  events: string;
  /** Latest event per `market.<SYMBOL>` / `agent.<ID>` (the snapshot). */
  latest: string;
  /** Hash: epoch, symbols (JSON), updated_at. */
  meta: string;
  /** The writer lease: the id of the one sim node allowed to append. */
  writer: string;
  /** Recent arena rounds, newest first (for the gateways' REST API). */
  rounds: string;
}

export function clusterKeys(prefix: string): ClusterKeys {
  return { events: `${prefix}:events`, latest: `${prefix}:latest`, meta: `${prefix}:meta`, writer: `${prefix}:writer`, rounds: `${prefix}:rounds` };
}

/** The stream id of a sequence: explicit ids make a re-append of the same event fail instead of duplicating it. */
export function streamId(sequence: number): string {
  return `${sequence}-1`;
}

export function sequenceOf(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash === -1 ? id : id.slice(0, dash));
}

export function encodeFields(e: PublishedEvent): string[] {
  const fields = ['f', e.family, 'j', e.json, 'c', String(e.created_at)];
  if (e.key !== null) fields.push('k', e.key);
  if (e.retired && e.retired.length > 0) fields.push('r', JSON.stringify(e.retired));
  return fields;
}

/** Decode one stream entry; null for an entry that is not ours (never throws). */
export function decodeEntry(id: string, fields: readonly string[]): PublishedEvent | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const family = map.get('f');
  const json = map.get('j');
  const sequence = sequenceOf(id);
  if ((family !== 'market' && family !== 'agent' && family !== 'arena') || json === undefined || !Number.isSafeInteger(sequence) || sequence <= 0) return null;
  const event: PublishedEvent = { sequence, family, key: map.get('k') ?? null, json, created_at: Number(map.get('c') ?? 0) };
  const retired = map.get('r');
  if (retired !== undefined) {
    try {
      const list = JSON.parse(retired) as unknown;
      if (Array.isArray(list)) event.retired = list.filter((x): x is string => typeof x === 'string');
    } catch {
      // A malformed retired list only costs a stale snapshot entry.
    }
  }
  return event;
}

/** Entries of an XREAD/XRANGE reply (`[[id, [field, value, ...]], ...]`). */
export function decodeEntries(entries: unknown): PublishedEvent[] {
  const out: PublishedEvent[] = [];
  if (!Array.isArray(entries)) return out;
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
    const e = decodeEntry(entry[0], entry[1] as string[]);
    if (e !== null) out.push(e);
  }
  return out;
}
