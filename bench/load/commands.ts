// The IPC messages between the bench harness and its load processes.
import type { HistogramData } from '../stats/histogram.ts';
import type { LossTotals } from '../stats/loss.ts';

/** Passed as the load process's only argument (JSON). */
export interface LoadInit {
  id: number;
  /** ws://host:port of the server under test. */
  url: string;
  /** Topics of the reference connection: every family, so it sees the whole, contiguous stream. */
  referenceTopics: string[];
  /** The process exits by itself after this long. */
  lifetimeMs: number;
  connectTimeoutMs: number;
}

export interface ChurnPlan {
  /** Connections that subscribe and unsubscribe a topic in a loop (holding `toggleBase` throughout). */
  togglers: number;
  toggleBase: string[];
  toggleTopics: string[];
  /** Pause between a toggler's ops, ms (uniform in [min, max]). */
  toggleGapMs: [number, number];
  /** Connections that connect, hold for a while, disconnect and start again. */
  loopers: number;
  looperTopics: string[];
  holdMs: [number, number];
}

/** How a load client connects and reads. */
export interface ClientOptions {
  /** A WebSocket (`/?topics=…`) or a Server-Sent Events stream (`/sse?topics=…`). */
  transport: 'ws' | 'sse';
  /** Offer permessage-deflate (and inflate what arrives compressed). */
  deflate: boolean;
  /** `conflate_ms` for its topics (0: loss-free). */
  conflateMs: number;
}

export const PLAIN_CLIENT: ClientOptions = { transport: 'ws', deflate: false, conflateMs: 0 };

/** Slow readers: clients that read at most `readBytesPerS` each and come back with `since` when the server closes them. */
export interface SlowPlan {
  count: number;
  topics: string[];
  client: ClientOptions;
  readBytesPerS: number;
  concurrency: number;
}

/** `count` held connections that all hold `topics` (a connect command carries one group per distinct topic set). */
export interface ClientGroup {
  count: number;
  topics: string[];
}

export type Command =
  | { id: number; cmd: 'connect'; groups: ClientGroup[]; concurrency: number; client: ClientOptions }
  | { id: number; cmd: 'window-start' }
  | { id: number; cmd: 'window-stop' }
  | { id: number; cmd: 'churn-start'; plan: ChurnPlan }
  | { id: number; cmd: 'churn-stop' }
  | { id: number; cmd: 'storm'; offlineMs: number; jitterMs: number }
  | { id: number; cmd: 'slow-start'; plan: SlowPlan }
  | { id: number; cmd: 'slow-stop'; catchUpMs: number }
  | { id: number; cmd: 'finish'; stallMs: number };

export interface ConnectReply {
  opened: number;
  failed: number;
  seconds: number;
  connectMs: HistogramData;
}

export interface WindowReply {
  deliveries: number;
  /** Bytes the held clients read from their sockets (frames, headers and all). */
  bytes: number;
  seconds: number;
  ages: HistogramData;
  /** Each event's earliest arrival over this process's clients. */
  firstAges: HistogramData;
  /** Loss-checked connections that received at least one event in the window, and how many there are. */
  receiving: number;
  held: number;
}

export interface ChurnReply {
  connects: number;
  connectMs: HistogramData;
  subscribeOps: number;
  ackMs: HistogramData;
  seconds: number;
}

export interface StormReply {
  reconnected: number;
  failed: number;
  seconds: number;
  reconnectMs: HistogramData;
  replayed: number;
}

/** What the slow readers got while the measurement window was open, and what happened to their connections. */
export interface SlowReply {
  clients: number;
  deliveries: number;
  bytes: number;
  /** Conflated deliveries, and the events they replaced (the sum of their `conflated` counts). */
  conflatedFrames: number;
  replaced: number;
  /** Age on arrival of the events they received (a loss-free slow reader reads ever older events). */
  ages: HistogramData;
  /** Closes by the server, by close code (`1013`: too far behind). */
  closes: Record<string, number>;
  resumed: number;
  resumeFailed: number;
  failedReconnects: number;
  /** Slow readers connected and caught up when they stopped being slow. */
  caughtUp: number;
}

export interface FinishReply {
  loss: LossTotals;
  errors: Record<string, number>;
  held: number;
  /** How long the held connections took to receive everything published before the end (a backlog shows here). */
  drainSeconds: number;
}

export type Reply =
  | {
      id: number;
      ok: true;
      result: ConnectReply | WindowReply | ChurnReply | StormReply | SlowReply | FinishReply | null;
    }
  | { id: number; ok: false; error: string };

export type LoadMessage = { type: 'ready' } | { type: 'reply'; reply: Reply } | { type: 'fatal'; message: string };
