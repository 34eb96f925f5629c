// Which topics a connection holds, and which native Bun topics that means (overlaps removed). Pure.
import { keyTopic } from '../protocol/topics.ts';

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

/** The native subscribe/unsubscribe calls that turn `before` into `after`. */
export function nativeDiff(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): { subscribe: string[]; unsubscribe: string[] } {
  const subscribe: string[] = [];
  const unsubscribe: string[] = [];
  for (const t of after) if (!before.has(t)) subscribe.push(t);
  for (const t of before) if (!after.has(t)) unsubscribe.push(t);
  return { subscribe, unsubscribe };
}

/** Does a connection holding `held` receive an event of `family`/`key`? */
export function wants(held: ReadonlySet<string>, family: string, key: string | null): boolean {
  if (held.has(family)) return true;
  return key !== null && held.has(`${family}.${key}`);
}

const FAMILY_ONLY = { market: ['market'], agent: ['agent'], arena: ['arena'] } as const;
/** Topic lists built once per symbol/agent (bounded: agent ids come and go, so a cache is dropped when it grows). */
const keyed = { market: new Map<string, readonly string[]>(), agent: new Map<string, readonly string[]>() };
const KEYED_MAX = 20_000;

/** The native topics an event is published on: built once per key, the same array every time. */
export function eventTopics(family: 'market' | 'agent' | 'arena', key: string | null): readonly string[] {
  if (key === null || family === 'arena') return FAMILY_ONLY[family];
  const cache = keyed[family];
  let topics = cache.get(key);
  if (topics === undefined) {
    if (cache.size >= KEYED_MAX) cache.clear();
    topics = [family, keyTopic(family, key)];
    cache.set(key, topics);
  }
  return topics;
}
