// The market panel of one chosen symbol: holds that symbol's book, trades and candles topics (switching them with the
// selector), backfills the tape and candles over REST once the subscription stands, and draws the three charts.
import type { ClientEvent } from '../client/reconnecting-client.ts';
import { fetchCandles, fetchTrades } from './api.ts';
import { CandleChart } from './candle-chart.ts';
import { DepthChart } from './depth-chart.ts';
import { el, must } from './dom.ts';
import { MAX_CANDLES, MarketState, marketTopics, symbolsOffered, TAPE_ROWS } from './market-state.ts';
import { TradesTape } from './trades-tape.ts';

/** The slice of the client the panel uses. */
export interface TopicHolder {
  subscribe(topics: readonly string[]): void;
  unsubscribe(topics: readonly string[]): void;
}

export class MarketPanel {
  readonly state = new MarketState();
  private symbols: string[] = [];
  /** The welcome's topics: a server with a book stream off (`--market-data`) does not offer its family. */
  private offered: ReadonlySet<string> = new Set();
  private readonly select: HTMLSelectElement;
  private readonly depth: DepthChart;
  private readonly candles: CandleChart;
  private readonly tape: TradesTape;
  /** The symbol whose REST backfill was asked for since its subscription (null: not yet). */
  private backfilled: string | null = null;

  constructor(
    root: ParentNode,
    private readonly client: TopicHolder,
    private readonly token: string | null,
    private readonly changed: () => void,
  ) {
    this.select = must(root, '#symbol');
    this.depth = new DepthChart(root);
    this.candles = new CandleChart(root);
    this.tape = new TradesTape(root);
    this.select.addEventListener('change', () => this.choose(this.select.value));
  }

  handle(event: ClientEvent): void {
    switch (event.type) {
      case 'welcome':
        this.offered = new Set(event.message.topics);
        this.offer(symbolsOffered(event.message.topics));
        break;
      case 'event': {
        const e = event.event;
        if (e.event_type === 'book') this.onBook(e.book, e.sequence);
        else if (e.event_type === 'trade') this.state.addTrades([e.trade]);
        else if (e.event_type === 'candle') this.state.addCandles([e.candle]);
        break;
      }
      case 'control':
        // The snapshot of the new topics follows the reply at once: a backfill asked for now overlaps it, with no hole.
        if (event.message.event_type === 'subscribed' && event.message.topics.includes(`trades.${this.state.symbol}`))
          this.backfill();
        break;
      case 'resumed':
        // Topics chosen while disconnected were taken with the resume, without a `subscribed` reply.
        if (this.backfilled !== this.state.symbol) this.backfill();
        break;
      case 'resume_failed':
        // Trades and candles may be missing; the snapshot that follows reseeds the book.
        this.backfill();
        break;
      default:
        break;
    }
  }

  /** The symbols a welcome offers; the first is shown until another is chosen. */
  offer(symbols: readonly string[]): void {
    const first = symbols[0];
    if (symbols.join() !== this.symbols.join()) {
      this.symbols = [...symbols];
      this.select.replaceChildren(...symbols.map((s) => Object.assign(el('option', '', s), { value: s })));
    }
    const current = this.state.symbol;
    if (first !== undefined && (current === null || !symbols.includes(current))) this.choose(first);
    else if (current !== null) this.select.value = current;
  }

  /** Show `symbol`: drop the previous symbol's topics, take this one's. */
  choose(symbol: string): void {
    const previous = this.state.symbol;
    if (!this.state.select(symbol)) return;
    if (previous !== null) this.client.unsubscribe(this.topicsOf(previous));
    this.backfilled = null;
    this.client.subscribe(this.topicsOf(symbol));
    this.select.value = symbol;
    this.changed();
  }

  /** The symbol's book, trades and candles topics that the server offers. */
  private topicsOf(symbol: string): string[] {
    return marketTopics(symbol).filter((t) => this.offered.has(t));
  }

  private onBook(book: Parameters<MarketState['applyBook']>[0], sequence: number): void {
    if (this.state.applyBook(book, sequence) !== 'resync') return;
    // The deltas no longer follow the book: take the topic again for a fresh snapshot.
    const topic = `book.${book.symbol}`;
    this.client.unsubscribe([topic]);
    this.client.subscribe([topic]);
  }

  private backfill(): void {
    const symbol = this.state.symbol;
    if (symbol === null) return;
    this.backfilled = symbol;
    void Promise.all([fetchTrades(symbol, TAPE_ROWS, this.token), fetchCandles(symbol, MAX_CANDLES, this.token)]).then(
      ([trades, candles]) => {
        if (this.state.symbol !== symbol) return;
        this.state.addTrades(trades);
        this.state.addCandles(candles);
        this.changed();
      },
    );
  }

  /** Redraw what changed since the last frame. */
  render(): void {
    const s = this.state;
    if (s.dirty.book) this.depth.render(s.book);
    if (s.dirty.trades) this.tape.render(s.symbol, s.trades);
    if (s.dirty.candles) this.candles.render(s.symbol, s.candles);
    s.dirty.book = s.dirty.trades = s.dirty.candles = false;
  }
}
