// Topic names: the families on offer, their syntax, and which topics an event is published on.

/**
 * Topic families. Every family but `arena` is keyed: `market.<SYMBOL>`, `agent.<AGENT_ID>`, `trades.<SYMBOL>`,
 * `book.<SYMBOL>`, `candles.<SYMBOL>` narrow it to one key.
 */
export const TOPIC_FAMILIES = ['market', 'agent', 'arena', 'trades', 'book', 'candles', 'orders'] as const;
export type TopicFamily = (typeof TOPIC_FAMILIES)[number];
export type KeyedFamily = Exclude<TopicFamily, 'arena'>;
export const KEYED_FAMILIES: readonly KeyedFamily[] = ['market', 'agent', 'trades', 'book', 'candles', 'orders'];

/** The `event_type` of each family's events (a family's name is its topic, the type names one event). */
export const FAMILY_EVENT_TYPE = {
  market: 'market',
  agent: 'agent',
  arena: 'arena',
  trades: 'trade',
  book: 'book',
  candles: 'candle',
  orders: 'order',
} as const satisfies Record<TopicFamily, string>;

/** Families whose key is a symbol (the others: `agent` is keyed by agent id, `arena` has no key). */
export const SYMBOL_FAMILIES: ReadonlySet<TopicFamily> = new Set(['market', 'trades', 'book', 'candles']);

/**
 * Families that exist only per key: a book is one symbol's, an order stream one agent's, so there is no family-wide
 * `book` or `orders` topic.
 */
export const KEY_ONLY_FAMILIES: ReadonlySet<TopicFamily> = new Set(['book', 'orders']);

/**
 * Private families: an agent's orders are its owner's. Only credentials that name them (`orders.<AGENT_ID>` or
 * `orders.*`) may hold them; `*` does not; nothing of them enters a public topic, snapshot or REST answer.
 */
export const PRIVATE_FAMILIES: ReadonlySet<TopicFamily> = new Set(['orders']);

/** What a client gets when it asks for nothing (the seed's behaviour). */
export const DEFAULT_TOPICS: readonly string[] = ['market', 'agent'];

/** Symbols and agent ids are plain tokens so that `family.key` is unambiguous. */
export const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type ParsedTopic = { family: TopicFamily; key: null } | { family: KeyedFamily; key: string };

const isFamily = (s: string): s is TopicFamily => (TOPIC_FAMILIES as readonly string[]).includes(s);

/** Parse a topic (`market`, `market.BTC-USD`, `book.ETH-USD`, `arena`, …); `null` when malformed. */
export function parseTopic(topic: unknown): ParsedTopic | null {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 80) return null;
  const dot = topic.indexOf('.');
  if (dot === -1) return isFamily(topic) && !KEY_ONLY_FAMILIES.has(topic) ? { family: topic, key: null } : null;
  const family = topic.slice(0, dot);
  const key = topic.slice(dot + 1);
  if (!isFamily(family) || family === 'arena' || !KEY_PATTERN.test(key)) return null;
  return { family, key };
}

/** The narrow topic of one key (`market.BTC-USD`). */
export function keyTopic(family: KeyedFamily, key: string): string {
  return `${family}.${key}`;
}

/** Split a comma-separated topic list (`?topics=`, `--topics`), dropping blanks. */
export function splitTopicList(list: string): string[] {
  return list
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** The books' streams a node can leave off (`--market-data`): each is the topic family of the same name. */
export interface PublishedStreams {
  trades: boolean;
  book: boolean;
  candles: boolean;
  orders: boolean;
}

/** The families a node publishes: `market`, `agent` and `arena` always, the books' families only when their stream is on. */
export function publishedFamilies(streams: PublishedStreams): TopicFamily[] {
  return TOPIC_FAMILIES.filter((f) => !(f in streams) || streams[f as keyof PublishedStreams]);
}

/**
 * Every topic on offer over `symbols` (the welcome's `topics`): each published family, then each published symbol
 * family per symbol.
 */
export function offeredTopics(
  symbols: readonly string[],
  published: readonly TopicFamily[] = TOPIC_FAMILIES,
): string[] {
  const families = TOPIC_FAMILIES.filter((f) => published.includes(f) && !KEY_ONLY_FAMILIES.has(f));
  const perSymbol = [...SYMBOL_FAMILIES]
    .filter((f) => published.includes(f))
    .flatMap((f) => symbols.map((s) => `${f}.${s}`));
  return [...families, ...perSymbol];
}

/** The topics syntax, for error messages. */
export const TOPIC_SYNTAX =
  'market, market.<SYMBOL>, agent, agent.<AGENT_ID>, arena, trades, trades.<SYMBOL>, book.<SYMBOL>, candles, candles.<SYMBOL>';
