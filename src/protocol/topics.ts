// Topic names: the families on offer, their syntax, and which topics an event is published on.

/** Topic families; `market.<SYMBOL>` and `agent.<AGENT_ID>` narrow the first two. */
export const TOPIC_FAMILIES = ['market', 'agent', 'arena'] as const;
export type TopicFamily = (typeof TOPIC_FAMILIES)[number];

/** What a client gets when it asks for nothing (the seed's behaviour). */
export const DEFAULT_TOPICS: readonly string[] = ['market', 'agent'];

/** Symbols and agent ids are plain tokens so that `family.key` is unambiguous. */
export const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type ParsedTopic = { family: TopicFamily; key: null } | { family: 'market' | 'agent'; key: string };

/** Parse `market`, `market.BTC-USD`, `agent`, `agent.Balanced` or `arena`; `null` when malformed. */
export function parseTopic(topic: unknown): ParsedTopic | null {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 80) return null;
  const dot = topic.indexOf('.');
  if (dot === -1) {
    return (TOPIC_FAMILIES as readonly string[]).includes(topic) ? { family: topic as TopicFamily, key: null } : null;
  }
  const family = topic.slice(0, dot);
  const key = topic.slice(dot + 1);
  if ((family !== 'market' && family !== 'agent') || !KEY_PATTERN.test(key)) return null;
  return { family, key };
}

/** The narrow topic of one symbol or agent. */
export function keyTopic(family: 'market' | 'agent', key: string): string {
  return `${family}.${key}`;
}

/** Split a comma-separated topic list (`?topics=`, `--topics`), dropping blanks. */
export function splitTopicList(list: string): string[] {
  return list
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}
