// Which requested topics a connection may hold (they exist, and its token covers them), and the bounded errors for the
// rest. Pure.
import { ALL_PUBLIC, type TopicGrants } from '../protocol/credentials.ts';
import {
  type ParsedTopic,
  PRIVATE_FAMILIES,
  parseTopic,
  SYMBOL_FAMILIES,
  TOPIC_SYNTAX,
  type TopicFamily,
} from '../protocol/topics.ts';

/** What exists now: known symbols, live agents, and the families the node publishes. */
export interface KnownKeys {
  symbol(key: string): boolean;
  agent(key: string): boolean;
  family(family: TopicFamily): boolean;
}

/** One error frame's content (`event_type: "error"` is added when it is sent). */
export interface TopicError {
  code: 'unknown_topic' | 'forbidden_topic' | 'too_many_topics';
  message: string;
  topic: string;
  /** Every bad topic of the request (up to MAX_TOPICS_NAMED) when one error stands for several. */
  topics?: string[];
}

export type TopicCheck =
  | { ok: true; topic: ParsedTopic }
  | { ok: false; code: 'unknown_topic' | 'forbidden_topic'; message: string };

/** Topics named in one collapsed error frame (each at most 80 characters): the frame stays small however many were bad. */
export const MAX_TOPICS_NAMED = 16;
/** Messages quoted in full in a collapsed error. */
const MESSAGES_QUOTED = 3;

const shown = (topic: unknown) => String(topic).slice(0, 80);

/**
 * Validate a requested topic: well-formed, covered by the token (checked before existence, so a token cannot probe
 * which agents exist outside its claims), published by this node, and existing now.
 */
export function checkTopic(topic: string, known: KnownKeys, grants: TopicGrants = ALL_PUBLIC): TopicCheck {
  const parsed = parseTopic(topic);
  if (parsed === null) {
    return {
      ok: false,
      code: 'unknown_topic',
      message: `unknown topic "${shown(topic)}" (topics: ${TOPIC_SYNTAX})`,
    };
  }
  // Private topics (an agent's orders) need a token whose claims name them: `*`, and no token at all, never cover them.
  if (!grants.covers(parsed)) {
    const message = PRIVATE_FAMILIES.has(parsed.family)
      ? `topic "${shown(topic)}" is private: it needs a token whose topics claim names it`
      : `topic "${shown(topic)}" is not covered by the token's topics`;
    return { ok: false, code: 'forbidden_topic', message };
  }
  if (!known.family(parsed.family)) {
    return {
      ok: false,
      code: 'unknown_topic',
      message: `unknown topic "${shown(topic)}": this server does not publish ${parsed.family} (its --market-data leaves it off)`,
    };
  }
  if (parsed.key !== null) {
    const bySymbol = SYMBOL_FAMILIES.has(parsed.family);
    const exists = bySymbol ? known.symbol(parsed.key) : known.agent(parsed.key);
    if (!exists)
      return {
        ok: false,
        code: 'unknown_topic',
        message: `unknown topic "${topic}": no ${bySymbol ? 'symbol' : 'agent'} "${parsed.key}"`,
      };
  }
  return { ok: true, topic: parsed };
}

/**
 * One `unknown_topic` (or `forbidden_topic`) error for every such topic of one request (`?topics=` or one op), so a
 * request with thousands of bad topics gets one bounded frame back, not one frame per topic.
 */
export function collapseTopicErrors(
  bad: readonly { topic: string; message: string }[],
  code: 'unknown_topic' | 'forbidden_topic' = 'unknown_topic',
): TopicError | null {
  const first = bad[0];
  if (first === undefined) return null;
  const topic = shown(first.topic);
  if (bad.length === 1) return { code, message: first.message, topic };
  const quoted = bad.slice(0, MESSAGES_QUOTED).map((b) => b.message);
  const more = bad.length > MESSAGES_QUOTED ? `; and ${bad.length - MESSAGES_QUOTED} more` : '';
  return {
    code,
    message: `${bad.length} ${code === 'unknown_topic' ? 'unknown' : 'forbidden'} topics: ${quoted.join('; ')}${more}`,
    topic,
    topics: bad.slice(0, MAX_TOPICS_NAMED).map((b) => shown(b.topic)),
  };
}

/**
 * The new topics a connection holding `held` may add from `requested`, and at most three errors: one `unknown_topic`
 * naming every bad topic, one `forbidden_topic` naming every topic the token does not cover, one `too_many_topics`
 * (then nothing is added).
 */
export function admitTopics(
  held: ReadonlySet<string>,
  requested: readonly string[],
  known: KnownKeys,
  maxTopics: number,
  grants: TopicGrants = ALL_PUBLIC,
): { accepted: string[]; errors: TopicError[] } {
  const accepted: string[] = [];
  const bad: { topic: string; message: string }[] = [];
  const forbidden: { topic: string; message: string }[] = [];
  for (const topic of requested) {
    const check = checkTopic(topic, known, grants);
    if (!check.ok) (check.code === 'forbidden_topic' ? forbidden : bad).push({ topic, message: check.message });
    else if (!held.has(topic) && !accepted.includes(topic)) accepted.push(topic);
  }
  const errors: TopicError[] = [];
  for (const error of [collapseTopicErrors(bad), collapseTopicErrors(forbidden, 'forbidden_topic')])
    if (error !== null) errors.push(error);
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
