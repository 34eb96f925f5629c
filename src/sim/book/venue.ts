// One symbol's exchange venue: instrument, order book, trade ids, last trade, candles, L2 view and event emission.

import { type BackstopFill, orderLifecycle } from './agent-orders.ts';
import { CandleBuilder, type CandleState } from './candles.ts';
import { type Instrument, lotsToSize, ticksToPrice } from './instrument.ts';
import { L2View } from './l2.ts';
import type { MarketDataFlags, MarketDataOut, OrderData, TradeData } from './market-data.ts';
import {
  BID,
  type BookSide,
  type FillSink,
  OrderBook,
  type OrderBookState,
  type RestingOrder,
  type TakeResult,
} from './order-book.ts';

export interface VenueState {
  book: OrderBookState;
  /** Agent orders placed so far (order ids are `<SYMBOL>-<n>`); absent in older checkpoints. */
  orderSeq?: number;
  /** Last trade id (trade ids are consecutive from 1). */
  tradeId: number;
  /** Last trade price in ticks, -1 before the first trade. */
  lastTrade: number;
  updateId: number;
  candle: CandleState;
  volumeLots: number;
}

/** Fill observer for the background flow (market-maker inventories): buyer, seller, lots, price ticks. */
export type FillObserver = (buyer: string, seller: string, lots: number, ticks: number) => void;

export class Venue {
  readonly book: OrderBook;
  readonly candle: CandleBuilder;
  tradeId: number;
  lastTrade: number;
  volumeLots: number;
  private readonly l2: L2View | null;
  private readonly trades: TradeData[] = [];
  private readonly orders: OrderData[] = [];
  /** Agent orders placed so far. */
  orderSeq: number;
  /** While an agent's order matches: its fills as [ticks, lots] pairs. */
  private fillLog: number[] | null = null;
  private readonly sink: FillSink;
  observer: FillObserver | null = null;

  constructor(
    readonly inst: Instrument,
    readonly flags: MarketDataFlags,
    state?: VenueState,
  ) {
    this.book = new OrderBook(state?.book);
    this.candle = new CandleBuilder(state?.candle);
    this.tradeId = state?.tradeId ?? 0;
    this.orderSeq = state?.orderSeq ?? 0;
    this.lastTrade = state?.lastTrade ?? -1;
    this.volumeLots = state?.volumeLots ?? 0;
    this.l2 = flags.book ? new L2View(flags.bookDepth, state?.updateId ?? 0, this.book) : null;
    this.sink = (price: number, lots: number, aggressor: BookSide, maker: RestingOrder, taker: string) => {
      this.tradeId++;
      this.lastTrade = price;
      this.volumeLots += lots;
      this.candle.trade(price, lots);
      this.fillLog?.push(price, lots);
      const buyer = aggressor === BID ? taker : maker.owner;
      const seller = aggressor === BID ? maker.owner : taker;
      if (this.observer) this.observer(buyer, seller, lots, price);
      if (this.flags.trades) {
        this.trades.push({
          symbol: this.inst.symbol,
          trade_id: this.tradeId,
          price: this.price(price),
          size: this.size(lots),
          side: aggressor === BID ? 'buy' : 'sell',
          buyer,
          seller,
        });
      }
    };
  }

  price(ticks: number): number {
    return ticksToPrice(this.inst, ticks);
  }

  size(lots: number): number {
    return lotsToSize(this.inst, lots);
  }

  limit(owner: string, side: BookSide, price: number, lots: number): RestingOrder | null {
    return this.book.limit(owner, side, price, lots, this.sink);
  }

  market(owner: string, side: BookSide, lots: number, out?: TakeResult): number {
    return this.book.market(owner, side, lots, this.sink, out);
  }

  /**
   * An agent's market order: matched like any other; with `flags.orders`, `finish` (called once the caller knows about
   * any backstop fill) records its lifecycle for the next flush.
   */
  agentMarket(owner: string, side: BookSide, lots: number, out: TakeResult): (backstop: BackstopFill | null) => void {
    if (!this.flags.orders) {
      this.market(owner, side, lots, out);
      return () => {};
    }
    const fills: number[] = [];
    this.fillLog = fills;
    try {
      this.market(owner, side, lots, out);
    } finally {
      this.fillLog = null;
    }
    const ticket = {
      agent_id: owner,
      order_id: `${this.inst.symbol}-${++this.orderSeq}`,
      symbol: this.inst.symbol,
      side: side === BID ? ('buy' as const) : ('sell' as const),
      lots,
    };
    return (backstop) => void this.orders.push(...orderLifecycle(ticket, fills, backstop, this));
  }

  /** Mid in ticks (fractional), else the one side there is, else the last trade, else `fallback`. */
  mid(fallback: number): number {
    const b = this.book.bestBid();
    const a = this.book.bestAsk();
    if (b >= 0 && a >= 0) return (a + b) / 2;
    if (this.lastTrade >= 0) return this.lastTrade;
    if (b >= 0) return b;
    if (a >= 0) return a;
    return fallback;
  }

  /** Push the trades, the L2 delta and the forming-candle update accumulated since the last flush, stamped `at`. */
  flush(at: number, out: MarketDataOut): void {
    const symbol = this.inst.symbol;
    if (this.trades.length > 0) {
      for (const t of this.trades) out.push({ kind: 'trade', at, data: t });
      this.trades.length = 0;
    }
    if (this.orders.length > 0) {
      for (const o of this.orders) out.push({ kind: 'order', at, data: o });
      this.orders.length = 0;
    }
    if (this.l2) {
      const changes = this.l2.delta(
        this.book,
        (t) => this.price(t),
        (l) => this.size(l),
      );
      if (changes && this.flags.bookDeltas)
        out.push({ kind: 'book', at, data: { symbol, snapshot: false, update_id: this.l2.updateId, changes } });
    }
    if (this.flags.candles && this.candle.dirty) {
      this.candle.dirty = false;
      this.pushCandle(at, out, false);
    }
  }

  /** Close the forming candle (emitting it with closed: true) and open the next one at `at`. */
  rollCandle(at: number, intervalLabel: string, out: MarketDataOut, reference: number): void {
    if (this.candle.start !== null && this.flags.candles) this.pushCandle(at, out, true, intervalLabel);
    this.candle.openAt(at, this.candle.start === null ? reference : this.candle.close);
  }

  pushSnapshot(at: number, out: MarketDataOut): void {
    if (!this.l2) return;
    const s = this.l2.snapshot(
      this.book,
      (t) => this.price(t),
      (l) => this.size(l),
    );
    out.push({
      kind: 'book',
      at,
      data: { symbol: this.inst.symbol, snapshot: true, bids: s.bids, asks: s.asks, update_id: s.update_id },
    });
  }

  private intervalLabel = '1h';

  setIntervalLabel(label: string): void {
    this.intervalLabel = label;
  }

  private pushCandle(at: number, out: MarketDataOut, closed: boolean, label = this.intervalLabel): void {
    const c = this.candle;
    out.push({
      kind: 'candle',
      at,
      data: {
        symbol: this.inst.symbol,
        interval: label,
        start: c.start ?? at,
        open: this.price(c.open),
        high: this.price(c.high),
        low: this.price(c.low),
        close: this.price(c.close),
        volume: this.size(c.lots),
        closed,
      },
    });
  }

  state(): VenueState {
    return {
      book: this.book.state(),
      tradeId: this.tradeId,
      orderSeq: this.orderSeq,
      lastTrade: this.lastTrade,
      updateId: this.l2?.updateId ?? 0,
      candle: this.candle.state(),
      volumeLots: this.volumeLots,
    };
  }
}
