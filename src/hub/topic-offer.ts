// What a node offers: its symbols and the topic families it publishes, the welcome's topic list over them, and the
// existence checks that topic admission and REST lookups use.
import { offeredTopics, TOPIC_FAMILIES, type TopicFamily } from '../protocol/topics.ts';
import type { KnownKeys } from './topic-admission.ts';

export class TopicOffer {
  private readonly symbols = new Set<string>();
  private families: readonly TopicFamily[] = TOPIC_FAMILIES;
  private list: string[] = [];
  readonly known: KnownKeys;

  constructor(symbols: readonly string[], agentExists: (key: string) => boolean) {
    this.known = {
      symbol: (key) => this.symbols.has(key),
      agent: agentExists,
      family: (family) => this.families.includes(family),
    };
    this.set(symbols);
  }

  /** The welcome's `topics`. */
  get topics(): string[] {
    return this.list;
  }

  /** Take what an upstream says: its symbols unless it names none, its families unless it does not say. */
  set(symbols: readonly string[], families?: readonly TopicFamily[]): void {
    if (symbols.length > 0) {
      this.symbols.clear();
      for (const s of symbols) this.symbols.add(s);
    }
    if (families !== undefined) this.families = families;
    this.list = offeredTopics([...this.symbols], this.families);
  }
}
