// Which topics a connection holds, and which native Bun topics that means (overlaps removed). Pure.
import { KEY_ONLY_FAMILIES, type KeyedFamily, keyTopic, type TopicFamily } from '../protocol/topics.ts';

/**
 * The native topics for a set of held topics: a family topic (`market`) covers its narrow topics
 * (`market.BTC-USD`), so only the family is subscribed and each event arrives once.
 */
export function nativeTopics(held: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const topic of held) {
    const dot = topic.indexOf('.');
    if (dot !== -1 && held.has(topic.slice(0, dot))) continue;
    out.add(topic);
  }
  return out;
}

/** The native subscribe/unsubscribe calls that turn `before` (a set, or a map keyed by topic) into `after`. */
export function nativeDiff(
  before: Pick<ReadonlySet<string>, 'has' | 'keys'>,
  after: ReadonlySet<string>,
): { subscribe: string[]; unsubscribe: string[] } {
  const subscribe: string[] = [];
  const unsubscribe: string[] = [];
  for (const t of after) if (!before.has(t)) subscribe.push(t);
  for (const t of before.keys()) if (!after.has(t)) unsubscribe.push(t);
  return { subscribe, unsubscribe };
}

/** Does a connection holding `held` receive an event of `family`/`key`? */
export function wants(held: ReadonlySet<string>, family: string, key: string | null): boolean {
  if (held.has(family)) return true;
  return key !== null && held.has(`${family}.${key}`);
}

/** Topic lists built once per key (bounded: agent ids come and go, so a cache is dropped when it grows). */
const keyed = new Map<TopicFamily, Map<string, readonly string[]>>();
const ARENA: readonly string[] = ['arena'];
const KEYED_MAX = 20_000;

/**
 * The native topics an event is published on (its family's, then its key's; a key-only family such as `book` has no
 * family topic): built once per key, the same array every time.
 */
export function eventTopics(family: TopicFamily, key: string | null): readonly string[] {
  if (key === null || family === 'arena') return family === 'arena' ? ARENA : [family];
  let cache = keyed.get(family);
  if (cache === undefined) {
    cache = new Map();
    keyed.set(family, cache);
  }
  let topics = cache.get(key);
  if (topics === undefined) {
    if (cache.size >= KEYED_MAX) cache.clear();
    const narrow = keyTopic(family as KeyedFamily, key);
    topics = KEY_ONLY_FAMILIES.has(family) ? [narrow] : [family, narrow];
    cache.set(key, topics);
  }
  return topics;
}
