// Which topics each client of the realistic load holds (the rule of k6/realistic.ts too): a window of its symbols'
// tickers, and for a share of the clients the book and trades of one of those symbols.
import type { ClientGroup } from '../load/commands.ts';

export interface RealisticMix {
  /** The symbols clients pick from. */
  symbols: readonly string[];
  /** `market.<SYMBOL>` topics per client (at most every symbol). */
  perClient: number;
  /** Percent of the clients that also hold one book with its trades. */
  bookSharePercent: number;
}

/**
 * Which book holder client `i` (0-based) is, or null when it holds no book: the holders are spread evenly, exactly
 * ⌊n × share / 100⌋ of any first n clients, and numbered 0, 1, 2, … in order.
 */
export function bookHolder(i: number, sharePercent: number): number | null {
  const before = Math.floor((i * sharePercent) / 100);
  return Math.floor(((i + 1) * sharePercent) / 100) > before ? before : null;
}

/**
 * Client `i`'s topics: `market.<SYMBOL>` of `perClient` consecutive symbols (wrapping) from its own offset. The k-th
 * book holder's window starts at symbol k (mod the symbols), whose `book.<SYMBOL>` and `trades.<SYMBOL>` it holds, so
 * the books held go round every symbol.
 */
export function realisticTopics(i: number, mix: RealisticMix): string[] {
  const n = mix.symbols.length;
  if (n === 0) throw new RangeError('realistic load: no symbols');
  const per = Math.max(1, Math.min(n, mix.perClient));
  const holder = bookHolder(i, mix.bookSharePercent);
  const first = (holder ?? i) % n;
  const topics: string[] = [];
  for (let j = 0; j < per; j++) topics.push(`market.${mix.symbols[(first + j) % n]}`);
  if (holder !== null) topics.push(`book.${mix.symbols[first]}`, `trades.${mix.symbols[first]}`);
  return topics;
}

/** The first `count` clients, grouped by the set of topics they hold (groups in order of first appearance). */
export function realisticGroups(count: number, mix: RealisticMix): ClientGroup[] {
  const groups = new Map<string, ClientGroup>();
  for (let i = 0; i < count; i++) {
    const topics = realisticTopics(i, mix);
    const key = [...topics].sort().join(',');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { count: 1, topics });
    else group.count++;
  }
  return [...groups.values()];
}
