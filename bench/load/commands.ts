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

export type Command =
  | { id: number; cmd: 'connect'; count: number; topics: string[]; concurrency: number }
  | { id: number; cmd: 'window-start' }
  | { id: number; cmd: 'window-stop' }
  | { id: number; cmd: 'churn-start'; plan: ChurnPlan }
  | { id: number; cmd: 'churn-stop' }
  | { id: number; cmd: 'storm'; offlineMs: number; jitterMs: number }
  | { id: number; cmd: 'finish'; stallMs: number };

export interface ConnectReply {
  opened: number;
  failed: number;
  seconds: number;
  connectMs: HistogramData;
}

export interface WindowReply {
  deliveries: number;
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

export interface FinishReply {
  loss: LossTotals;
  errors: Record<string, number>;
  held: number;
  /** How long the held connections took to receive everything published before the end (a backlog shows here). */
  drainSeconds: number;
}

export type Reply =
  | { id: number; ok: true; result: ConnectReply | WindowReply | ChurnReply | StormReply | FinishReply | null }
  | { id: number; ok: false; error: string };

export type LoadMessage = { type: 'ready' } | { type: 'reply'; reply: Reply } | { type: 'fatal'; message: string };
