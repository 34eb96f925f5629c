// Which requested topics a connection may hold, and the bounded errors for the rest. Pure.
import { type ParsedTopic, PRIVATE_FAMILIES, parseTopic, SYMBOL_FAMILIES, TOPIC_SYNTAX } from '../protocol/topics.ts';

/** What exists now: known symbols and live agents. */
export interface KnownKeys {
  symbol(key: string): boolean;
  agent(key: string): boolean;
}

/** One error frame's content (`event_type: "error"` is added when it is sent). */
export interface TopicError {
  code: 'unknown_topic' | 'too_many_topics';
  message: string;
  topic: string;
  /** Every bad topic of the request (up to MAX_TOPICS_NAMED) when one error stands for several. */
  topics?: string[];
}

export type TopicCheck = { ok: true; topic: ParsedTopic } | { ok: false; message: string };

/** Topics named in one collapsed error frame (each at most 80 characters): the frame stays small however many were bad. */
export const MAX_TOPICS_NAMED = 16;
/** Messages quoted in full in a collapsed error. */
const MESSAGES_QUOTED = 3;

const shown = (topic: unknown) => String(topic).slice(0, 80);

/** Validate a requested topic against what exists now. */
export function checkTopic(topic: string, known: KnownKeys): TopicCheck {
  const parsed = parseTopic(topic);
  if (parsed === null) {
    return {
      ok: false,
      message: `unknown topic "${shown(topic)}" (topics: ${TOPIC_SYNTAX})`,
    };
  }
  // Private topics need credentials that name them; until a connection has such credentials, none may be held.
  if (PRIVATE_FAMILIES.has(parsed.family))
    return { ok: false, message: `topic "${shown(topic)}" is private: it needs a token whose topics claim names it` };
  if (parsed.key !== null) {
    const bySymbol = SYMBOL_FAMILIES.has(parsed.family);
    const exists = bySymbol ? known.symbol(parsed.key) : known.agent(parsed.key);
    if (!exists)
      return { ok: false, message: `unknown topic "${topic}": no ${bySymbol ? 'symbol' : 'agent'} "${parsed.key}"` };
  }
  return { ok: true, topic: parsed };
}

/**
 * One `unknown_topic` error for every bad topic of one request (`?topics=` or one op), so a request with thousands of
 * bad topics gets one bounded frame back, not one frame per topic.
 */
export function collapseTopicErrors(bad: readonly { topic: string; message: string }[]): TopicError | null {
  const first = bad[0];
  if (first === undefined) return null;
  const topic = shown(first.topic);
  if (bad.length === 1) return { code: 'unknown_topic', message: first.message, topic };
  const quoted = bad.slice(0, MESSAGES_QUOTED).map((b) => b.message);
  const more = bad.length > MESSAGES_QUOTED ? `; and ${bad.length - MESSAGES_QUOTED} more` : '';
  return {
    code: 'unknown_topic',
    message: `${bad.length} unknown topics: ${quoted.join('; ')}${more}`,
    topic,
    topics: bad.slice(0, MAX_TOPICS_NAMED).map((b) => shown(b.topic)),
  };
}

/**
 * The new topics a connection holding `held` may add from `requested`, and at most two errors: one `unknown_topic`
 * naming every bad topic, one `too_many_topics` (then nothing is added).
 */
export function admitTopics(
  held: ReadonlySet<string>,
  requested: readonly string[],
  known: KnownKeys,
  maxTopics: number,
): { accepted: string[]; errors: TopicError[] } {
  const accepted: string[] = [];
  const bad: { topic: string; message: string }[] = [];
  for (const topic of requested) {
    const check = checkTopic(topic, known);
    if (!check.ok) bad.push({ topic, message: check.message });
    else if (!held.has(topic) && !accepted.includes(topic)) accepted.push(topic);
  }
  const errors: TopicError[] = [];
  const unknown = collapseTopicErrors(bad);
  if (unknown !== null) errors.push(unknown);
  if (held.size + accepted.length > maxTopics) {
    errors.push({
      code: 'too_many_topics',
      message: `subscribing to ${accepted.length} more topic(s) would exceed the limit of ${maxTopics} per connection`,
      topic: accepted.join(',').slice(0, 80),
    });
    accepted.length = 0;
  }
  return { accepted, errors };
}

/** The topics of an unsubscribe that are well-formed, and one error for the malformed ones. */
export function releaseTopics(topics: readonly string[]): { valid: string[]; error: TopicError | null } {
  const valid: string[] = [];
  const bad: { topic: string; message: string }[] = [];
  for (const topic of topics) {
    if (parseTopic(topic) === null) bad.push({ topic, message: `unknown topic "${shown(topic)}"` });
    else valid.push(topic);
  }
  return { valid, error: collapseTopicErrors(bad) };
}
