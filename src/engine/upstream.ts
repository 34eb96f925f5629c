// Where a node's events come from: its own simulation worker, or (on a gateway) the Redis stream.
import type { StreamOrigin } from '../protocol/stream-origin.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { Ask, RoundsSource } from '../http/api-routes.ts';

export interface Upstream {
  epoch: string;
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
  adopt(origin: StreamOrigin): void;
  publish(event: PublishedEvent): void;
  /** How many recent events the resume history holds. */
  readonly historyCapacity: number;
}
