// The chosen symbol's market (pure, no DOM): its book kept with a BookMirror, the latest trades and the candles.
import { type BookApply, BookMirror } from '../protocol/book-mirror.ts';
import type { BookEvent, CandleData, TradeData } from '../protocol/index.ts';

/** Trades listed on the tape. */
export const TAPE_ROWS = 50;
/** Candles drawn. */
export const MAX_CANDLES = 60;
/** Levels per side drawn in the depth chart. */
export const DEPTH_LEVELS = 20;

/** The three streams of one symbol, as topics. */
export function marketTopics(symbol: string): string[] {
  return [`book.${symbol}`, `trades.${symbol}`, `candles.${symbol}`];
}

/** Symbols on offer, from a welcome's `topics` (`market.<SYMBOL>`), in the server's order. */
export function symbolsOffered(topics: readonly string[]): string[] {
  return topics.filter((t) => t.startsWith('market.')).map((t) => t.slice('market.'.length));
}

export class MarketState {
  symbol: string | null = null;
  book: BookMirror | null = null;
  /** Oldest first, by trade id, each once; at most TAPE_ROWS. */
  trades: TradeData[] = [];
  /** Oldest first, by start, each interval once (the forming one replaced in place); at most MAX_CANDLES. */
  candles: CandleData[] = [];
  readonly dirty = { book: false, trades: false, candles: false };
  /** A fresh snapshot has been asked for since the book was last known. */
  private awaitingSnapshot = false;

  /** Show `symbol` from now on; forgets what was shown. Returns false when it was already shown. */
  select(symbol: string): boolean {
    if (symbol === this.symbol) return false;
    this.symbol = symbol;
    this.book = new BookMirror(symbol);
    this.awaitingSnapshot = false;
    this.trades = [];
    this.candles = [];
    this.dirty.book = this.dirty.trades = this.dirty.candles = true;
    return true;
  }

  /**
   * A book frame: a snapshot seeds the mirror, a delta moves it on. Frames of another symbol are `ignored` (they may
   * still arrive just after a switch). A delta that does not follow leaves the mirror not knowing the book: the first
   * such delta since the last snapshot says `resync` (ask for a fresh snapshot), later ones `gap` (one is on its way).
   */
  applyBook(book: BookEvent['book'], sequence: number): BookApply | 'ignored' | 'resync' {
    if (this.book === null || book.symbol !== this.symbol) return 'ignored';
    this.dirty.book = true;
    if ('bids' in book) {
      this.book.seed(book, sequence);
      this.awaitingSnapshot = false;
      return 'applied';
    }
    const result = this.book.apply(book, sequence);
    if (result !== 'gap' || this.awaitingSnapshot) return result;
    this.awaitingSnapshot = true;
    return 'resync';
  }

  /** Trades from the stream or the REST backfill, in any order; duplicates are dropped. */
  addTrades(trades: readonly TradeData[]): void {
    let changed = false;
    for (const t of trades) {
      if (t.symbol !== this.symbol) continue;
      changed = insertBy(this.trades, t, (x) => x.trade_id, TAPE_ROWS) || changed;
    }
    if (changed) this.dirty.trades = true;
  }

  /** Candles from the stream or the REST backfill; a newer state of a candle replaces the older one. */
  addCandles(candles: readonly CandleData[]): void {
    let changed = false;
    for (const c of candles) {
      if (c.symbol !== this.symbol) continue;
      const at = this.candles.findIndex((x) => x.start === c.start);
      const held = this.candles[at];
      if (held === undefined) changed = insertBy(this.candles, c, (x) => Date.parse(x.start), MAX_CANDLES) || changed;
      else if (newerCandle(held, c)) {
        this.candles[at] = c;
        changed = true;
      }
    }
    if (changed) this.dirty.candles = true;
  }

  /** The newest trade id shown, or null. */
  get lastTradeId(): number | null {
    return this.trades.at(-1)?.trade_id ?? null;
  }
}

/**
 * Is `next` a later state of the same interval than `held`? A closed candle is final; while forming, its volume only
 * grows (a REST answer can arrive after newer stream updates, and must not roll the candle back).
 */
export function newerCandle(held: CandleData, next: CandleData): boolean {
  if (held.closed) return false;
  return next.closed || next.volume >= held.volume;
}

/** Insert keeping `key` order and uniqueness, then keep the newest `cap`; false when nothing changed. */
export function insertBy<T>(list: T[], item: T, key: (x: T) => number, cap: number): boolean {
  const k = key(item);
  const last = list[list.length - 1];
  if (last === undefined || k > key(last)) list.push(item);
  else {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(list[mid] as T) < k) lo = mid + 1;
      else hi = mid;
    }
    if (list[lo] !== undefined && key(list[lo] as T) === k) return false;
    // Older than everything kept in a full list: it would be trimmed at once.
    if (lo === 0 && list.length >= cap) return false;
    list.splice(lo, 0, item);
  }
  if (list.length > cap) list.splice(0, list.length - cap);
  return true;
}
