// The gateway's decisions about what it reads from Redis: deliver, skip, resync on a new epoch, or hold when the
// history moved backwards. Pure; redis-feed.ts does the I/O.
import { TOPIC_FAMILIES, type TopicFamily } from '../protocol/topics.ts';
import type { StreamEntry } from './stream-codec.ts';

/** Where a gateway is: the history it follows, the writer it has checked, the last sequence it delivered. */
export interface FeedPosition {
  epoch: string;
  writer: string;
  lastSeq: number;
}

export type EntryVerdict =
  /** Hand it to the hub; `gap` when sequences between lastSeq and it are missing. */
  | { kind: 'deliver'; gap: boolean }
  /** Already delivered (a re-append). */
  | { kind: 'skip' }
  /** Another sequence space: reload under the new epoch and make every client resync. */
  | { kind: 'epoch_changed' }
  /** A new writer that started at or after what we delivered: it continues our history; adopt it and judge again. */
  | { kind: 'new_writer' }
  /** A new writer that started below what we delivered: its sequences reuse ours for other events. Deliver nothing. */
  | { kind: 'backwards' };

export function judgeEntry(at: FeedPosition, entry: StreamEntry): EntryVerdict {
  if (entry.epoch !== at.epoch) return { kind: 'epoch_changed' };
  if (entry.writer !== at.writer) return entry.head >= at.lastSeq ? { kind: 'new_writer' } : { kind: 'backwards' };
  const seq = entry.event.sequence;
  if (seq <= at.lastSeq) return { kind: 'skip' };
  return { kind: 'deliver', gap: at.lastSeq !== 0 && seq !== at.lastSeq + 1 };
}

/** The `<prefix>:meta` hash as the gateway reads it. */
export interface StreamMeta {
  epoch: string | null;
  writer: string | null;
  /** The current writer's journal head when it took the stream over. */
  head: number | null;
  symbols: string[];
  /** The families the sim node publishes; absent from a meta written before they were recorded. */
  families?: TopicFamily[];
}

/** A JSON list of strings in a meta field, or null when the field is absent or not one. */
function stringList(field: unknown): string[] | null {
  try {
    const parsed = JSON.parse(typeof field === 'string' ? field : 'null') as unknown;
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : null;
  } catch {
    return null;
  }
}

export function parseMeta(reply: unknown): StreamMeta {
  const m =
    typeof reply === 'object' && reply !== null && !Array.isArray(reply) ? (reply as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const head = Number(m.head);
  const families = stringList(m.families)?.filter((f): f is TopicFamily =>
    (TOPIC_FAMILIES as readonly string[]).includes(f),
  );
  return {
    epoch: text(m.epoch),
    writer: text(m.writer),
    head: Number.isSafeInteger(head) && head >= 0 ? head : null,
    symbols: stringList(m.symbols) ?? [],
    ...(families === undefined ? {} : { families }),
  };
}

export type MetaVerdict = 'same' | 'absent' | 'epoch_changed' | 'new_writer' | 'backwards';

/** What the meta hash says about our position (checked on quiet reads, after an outage, and while holding). */
export function judgeMeta(at: FeedPosition, meta: StreamMeta): MetaVerdict {
  if (meta.epoch === null) return 'absent';
  if (meta.epoch !== at.epoch) return 'epoch_changed';
  if (meta.writer === null || meta.writer === at.writer) return 'same';
  return (meta.head ?? 0) >= at.lastSeq ? 'new_writer' : 'backwards';
}

/** The newest run of entries under `epoch` (oldest first), from a stream read oldest first: what a gateway preloads. */
export function newestRunOf<T extends { epoch: string }>(entries: readonly T[], epoch: string): T[] {
  let from = entries.length;
  while (from > 0 && (entries[from - 1] as T).epoch === epoch) from--;
  return entries.slice(from);
}
