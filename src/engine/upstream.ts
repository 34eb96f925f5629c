// Where a node's events come from: its own simulation worker, or (on a gateway) the Redis stream.
import type { StreamOrigin } from '../protocol/stream-origin.ts';
import type { PublishedEvent, WorkerQuery } from '../protocol/worker-messages.ts';

/** Asks the simulation or its database a read-only question. */
export type Ask = (query: WorkerQuery) => Promise<unknown>;

/** A gateway's arena rounds (from Redis), newest first. */
export type RoundsSource = (limit: number, before: number | undefined) => Promise<unknown[]>;

export interface Upstream {
  epoch: string;
  /** The seed of the story this node tells (absent on gateways). */
  seed?: number;
  /** What to print at startup after the URLs. */
  describe: string;
  /** Read-only questions for the REST API (absent on gateways). */
  ask?: Ask;
  /** On a gateway: recent arena rounds, newest first, from Redis. */
  rounds?: RoundsSource;
  /** Ready to serve? With the reason when not. */
  health(): { ok: boolean; reason?: string };
  /** Resolves with a message if the node cannot go on (its single writer died). */
  failed: Promise<string>;
  stop(timeoutMs: number): Promise<void>;
}

/** What an upstream feeds (the hub, seen from below): where the stream stands, and each event once, in order. */
export interface Downstream {
  readonly epoch: string;
  /** The newest sequence it holds. */
  readonly sequence: number;
  adopt(origin: StreamOrigin): void;
  publish(event: PublishedEvent): void;
  /** How many recent events the resume history holds. */
  readonly historyCapacity: number;
}

/** The recent events a node holds, in sequence order (the hub's resume history), read by the sim's Redis publisher. */
export interface RecentEvents {
  /** Newest sequence published. */
  readonly sequence: number;
  /** Oldest sequence still held (sequence + 1 when none). */
  readonly oldest: number;
  readonly capacity: number;
  readonly length: number;
  /** The i-th event held, 0 = oldest. */
  at(i: number): PublishedEvent | undefined;
  /** Index of the first event with a sequence above `since`. */
  indexAfter(since: number): number;
  /** The latest event per symbol/agent and the latest round. */
  latestAll(): PublishedEvent[];
}
