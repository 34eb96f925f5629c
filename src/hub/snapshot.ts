// What a client is sent as the snapshot of the topics it just took: the latest state, not the resume ring. Pure.
import { type KeyedFamily, parseTopic } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { wants } from './subscriptions.ts';

/** The latest state per key of each family (a book's as a snapshot), and the latest arena round. */
export interface LatestState {
  latestFor(family: KeyedFamily, key: string | null): readonly PublishedEvent[];
  latestArena(): PublishedEvent | undefined;
}

const NONE: readonly PublishedEvent[] = [];

/** The latest state of each key (and the latest round) under `topics`, each once, oldest first (shared: read only). */
export function snapshotEvents(latest: LatestState, topics: Iterable<string>): readonly PublishedEvent[] {
  let first: readonly PublishedEvent[] | null = null;
  let merged: Set<PublishedEvent> | null = null;
  for (const topic of topics) {
    const parsed = parseTopic(topic);
    if (parsed === null) continue;
    const round = parsed.family === 'arena' ? latest.latestArena() : undefined;
    const found =
      parsed.family === 'arena' ? (round === undefined ? NONE : [round]) : latest.latestFor(parsed.family, parsed.key);
    // One topic (a connect to one family, a subscribe to one key) is its own answer, already oldest first.
    if (first === null) {
      first = found;
      continue;
    }
    merged ??= new Set(first);
    for (const e of found) merged.add(e);
  }
  if (merged === null) return first ?? NONE;
  return [...merged].sort((a, b) => a.sequence - b.sequence);
}

/** Of topics just added, those a family already held did not cover: only they need a snapshot. */
export function uncoveredTopics(heldBefore: ReadonlySet<string>, added: readonly string[]): string[] {
  return added.filter((t) => {
    const parsed = parseTopic(t);
    return parsed !== null && !wants(heldBefore, parsed.family, parsed.key);
  });
}
