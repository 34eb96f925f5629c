// The order book's vocabulary: sides, resting orders, the fill callback, the plain-JSON state and take results.

export const BID = 0;
export const ASK = 1;
/** 0 = bid (buy side), 1 = ask (sell side). */
export type BookSide = 0 | 1;

export interface RestingOrder {
  id: number;
  owner: string;
  side: BookSide;
  /** Price in ticks. */
  price: number;
  /** Remaining size in lots; 0 once the order is filled or cancelled (it is then no longer in the book). */
  lots: number;
}

/** Called once per fill, maker first in time priority; `aggressor` is the taker's side. */
export type FillSink = (price: number, lots: number, aggressor: BookSide, maker: RestingOrder, taker: string) => void;

/** Plain-JSON book: the next order id and every resting order as [id, owner, side, price, lots] in priority order. */
export interface OrderBookState {
  nextId: number;
  orders: Array<[number, string, BookSide, number, number]>;
}

export interface TakeResult {
  lots: number;
  /** Sum of fill price ticks x lots. */
  ticksLots: number;
}
