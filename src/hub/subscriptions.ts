// Which topics a connection holds, and which native Bun topics that means (overlaps removed). Pure.
import { keyTopic, parseTopic, type ParsedTopic } from '../protocol/topics.ts';

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
export function nativeDiff(before: ReadonlySet<string>, after: ReadonlySet<string>): { subscribe: string[]; unsubscribe: string[] } {
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

/** The native topics an event is published on. */
export function eventTopics(family: 'market' | 'agent' | 'arena', key: string | null): string[] {
  return key === null || family === 'arena' ? [family] : [family, keyTopic(family, key)];
}

export type TopicCheck = { ok: true; topic: ParsedTopic } | { ok: false; code: 'unknown_topic'; message: string };

/** Validate a requested topic against what exists now (known symbols and agents). */
export function checkTopic(topic: string, known: { symbol(key: string): boolean; agent(key: string): boolean }): TopicCheck {
  const parsed = parseTopic(topic);
  if (parsed === null) {
    return { ok: false, code: 'unknown_topic', message: `unknown topic "${String(topic).slice(0, 80)}" (topics: market, market.<SYMBOL>, agent, agent.<AGENT_ID>, arena)` };
  }
  if (parsed.key !== null) {
    const exists = parsed.family === 'market' ? known.symbol(parsed.key) : known.agent(parsed.key);
    if (!exists) {
      const what = parsed.family === 'market' ? 'symbol' : 'agent';
      return { ok: false, code: 'unknown_topic', message: `unknown topic "${topic}": no ${what} "${parsed.key}"` };
    }
  }
  return { ok: true, topic: parsed };
}

/** Topics named in one collapsed error frame (each at most 80 characters): the frame stays small however many were bad. */
export const MAX_TOPICS_NAMED = 16;
/** Messages quoted in full in a collapsed error. */
const MESSAGES_QUOTED = 3;

/**
 * One `unknown_topic` error for every bad topic of one request (`?topics=` or one op), so a request with thousands of
 * bad topics gets one bounded frame back, not one frame per topic.
 */
export function collapseTopicErrors(bad: readonly { topic: string; message: string }[]): { code: 'unknown_topic'; message: string; topic: string; topics?: string[] } | null {
  const first = bad[0];
  if (first === undefined) return null;
  const topic = String(first.topic).slice(0, 80);
  if (bad.length === 1) return { code: 'unknown_topic', message: first.message, topic };
  const quoted = bad.slice(0, MESSAGES_QUOTED).map((b) => b.message);
  const more = bad.length > MESSAGES_QUOTED ? `; and ${bad.length - MESSAGES_QUOTED} more` : '';
  return {
    code: 'unknown_topic',
    message: `${bad.length} unknown topics: ${quoted.join('; ')}${more}`,
    topic,
    topics: bad.slice(0, MAX_TOPICS_NAMED).map((b) => String(b.topic).slice(0, 80)),
  };
}
