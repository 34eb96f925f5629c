// Per-connection state, set at upgrade and carried in `ws.data`.
import type { ClosedBy } from '../metrics/hub-metrics.ts';
import type { TokenBucket } from './rate-limit.ts';

/** A resume in progress: replaying history to one socket, paced by its drain events. */
export interface CatchUp {
  /** The client's `since`. */
  since: number;
  /** The last sequence examined. */
  cursor: number;
  /** Head sequence when the resume started; later events were not delivered live. */
  until: number;
  /** Native topics that were live (and since when) when the resume started. */
  liveSince: Map<string, number>;
  replayed: number;
}

export interface ConnectionData {
  id: number;
  remote: string;
  /** Topics the client holds (`market`, `market.BTC-USD`, ...). */
  held: Set<string>;
  /** Native Bun topics currently subscribed, each with the head sequence at subscription. */
  live: Map<string, number>;
  catchUp: CatchUp | null;
  closing: boolean;
  closedBy?: ClosedBy;
  messages: TokenBucket;
  badFrames: TokenBucket;
  /** Requested at connect: `?topics=` (null = default topics) and `?since=`/`?epoch=`. */
  initialTopics: string[] | null;
  initialSince: string | null;
  initialEpoch: string | null;
}
